// Times the lesson tools of the built page in headless Chromium for `cargo xtask bench`; prints one JSON line of
// milliseconds.
//
// check: the in-page `miglab check` of confidence_score on a warm engine, as an instructor meets it: the course's
// lessons folder opened in `#/author` through the folder input, confidence_score/lesson.toml opened, and the time
// from a click on "Check on the engine" until the page shows that the lesson passes, for each click in turn (the
// first is the first check after the engine became ready).
// pack: a pack written by `miglab pack`, served from a second origin (another port, allowing any origin to read it),
// opened with `?pack=<url>`: the time from navigation start until the page lists every lesson of the pack. The engine
// boots beside it and is not waited for. Each run is a navigation in one profile whose service worker has cached the
// site, as a learner following a pack link meets it on a second visit; the pack itself is fetched afresh each time.
// Both are read inside the page (performance.now(), whose origin is navigation start), so the test driver's polling
// adds nothing to them.
// Usage: node bench/lessons.mjs <base-url> <runs> <lessons-dir> <pack-file>
import { profile } from './profile.mjs';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [base, runsArg, lessonsDir, packFile] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
async function engineReady(page) {
  await page.locator('html[data-engine-ready-ms]').waitFor({ state: 'attached', timeout: 120_000 });
}

/// Clicks "Check on the engine" and resolves to the milliseconds until the page shows the check's result, read in the
/// page; a check that does not pass is an error, since its time would not be the check's.
async function timedCheck(page) {
  const { ms, text } = await page.evaluate(() => new Promise((resolve, reject) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Check on the engine');
    if (!button || button.disabled) return reject(new Error('"Check on the engine" is not there or is disabled'));
    // The check's line sits right after the lesson actions: busy while the check runs, then its result.
    const line = () => document.querySelector('[aria-label="Lesson actions"] + [role=status]');
    const busy = () => line()?.classList.contains('busy') ?? false;
    const result = () => line();
    let started = false;
    const observer = new MutationObserver(() => {
      started ||= busy();
      const shown = started && !busy() && result();
      if (shown) {
        const ms = performance.now() - t0;
        observer.disconnect();
        resolve({ ms, text: shown.textContent });
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const t0 = performance.now();
    button.click();
  }));
  if (!text.includes('The lesson passes its check on the engine.')) throw new Error(`the check did not pass: ${text}`);
  return ms;
}

async function checkFigures() {
  const { page, close } = await profile();
  try {
    await page.goto(`${base}#/author`);
    await page.getByRole('heading', { name: 'Author a lesson' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Or choose a folder:').setInputFiles(lessonsDir);
    await page.getByText(/^Opened the folder `lessons`: \d+ files\.$/).waitFor({ timeout: 60_000 });
    // The files of each lesson folder are listed under the folder's name, by their name inside it.
    const files = page.getByRole('navigation', { name: 'Lesson files' });
    const folder = files.locator('li', { has: page.locator('.folder', { hasText: /^confidence_score\/$/ }) });
    await folder.getByRole('button', { name: 'lesson.toml', exact: true }).click();
    await page.getByRole('textbox', { name: 'Edit confidence_score/lesson.toml' }).waitFor({ timeout: 60_000 });
    await page.getByRole('status').getByText(/^No problems: all \d+ lessons load as `miglab check` loads them\.$/).waitFor({ timeout: 120_000 });
    await engineReady(page);
    await page.getByRole('button', { name: 'Check on the engine' }).and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
    const check = [];
    for (let i = 0; i < runs; i++) check.push(await timedCheck(page));
    return { check };
  } finally {
    await close();
  }
}

/// Serves the pack on 127.0.0.1 at a free port, readable from any origin and never cached; resolves to its URL.
async function packHost(body) {
  const server = createServer((request, response) => {
    if (new URL(request.url, 'http://x').pathname !== '/course.miglab.json') return response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/course.miglab.json`, close: () => { server.closeAllConnections(); server.close(); } };
}

async function packFigures() {
  const body = readFileSync(packFile);
  const lessons = JSON.parse(body.toString('utf8')).bundle.lessons.length;
  const host = await packHost(body);
  const { page, context, close } = await profile();
  try {
    // Marks, from the document's start, when the pack's catalog lists every lesson of the pack.
    await context.addInitScript((count) => {
      const observer = new MutationObserver(() => {
        if (document.querySelectorAll('section.pack .course-path > li').length >= count) {
          document.documentElement.dataset.benchPackListedMs = performance.now().toFixed(1);
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    }, lessons);
    await page.goto(`${base}#/`);
    await engineReady(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => null));
    const url = `${base}?pack=${encodeURIComponent(host.url)}#/`;
    const pack = [];
    for (let i = 0; i < runs; i++) {
      // Through a blank page, so each run loads the page afresh (the same URL again would only move to its fragment).
      await page.goto('about:blank');
      await page.goto(url);
      await page.locator('html[data-bench-pack-listed-ms]').waitFor({ state: 'attached', timeout: 60_000 });
      pack.push(Number(await page.locator('html').getAttribute('data-bench-pack-listed-ms')));
    }
    return { pack, pack_lessons: [lessons] };
  } finally {
    await close();
    host.close();
  }
}

const pack = await packFigures();
const check = await checkFigures();
console.log(JSON.stringify({ ...pack, ...check }));
