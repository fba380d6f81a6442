// The page's Content-Security-Policy: index.html carries it as a meta tag, so any static host serves it, and the
// build adds the hash of every inline script left in the page (Trunk's loader for the app) to `script-src`.
import { createHash } from 'node:crypto';

/// `html` with the sha256 of each inline script added to the meta policy's `script-src`; throws when the page has
/// no policy to extend, so a build never ships a page whose loader the policy blocks.
export function withScriptHashes(html) {
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map(([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  const meta = /(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'self' 'wasm-unsafe-eval')([^;"]*)/;
  if (!meta.test(html)) throw new Error("index.html has no Content-Security-Policy meta tag with script-src 'self' 'wasm-unsafe-eval'");
  return html.replace(meta, (_, head) => [head, ...new Set(hashes)].join(' '));
}
