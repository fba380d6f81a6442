// The engine host of web/engine/worker.js, except that it answers a lone `exec` or `query` whose SQL contains
// LOSE_WORKER as the bridge's timer does when it terminates a worker: `{ kind: 'timeout' }`, without running it.
// Under Node the bridge runs the host in-thread and has no timer, so this is how the tests reach the lost-worker
// paths; recovery still boots real PGlite from the real dump.

import { answer as host } from '../../../web/engine/worker.js';

const LOSE_WORKER = '/* lose the worker */';

export async function answer(msg, started) {
  if ((msg.op === 'exec' || msg.op === 'query') && msg.sql.includes(LOSE_WORKER)) {
    return { id: msg.id, ok: false, error: { kind: 'timeout', ms: 5000 } };
  }
  return host(msg, started);
}
