// The engine host under Node, for the CLI: the worker's protocol as JSON lines on stdin and stdout.
//
// Dumps cannot cross a pipe as Blobs, so `dump` takes a `path` and writes the data directory there; a reload is
// a `boot` whose `data_dir_url` is that path. The files belong to the Rust side, so this process holds nothing
// that is lost when the CLI kills it to stop a runaway statement.
import { createInterface } from 'node:readline';
import { writeFile } from 'node:fs/promises';
import { answer } from './worker.js';

const send = (reply) => process.stdout.write(JSON.stringify(reply) + '\n');

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch (error) {
      send({ id: null, ok: false, error: { kind: 'protocol', message: `bad request: ${error.message}` } });
      return;
    }
    const reply = await answer(msg);
    if (msg.op === 'dump' && reply.ok) {
      try {
        const bytes = new Uint8Array(await reply.value.arrayBuffer());
        await writeFile(msg.path, bytes);
        reply.value = bytes.length;
      } catch (error) {
        send({ id: msg.id, ok: false, error: { kind: 'protocol', message: `cannot write the dump to ${msg.path}: ${error.message}` } });
        return;
      }
    }
    send(reply);
  });
});
lines.on('close', () => queue.then(() => process.exit(0)));
