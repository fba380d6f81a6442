// The service worker: keeps every file a visit needs, by build, so a visit after the first works offline.
//
// The build fills in VERSION (a hash of every cached file), FILES (kept on install) and LATER (kept the first time a
// page fetches them: the author module, which a learner's first visit should not download) (web/site/post-build.mjs).
// Any change to any file is a new sw.js, which the browser installs beside the old one: it caches the new build,
// takes over, and deletes the old build's cache; the page then reloads once (register-sw.js), so a page never mixes
// two builds.
const VERSION = 'dev';
const FILES = [];
const LATER = [];
const CACHE = `miglab-${VERSION}`;

/// Caches one file. 'no-cache' asks the server whether the HTTP cache's copy is current, so a file kept from an
/// older build never enters this one's cache; a file the first visit has just downloaded costs a 304, not its bytes.
/// The engine's prebuilt files are kept as the engine worker reads them (web/engine/worker.js): the plain file when
/// the host compressed it, else its gzip copy, so a host that does not compress never sends the 24 MB tar.
async function keep(cache, file) {
  if (!file.startsWith('engine/dist/')) return await cache.add(new Request(file, { cache: 'no-cache' }));
  const plain = new AbortController();
  const response = await fetch(file, { cache: 'no-cache', signal: plain.signal });
  if (response.ok && response.headers.get('Content-Encoding')) return await cache.put(file, response);
  plain.abort();
  await cache.add(new Request(`${file}.gz`, { cache: 'no-cache' }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(FILES.map((file) => keep(cache, file)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('miglab-') && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

/// Whether `url` is one of the files kept on first use.
function keptOnUse(url) {
  const path = new URL(url).pathname;
  return LATER.some((file) => path.endsWith(`/${file}`));
}

// Cache first, for this origin's GETs: every file in the cache belongs to this build, so the query strings that
// stamp URLs with content hashes (and retry counters) do not pick a copy. A navigation gets the page.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request.mode === 'navigate' ? './' : request, { ignoreSearch: true });
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok && keptOnUse(request.url)) await cache.put(request, response.clone());
      return response;
    })(),
  );
});
