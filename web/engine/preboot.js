// Starts Postgres while the app's wasm downloads; the bridge adopts this worker when the URLs match its own
// (crates/miglab-pglite/js/bridge.js, `adopt`), and otherwise terminates it and boots its own.
// A classic script from this origin rather than inline, so the page's Content-Security-Policy needs no exception.
globalThis.miglabPreboot = (() => {
  try {
    const url = (path) => new URL(path, document.baseURI).href;
    const pre = { workerUrl: url('engine/worker.js'), pgliteUrl: url('pglite/index.js'), dataDirUrl: url('engine/dist/pgdata.tar.gz') };
    pre.worker = new Worker(pre.workerUrl, { type: 'module' });
    pre.ready = new Promise((resolve, reject) => {
      pre.worker.onmessage = (event) => (event.data.ok ? resolve() : reject(event.data.error));
      pre.worker.onerror = (event) => reject({ kind: 'died', message: event.message || 'the engine worker crashed' });
    });
    pre.ready.catch(() => {});
    pre.worker.postMessage({ id: 0, op: 'boot', pglite_url: pre.pgliteUrl, data_dir_url: pre.dataDirUrl });
    return pre;
  } catch {
    return null;
  }
})();
