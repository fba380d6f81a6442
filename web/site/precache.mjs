// What the service worker keeps for offline use: every file a visit needs, listed from the built site,
// and a version that is a hash of their bytes, so any change to any of them makes a new service worker.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/// Files under `dir`, relative to it with `/` separators.
async function walk(dir, under = dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path, under)));
    else found.push(relative(under, path).split('\\').join('/'));
  }
  return found;
}

/// The modules `pglite/index.js` imports statically, and pglite.wasm: the PGlite files a boot fetches.
/// The package's extension tarballs, source maps, CommonJS copies and the file systems PGlite loads only on
/// request (OPFS, Node) are not.
async function pglite(site) {
  const needed = new Set(['pglite/pglite.wasm']);
  const queue = ['index.js'];
  while (queue.length) {
    const file = queue.pop();
    if (needed.has(`pglite/${file}`)) continue;
    needed.add(`pglite/${file}`);
    const source = await readFile(join(site, 'pglite', file), 'utf8');
    for (const [, name] of source.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) queue.push(name);
  }
  return [...needed];
}

/// Files kept the first time a page asks for them rather than on the first visit: the author module, which only the
/// author view and a pack lesson's first opening load, so a learner's first visit does not download it.
const onUse = (file) => /^analyzer\/miglab_author[\w.-]*\.(js|wasm)$/.test(file);

/// The files to cache, as URLs relative to the site root (where sw.js is), the files kept on first use, and the
/// build's version (which covers both, so a new author module is a new build too).
export async function precache(site) {
  const all = await walk(site);
  const wanted = (file) =>
    // The app (Trunk's hashed files), wasm-bindgen's snippets, the course.
    /^[\w.-]+\.(js|wasm|css)$/.test(file) && file !== 'sw.js' ||
    /^snippets\/.*\.js$/.test(file) ||
    file === 'course.json' ||
    /^(analyzer|editor)\/[\w.-]+\.(js|wasm)$/.test(file) && !onUse(file) ||
    // The engine host and what it boots from (the plain files: sw.js keeps them as the host compressed them,
    // or their gzip copies from a host that does not compress).
    /^engine\/(worker|preboot)\.js$/.test(file) ||
    /^engine\/dist\/(pgdata\.tar|pglite\.data)$/.test(file);
  const files = [...all.filter(wanted), ...(await pglite(site))].sort();
  const later = all.filter(onUse).sort();
  const hash = createHash('sha256');
  for (const file of ['index.html', ...files, ...later]) {
    hash.update(file);
    hash.update(await readFile(join(site, file)));
  }
  // The page itself is cached as the site root, which is what a navigation asks for.
  return { files: ['./', ...files], later, version: hash.digest('hex').slice(0, 16) };
}
