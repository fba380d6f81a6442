// The service worker: keeps every file a visit needs, by build, so a visit after the first works offline.
//
// The build fills in VERSION (a hash of every cached file) and FILES (web/site/post-build.mjs). Any change to any
// file is a new sw.js, which the browser installs beside the old one: it caches the new build, takes over, and
// deletes the old build's cache; the page then reloads once (register-sw.js), so a page never mixes two builds.
const VERSION = 'dev';
const FILES = [];
const CACHE = `miglab-${VERSION}`;

/// The engine's prebuilt files come as brotli and gzip; keep the one the engine worker will fetch (worker.js).
function wanted(file) {
  if (!file.startsWith('engine/dist/')) return true;
  let brotli = false;
  try {
    new DecompressionStream('brotli');
    brotli = true;
  } catch {}
  return file.endsWith(brotli ? '.br' : '.gz');
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // 'no-cache' asks the server whether the HTTP cache's copy is current, so a file kept from an older build
      // never enters this one's cache; a file the first visit has just downloaded costs a 304, not its bytes again.
      await cache.addAll(FILES.filter(wanted).map((file) => new Request(file, { cache: 'no-cache' })));
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

// Cache first, for this origin's GETs: every file in the cache belongs to this build, so the query strings that
// stamp URLs with content hashes (and retry counters) do not pick a copy. A navigation gets the page.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request.mode === 'navigate' ? './' : request, { ignoreSearch: true });
      return hit ?? fetch(request);
    })(),
  );
});
