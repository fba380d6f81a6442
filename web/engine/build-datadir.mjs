// Builds the prebuilt data directory the engine boots from, once at build time:
// running initdb in the browser costs about 3 s, loading this image about a third of that.
//
// Usage: node engine/build-datadir.mjs [out-file]   (default: engine/dist/pgdata.tar.gz, next to this script)
import { PGlite } from '@electric-sql/pglite';
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/dist/pgdata.tar.gz`);
// Rebuilt only when missing or older than the installed PGlite, so `serve` and `test` can always call it.
const pglite = await stat(resolve(here, '../node_modules/@electric-sql/pglite/package.json'));
const current = await stat(out).then((s) => s.size > 0 && s.mtimeMs > pglite.mtimeMs, () => false);
if (current && !process.env.MIGLAB_REBUILD_DATADIR) process.exit(0);
const db = await PGlite.create();
// A checkpoint makes the image start without replaying WAL.
await db.exec('CHECKPOINT');
const dump = await db.dumpDataDir('gzip');
await mkdir(dirname(out), { recursive: true });
await writeFile(out, Buffer.from(await dump.arrayBuffer()));
await db.close();
console.log(`wrote ${out} (${(dump.size / 1024 / 1024).toFixed(1)} MB)`);
