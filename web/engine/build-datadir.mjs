// Builds what the engine boots from, once at build time, into engine/dist/, each file three times: as it is, and
// beside it its brotli (`.br`) and gzip (`.gz`) copies.
// - pgdata.tar: a prebuilt data directory. Running initdb in the browser costs seconds, loading this image a
//   fraction of that. The CLI's Node host reads the gzip copy.
// - pglite.data: PGlite's file-system bundle with what a booted engine never reads zeroed (fs-bundle.mjs), which
//   the page passes to PGlite instead of the package's own pglite.data.
// The engine worker asks for the plain file and keeps it when the host compressed it (a host that serves `.br`
// copies, or compresses on the fly); from a host that does not, it fetches the gzip copy and decompresses it
// itself (worker.js). Browsers decode brotli over HTTP, but not yet in DecompressionStream.
//
// The data directory is made small before it is packed (docs/design/engine.md has the measurements):
// only the `postgres` database (the page never connects to template0 or template1, and cannot create a database
// worth having), no comments on built-in objects, no statistics on the catalogs, and a write-ahead log that holds a checkpoint and nothing else.
// It is also made quick to boot, since every boot and every reload of a branch pays for it: WAL segments of 1 MB
// instead of 16 (each boot copies the whole directory into PGlite's in-memory file system, and a segment is
// written out in full), and shared memory sized for a lesson's database rather than a server's (SERVER_SETTINGS).
//
// Usage: node engine/build-datadir.mjs [out-dir]   (default: engine/dist, next to this script)
import { PGlite } from '@electric-sql/pglite';
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { trimmed } from './fs-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? `${here}/dist`);
const pgliteDist = resolve(here, '../node_modules/@electric-sql/pglite/dist');
const outputs = ['pgdata.tar', 'pgdata.tar.gz', 'pgdata.tar.br', 'pglite.data', 'pglite.data.gz', 'pglite.data.br'];

// Rebuilt only when an output is missing or older than the installed PGlite or these scripts,
// so `serve` and `test` can always call it.
const inputs = [`${pgliteDist}/../package.json`, fileURLToPath(import.meta.url), `${here}/fs-bundle.mjs`];
const newest = Math.max(...(await Promise.all(inputs.map(async (f) => (await stat(f)).mtimeMs))));
const current = await Promise.all(outputs.map((f) => stat(`${out}/${f}`).then((s) => s.size > 0 && s.mtimeMs > newest, () => false)));
if (current.every(Boolean) && !process.env.MIGLAB_REBUILD_DATADIR) process.exit(0);

/// Settings written into the image's postgresql.conf. Postgres zeroes and lays out its shared memory on every
/// start, so initdb's 128 MB of shared buffers cost about a third of a boot; a lesson's database and the catalogs
/// fit in 16 MB many times over. PGlite runs Postgres as a single backend, which has no checkpointer: the WAL only
/// shrinks at a checkpoint, and with initdb's max_wal_size (1 GB) that would be never, so every branch dump would
/// carry the whole session's WAL. Sixteen 1 MB segments between checkpoints, and two kept for reuse, bound it.
const SERVER_SETTINGS = ['shared_buffers = 16MB', 'min_wal_size = 2MB', 'max_wal_size = 16MB'];

/// Removes every WAL segment but the one being written: older ones hold nothing a start needs after a checkpoint,
/// and later ones are old segments a checkpoint renamed for reuse.
async function onlyCurrentSegment(db) {
  const { rows } = await db.query('SELECT pg_walfile_name(pg_current_wal_lsn()) AS segment');
  const wal = '/pglite/data/pg_wal';
  for (const file of db.mod.FS.readdir(wal)) {
    if (/^[0-9A-F]{24}$/.test(file) && file !== rows[0].segment) db.mod.FS.unlink(`${wal}/${file}`);
  }
}

/// A fresh cluster cut down to what the page uses, as an uncompressed tar.
async function dataDir() {
  // The segment size is fixed when the cluster is made; 1 MB is Postgres's smallest.
  const db = await PGlite.create({ initDbStartParams: ['--wal-segsize=1'] });
  for (const name of ['template0', 'template1']) {
    // DROP DATABASE refuses a template and cannot share a simple-protocol message with another statement.
    await db.exec(`UPDATE pg_database SET datistemplate = false WHERE datname = '${name}'`);
    await db.exec(`DROP DATABASE ${name}`);
  }
  // Comments on built-in functions and types, read only by psql's \df+ and obj_description; a learner's own
  // COMMENT ON still works.
  await db.exec('DELETE FROM pg_description');
  await db.exec('VACUUM FULL pg_description');
  // initdb's statistics on the catalogs (a tenth of the packed image): the planner plans catalog queries from
  // pg_class's page and row counts without them, and a learner's ANALYZE gathers them again.
  await db.exec('DELETE FROM pg_statistic');
  await db.exec('VACUUM FULL pg_statistic');
  // A new WAL segment and a checkpoint in it: the image starts without replaying anything, and the old segments,
  // full of initdb's records, are left behind (PGlite's file system is in memory, so they are removed there).
  // A checkpoint also renames old segments for reuse, with their old records inside, so those go before the switch:
  // the new segment is then made afresh, all zeros after the checkpoint record, which compresses to nothing.
  await db.exec('CHECKPOINT');
  await onlyCurrentSegment(db);
  await db.exec('SELECT pg_switch_wal()');
  await db.exec('CHECKPOINT');
  await onlyCurrentSegment(db);
  const conf = '/pglite/data/postgresql.conf';
  const settings = `\n# miglab (web/engine/build-datadir.mjs): a lesson's database in one backend, booted often.\n${SERVER_SETTINGS.join('\n')}\n`;
  db.mod.FS.writeFile(conf, new TextDecoder().decode(db.mod.FS.readFile(conf)) + settings);
  const tar = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  return tar;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
/// Brotli at its best: quality 11 and a 16 MB window, the largest a browser's decoder accepts.
const pack = (bytes) =>
  Promise.all([
    brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    gzip(bytes, { level: 9 }),
  ]);

const [tar, bundle] = await Promise.all([dataDir(), trimmed(pgliteDist)]);
const [[tarBr, tarGz], [bundleBr, bundleGz]] = await Promise.all([pack(tar), pack(bundle.data)]);
await mkdir(out, { recursive: true });
const files = { 'pgdata.tar': tar, 'pgdata.tar.br': tarBr, 'pgdata.tar.gz': tarGz, 'pglite.data': bundle.data, 'pglite.data.br': bundleBr, 'pglite.data.gz': bundleGz };
for (const [name, bytes] of Object.entries(files)) await writeFile(`${out}/${name}`, bytes);
const kb = (n) => `${Math.round(n / 1024)} KB`;
console.log(`wrote ${out}: data directory ${kb(tar.length)} as ${kb(tarBr.length)} brotli, ${kb(tarGz.length)} gzip; ` +
  `file-system bundle (${bundle.zeroed.length} files zeroed) ${kb(bundleBr.length)} brotli, ${kb(bundleGz.length)} gzip`);
