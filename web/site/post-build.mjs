// Trunk's post-build hook (crates/miglab-app/Trunk.toml): finishes the built site in Trunk's staging folder.
// - index.html: the hashes of its inline scripts join the Content-Security-Policy (csp.mjs).
// - sw.js: the lists of files to keep offline (on the first visit, and on first use) and the build's version are written into the service worker
//   (precache.mjs), so a new build is a new service worker, which replaces the old cache.
//
// Usage: node web/site/post-build.mjs [site-dir]   (default: $TRUNK_STAGING_DIR)
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withScriptHashes } from './csp.mjs';
import { precache } from './precache.mjs';

const site = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!site) throw new Error('post-build.mjs needs the built site: run it from Trunk or give the folder');

const index = join(site, 'index.html');
await writeFile(index, withScriptHashes(await readFile(index, 'utf8')));

const { files, later, version } = await precache(site);
const sw = join(site, 'sw.js');
const template = await readFile(sw, 'utf8');
// Rewrites the two lines, so the script can also be finished again (the browser test that makes a second build).
const finished = template
  .replace(/^const VERSION = .*$/m, `const VERSION = ${JSON.stringify(version)};`)
  .replace(/^const FILES = .*$/m, `const FILES = ${JSON.stringify(files)};`)
  .replace(/^const LATER = .*$/m, `const LATER = ${JSON.stringify(later)};`);
if (!finished.includes(version)) throw new Error(`${sw} has no \`const VERSION = …;\` line to fill in`);
if (!finished.includes(`const LATER = ${JSON.stringify(later)};`)) throw new Error(`${sw} has no \`const LATER = …;\` line to fill in`);
await writeFile(sw, finished);
console.log(`post-build: ${files.length} files cached offline, ${later.length} on first use, version ${version}`);
