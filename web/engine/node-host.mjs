// The engine host under Node, for the CLI: the worker's protocol as JSON lines on stdin and stdout.
//
// Dumps cannot cross a pipe as Blobs, so this host keeps them and answers a dump with a handle number;
// `boot` accepts `{ handle }` in place of `data`.
import { createInterface } from 'node:readline';
import { answer } from './worker.js';

const dumps = new Map();
let next = 1;

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (error) {
      process.stdout.write(JSON.stringify({ id: null, ok: false, error: { kind: 'protocol', message: `bad request: ${error.message}` } }) + '\n');
      return;
    }
    if (msg.op === 'boot' && msg.handle != null) msg.data = dumps.get(msg.handle);
    if (msg.op === 'forget') {
      dumps.delete(msg.handle);
      process.stdout.write(JSON.stringify({ id: msg.id, ok: true, value: null }) + '\n');
      return;
    }
    const reply = await answer(msg);
    if (msg.op === 'dump' && reply.ok) {
      dumps.set(next, reply.value);
      reply.value = next++;
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
lines.on('close', () => queue.then(() => process.exit(0)));
