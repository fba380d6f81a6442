// A built site served from a folder by a test, so the test decides when the server goes away or what it serves.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

/// The site `cargo xtask test` builds; MIGLAB_DIST names another.
export const DIST = process.env.MIGLAB_DIST ?? path.join(ROOT, 'target', 'site');

const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', wasm: 'application/wasm', json: 'application/json' };

/// Serves `dir` on 127.0.0.1 at a free port; resolves to `{ url, close }`.
export async function serve(dir) {
  if (!existsSync(path.join(dir, 'sw.js'))) throw new Error(`no built site with a service worker in ${dir}: run \`cargo xtask test\`, or set MIGLAB_DIST`);
  const server = createServer((request, response) => {
    const relative = decodeURIComponent(new URL(request.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.join(dir, relative);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file).slice(1)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    /// Stops the server and drops its open connections; calling it again does nothing.
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
