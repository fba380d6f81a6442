// PGlite's file-system bundle (`pglite.data`) with the files a booted engine never reads zeroed out.
//
// PGlite checks the bundle's length against the size its loader has baked in, so files cannot be removed; their
// bytes become zeros, which brotli and gzip shrink to almost nothing. The bundle then costs about a third of the
// download. A zeroed file is still listed, so Postgres reading one fails with its own clear error
// (for example "could not load library") rather than finding it missing.
import { readFile } from 'node:fs/promises';

/// What a booted engine never reads, as paths in PGlite's file system; everything else stays byte for byte.
export const UNUSED = [
  // initdb's inputs: the page boots from a prebuilt data directory, so initdb never runs.
  /^\/pglite\/share\/postgresql\/(postgres\.bki|system_\w+\.sql|information_schema\.sql|snowball_create\.sql|sql_features\.txt|errcodes\.txt|[\w.]+\.sample)$/,
  // Encoding conversions: PGlite's server and client both speak UTF8, and no lesson converts text.
  /^\/pglite\/lib\/postgresql\/(\w+_and_\w+|euc2004_sjis2004)\.so$/,
  // Replication, and the build system for extensions.
  /^\/pglite\/lib\/postgresql\/(libpqwalreceiver|pgoutput)\.so$/,
  /^\/pglite\/lib\/postgresql\/pgxs\//,
  // ICU's collation data: the database uses the C locale (libc provider), and only an explicit ICU collation reads it.
  /^\/pglite\/icu\/icudt\w+\/coll\//,
];

/// The bundle's file list, as the loader in PGlite's `pglite.js` declares it.
export async function manifest(pgliteDist) {
  const source = await readFile(`${pgliteDist}/pglite.js`, 'utf8');
  const start = source.indexOf('({files:[');
  if (start < 0) throw new Error(`cannot find the file list of pglite.data in ${pgliteDist}/pglite.js; has PGlite's loader changed?`);
  let depth = 0;
  let end = start + 1;
  for (; end < source.length; end++) {
    if (source[end] === '{') depth++;
    if (source[end] === '}' && --depth === 0) break;
  }
  // The literal is plain data (names, numbers), written by Emscripten's file packager.
  const literal = source.slice(start + 1, end + 1).replace(/([{,])(\w+):/g, '$1"$2":');
  return JSON.parse(literal);
}

/// `pglite.data` with every file that matches `UNUSED` zeroed; returns the bytes and the zeroed paths.
export async function trimmed(pgliteDist) {
  const { files, remote_package_size: size } = await manifest(pgliteDist);
  const data = await readFile(`${pgliteDist}/pglite.data`);
  if (data.length !== size) throw new Error(`pglite.data is ${data.length} bytes, but its loader expects ${size}`);
  const zeroed = [];
  for (const file of files) {
    if (UNUSED.some((pattern) => pattern.test(file.filename))) {
      data.fill(0, file.start, file.end);
      zeroed.push(file.filename);
    }
  }
  return { data, zeroed };
}
