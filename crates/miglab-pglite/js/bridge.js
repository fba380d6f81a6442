// The one JS module the Rust bridge imports: it starts the engine host and carries messages to it.
//
// In a browser the host is web/engine/worker.js in a module Web Worker, so a long statement never freezes the page.
// PGlite has no cancel, so a call past its time limit terminates the worker; Rust then boots a new one.
// Under Node (the bridge's tests) there are no Web Workers: the same host module runs in this thread.
// Calls are sent one at a time, so each call's time limit starts when the engine starts on it;
// a batch restarts the limit as each of its statements begins, so the limit is per statement.

const inBrowser = typeof window !== 'undefined' && typeof Worker !== 'undefined';

/// Browser URLs are made absolute against the page, since a worker resolves them against its own script.
export function absolute(url) {
  return inBrowser ? new URL(url, document.baseURI).href : url;
}

export class Host {
  constructor(workerUrl) {
    this.workerUrl = absolute(workerUrl);
    this.worker = null;
    this.local = null;
    this.current = null;
    this.queue = Promise.resolve();
    this.nextId = 1;
  }

  /// Starts (or restarts) the host; a restarted host has no database until it is booted.
  async start() {
    this.stop();
    if (!inBrowser) {
      this.local = await import(this.workerUrl);
      return;
    }
    this.attach(new Worker(this.workerUrl, { type: 'module' }));
  }

  attach(worker) {
    this.worker = worker;
    this.idleDeath = null;
    worker.onmessage = (event) => {
      const call = this.current;
      if (!call || event.data.id !== call.id) return;
      if (event.data.started !== undefined) {
        // The next statement of a batch began: the time limit is per statement, as if each were its own call.
        clearTimeout(call.timer);
        call.timer = setTimeout(() => this.fail({ kind: 'timeout', ms: call.timeoutMs }), call.timeoutMs);
        return;
      }
      this.current = null;
      clearTimeout(call.timer);
      event.data.ok ? call.resolve(event.data.value) : call.reject(event.data.error);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail({ kind: 'died', message: event.message || 'the engine worker crashed' });
    };
  }

  /// Adopts the worker `index.html` started while the app was still downloading, if it boots the database this
  /// host would. Resolves to true once that boot is done; to false when there is none, or when its boot failed or
  /// is not done within `timeoutMs` (Rust then starts a worker of its own and sends `boot`).
  async adopt(pgliteUrl, dataDirUrl, timeoutMs) {
    const pre = globalThis.miglabPreboot;
    globalThis.miglabPreboot = null;
    const same = pre?.workerUrl === this.workerUrl && pre.pgliteUrl === absolute(pgliteUrl) && pre.dataDirUrl === (dataDirUrl ? absolute(dataDirUrl) : null);
    if (!inBrowser || !same) {
      pre?.worker.terminate();
      return false;
    }
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const booted = await Promise.race([pre.ready.then(() => true, () => false), late]);
    clearTimeout(timer);
    if (!booted) {
      // Rust boots a fresh worker and reports that failure, if it happens again, with its own message.
      pre.worker.terminate();
      return false;
    }
    this.stop();
    this.attach(pre.worker);
    return true;
  }

  /// Terminates the worker and rejects the call in flight with `error`. A worker that dies between calls
  /// leaves its error for the next call, so the learner reads why the engine stopped, not only that it did.
  fail(error) {
    this.stop();
    const call = this.current;
    this.current = null;
    if (call) {
      clearTimeout(call.timer);
      call.reject(error);
    } else {
      this.idleDeath = { ...error, message: `between statements: ${error.message}` };
    }
  }

  stop() {
    this.worker?.terminate();
    this.worker = null;
  }

  /// Sends one request; rejects with `{ kind: 'timeout', ms }` when it runs longer than `timeoutMs`.
  call(request, timeoutMs) {
    const run = () => this.send(request, timeoutMs);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  send(request, timeoutMs) {
    const id = this.nextId++;
    const message = { ...request, id };
    if (this.local) {
      return this.local.answer(message).then((reply) => (reply.ok ? reply.value : Promise.reject(reply.error)));
    }
    if (!this.worker) {
      const death = this.idleDeath ?? { kind: 'died', message: 'the engine is not running' };
      this.idleDeath = null;
      return Promise.reject(death);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
      this.current = { id, resolve, reject, timer, timeoutMs };
      try {
        this.worker.postMessage(message);
      } catch (error) {
        // The request never reached the worker (it could not be copied): the worker is fine and stays.
        clearTimeout(timer);
        this.current = null;
        reject({ kind: 'protocol', message: `the request could not be sent to the engine (${error?.message ?? error})` });
      }
    });
  }
}

/// Milliseconds since page load (or process start), for the figures the app shows and the bench reads.
export function now() {
  return performance.now();
}
