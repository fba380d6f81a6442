// Times the built page in headless Chromium for `cargo xtask bench`; prints one JSON line of milliseconds.
//
// cold: a fresh profile per load, so nothing is cached; warm: reloads in one profile once its service worker has
// cached the site, so the service worker serves every file.
// first_visit: a fresh profile over an emulated classroom link (Chromium's network emulation: 10 Mbit/s, 40 ms),
// and first_files: every file that first visit downloads, engine and service worker included, in bytes on the wire
// (body as served, compressed or not, plus headers).
// The engine figures come from the page's own `window.miglabBench` (installed only with `?bench`).
// Usage: node bench/page.mjs <base-url> <runs>
import { profile } from './profile.mjs';

const [base, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
/// Milliseconds from navigation start to the engine being ready, as the page records it.
async function ready(page) {
  await page.locator('html[data-engine-ready-ms]').waitFor({ state: 'attached', timeout: 60_000 });
  return Number(await page.locator('html').getAttribute('data-engine-ready-ms'));
}

const url = `${base}?bench#/console`;
const cold = [];
for (let i = 0; i < runs; i++) {
  const { page, close } = await profile();
  await page.goto(url);
  cold.push(await ready(page));
  await close();
}

/// A classroom link: 10 Mbit/s down and up, 40 ms latency.
const LINK = { offline: false, latency: 40, downloadThroughput: 10_000_000 / 8, uploadThroughput: 10_000_000 / 8 };

/// A first visit over LINK: milliseconds to engine ready, and, once the service worker has cached the site,
/// the bytes of every response (page, engine worker and service worker), keyed by path.
async function firstVisit() {
  const { page, context, close } = await profile();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', LINK);
  const files = {};
  const pending = [];
  context.on('requestfinished', (request) =>
    pending.push(
      request.sizes().then(({ responseBodySize, responseHeadersSize }) => {
        const path = new URL(request.url()).pathname.slice(1) || './';
        files[path] = (files[path] ?? 0) + responseBodySize + responseHeadersSize;
      }, () => {}),
    ),
  );
  await page.goto(url);
  const ms = await ready(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await Promise.all(pending);
  await close();
  return { ms, files };
}

const first = [];
let firstFiles = {};
for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
  const visit = await firstVisit();
  first.push(visit.ms);
  if (i === 0) firstFiles = visit.files;
}

const warm = [];
const { page, close } = await profile();
await page.goto(url);
await ready(page);
// The service worker registers once the engine is ready and then caches the whole site; warm reloads wait for it,
// so each one is served alike (by the service worker) and none shares the CPU with that install.
await page.evaluate(() => navigator.serviceWorker.ready.then(() => null));
for (let i = 0; i < runs; i++) {
  await page.reload();
  warm.push(await ready(page));
}
const engine = JSON.parse(await page.evaluate((n) => window.miglabBench(n), runs));
await close();
console.log(JSON.stringify({ cold, warm, first_visit: first, first_files: firstFiles, ...engine }));
