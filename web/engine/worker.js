// The engine host: runs PGlite and answers the engine protocol, one message at a time.
//
// The same file serves three places: a module Web Worker in the browser (the page never freezes),
// the Node host behind the CLI (node-host.mjs), and the bridge's Node tests (imported in-thread).
// It holds no product logic: branch points, run plans and error positions are decided in Rust.
//
// Requests are `{ id, op, ... }`; answers are `{ id, ok: true, value }` or `{ id, ok: false, error }`.
// While a `batch` runs, the worker also posts `{ id, started: index }` as each later statement begins.
// PGlite is imported by the URL the boot message gives, because import maps do not apply in workers.

let db = null;
let PGlite = null;
/// Every type's parser replaced by identity: values arrive as the text Postgres prints, as psql shows them.
let rawParsers = null;

async function open(msg) {
  if (db) {
    await db.close().catch(() => {});
    db = null;
  }
  // PGlite's module, its wasm, the data directory and the file-system bundle download in parallel, and the wasm
  // compiles as it arrives: left to PGlite, the wasm would be fetched only once the rest had arrived.
  const [module, wasm, data, bundle] = await Promise.all([
    PGlite ? null : import(msg.pglite_url),
    (pgliteWasm ??= compiledWasm(msg.pglite_url)),
    msg.data ?? (msg.data_dir_url ? readBlob(msg.data_dir_url) : null),
    (fsBundle ??= trimmedBundle()),
  ]);
  PGlite ??= module.PGlite;
  const given = { ...(bundle ? { fsBundle: bundle } : {}), ...(wasm ? { pgliteWasmModule: wasm } : {}) };
  db = await PGlite.create(data ? { loadDataDir: data, ...given, initdbWasmModule: noInitdb() } : given);
  rawParsers ??= Object.fromEntries(Object.keys(db.parsers ?? {}).map((oid) => [oid, (text) => text]));
  return null;
}

/// PGlite's file-system bundle without the files a booted engine never reads (build-datadir.mjs), beside this
/// script; in a browser only, since Node reads the package's own from disk. Kept for every later boot.
let fsBundle = null;
function trimmedBundle() {
  if (inNode()) return Promise.resolve(null);
  return readBlob(new URL('dist/pglite.data.gz', import.meta.url).href).catch((error) => {
    fsBundle = null;
    throw error;
  });
}

/// `pglite.wasm` beside PGlite's module, compiled while it streams in; in a browser only, since Node reads the
/// package's own from disk. Kept for every later boot of this worker, as PGlite keeps the module it compiles.
let pgliteWasm = null;
function compiledWasm(pgliteUrl) {
  if (inNode()) return Promise.resolve(null);
  return WebAssembly.compileStreaming(fetch(new URL('pglite.wasm', pgliteUrl))).catch((error) => {
    pgliteWasm = null;
    throw error;
  });
}

/// PGlite starts downloading initdb.wasm on every boot, though a boot from a data directory never runs initdb;
/// an empty module in its place saves the download.
const noInitdb = () => new WebAssembly.Module(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));

const inNode = () => typeof process !== 'undefined' && !!process.versions?.node;

/// Reads the prebuilt data directory or bundle: the file system under Node (whose fetch has no file: URLs), else
/// fetch. For `name.gz` the build also writes `name` and `name.br`: the plain file is asked for first and kept
/// when the host compressed it (brotli, a third smaller than gzip, from a host that serves `.br` copies or
/// compresses itself); otherwise that download is stopped and the gzip copy is decompressed here, as
/// DecompressionStream has no brotli yet. Offline, the service worker holds whichever of the two this browser got.
async function readBlob(url) {
  if (inNode() && !/^https?:/.test(url)) {
    const { readFile } = await import('node:fs/promises');
    const path = url.startsWith('file:') ? new URL(url) : url;
    return new Blob([await readFile(path)]);
  }
  if (url.endsWith('.gz')) {
    const plain = new AbortController();
    try {
      const response = await fetch(url.slice(0, -3), { signal: plain.signal });
      if (response.ok && response.headers.get('Content-Encoding')) return await response.blob();
    } catch {
      // Not there, or not cached offline: the gzip copy follows.
    }
    plain.abort();
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch the prebuilt database ${url}: HTTP ${response.status}`);
  // A host that labels a .gz file with its own Content-Encoding has already had the browser decode it.
  if (!url.endsWith('.gz') || response.headers.get('Content-Encoding') === 'gzip') return await response.blob();
  return await new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).blob();
}

/// Runs a statement or a script with the simple protocol (as psql does) when no rows are wanted back.
/// One simple-protocol `Query` message, as `db.exec` sends, without what `exec` adds around it (a second message
/// to the backend, a `Sync` the simple protocol does not need, and turning every answer into rows): about a third
/// of exec's cost per statement, which a batch of savepoints, DDL and bookkeeping pays a dozen times.
/// Postgres answers errors the same way, so `shape` sees the same fields.
async function run(sql) {
  const text = encoder.encode(sql);
  const message = new Uint8Array(text.length + 6);
  message[0] = 0x51; // 'Q', then the length of everything but this byte, the text, and its NUL terminator
  new DataView(message.buffer).setInt32(1, text.length + 5);
  message.set(text, 5);
  await db.execProtocol(message);
}
const encoder = new TextEncoder();

/// Runs a statement or a script with the simple protocol (as psql does) and returns the last statement's rows.
/// The extended protocol refuses several commands, and its parse error would abort the branch transaction.
async function query(sql) {
  const results = await db.exec(sql, { rowMode: 'array', parsers: rawParsers });
  const last = results[results.length - 1] ?? { fields: [], rows: [] };
  return { columns: last.fields.map((f) => f.name), rows: last.rows };
}

/// Runs `msg.statements` in order, each alone as its own simple-protocol message (so one that must run outside a
/// transaction, such as `CREATE INDEX CONCURRENTLY`, still can), and stops at the first error.
/// Answers `{ results, failed }`: one result per statement that ran (rows when `rows` was set, else null), and,
/// when one failed, `failed: { index, error }`; the statements after it are not sent. Which statements to send,
/// and what a failure means, is Rust's decision.
/// `started(index)` is told as each statement begins, so the bridge's time limit stays per statement.
async function batch(statements, started) {
  const results = [];
  for (const [index, statement] of statements.entries()) {
    started(index);
    try {
      results.push(statement.rows ? await query(statement.sql) : (await run(statement.sql), null));
    } catch (error) {
      return { results, failed: { index, error: shape(error) } };
    }
  }
  return { results, failed: null };
}

async function handle(msg, started) {
  switch (msg.op) {
    case 'batch':
      return await batch(msg.statements, started);
    case 'boot':
      return await open(msg);
    case 'exec':
      await run(msg.sql);
      return null;
    case 'query':
      return await query(msg.sql);
    case 'dump':
      // A checkpoint first writes every changed page out, so a boot from the dump replays nothing (without it, a
      // reload replays all the WAL since the image's checkpoint) and the dump carries no WAL Postgres no longer
      // needs; it takes a few milliseconds. Only outside a transaction (the session dumps after its COMMIT), where
      // a failure could abort nothing.
      if (!db.isInTransaction()) await db.exec('CHECKPOINT');
      return await db.dumpDataDir(msg.compression ?? 'none');
    case 'close':
      await db?.close();
      db = null;
      return null;
    default:
      throw new Error(`unknown engine op ${msg.op}`);
  }
}

/// A Postgres error keeps every field the learner needs; anything else is the engine's own failure.
function shape(error) {
  if (error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) {
    return {
      kind: 'postgres',
      sqlstate: error.code,
      message: error.message,
      detail: error.detail ?? null,
      hint: error.hint ?? null,
      position: error.position ? Number(error.position) : null,
    };
  }
  return { kind: db ? 'protocol' : 'boot', message: String(error?.message ?? error) };
}

/// Answers one request; never throws. `started` hears each statement of a batch begin (the worker passes it on
/// to the bridge as `{ id, started }` messages; other hosts have no time limit to restart and leave it out).
export async function answer(msg, started = () => {}) {
  if (msg.op !== 'boot' && !db) return { id: msg.id, ok: false, error: { kind: 'boot', message: 'the database is not booted' } };
  try {
    return { id: msg.id, ok: true, value: await handle(msg, started) };
  } catch (error) {
    return { id: msg.id, ok: false, error: shape(error) };
  }
}

/// Posts `message`; when it cannot be sent (an answer that cannot be copied), posts the failure in its place, so the
/// bridge's call ends with a clear error instead of waiting for its time limit and terminating a healthy worker.
function post(message) {
  try {
    self.postMessage(message);
  } catch (error) {
    if (message.started !== undefined) return;
    try {
      self.postMessage({ id: message.id, ok: false, error: { kind: 'protocol', message: `the answer could not be sent (${error?.message ?? error})` } });
    } catch {
      // Nothing more can be said; the bridge's time limit ends the call.
    }
  }
}

// In a worker, answer messages in arrival order; PGlite runs one statement at a time anyway.
// The queue never rejects, so one message that fails to send never stops the ones after it.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  let queue = Promise.resolve();
  self.onmessage = (event) => {
    const { id } = event.data;
    // The first statement's start is the call's own start, which the bridge already timed.
    const started = (index) => index > 0 && post({ id, started: index });
    queue = queue.then(async () => post(await answer(event.data, started))).catch(() => {});
  };
}
