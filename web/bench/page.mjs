// Times the built page in headless Chromium for `cargo xtask bench`; prints one JSON line of milliseconds.
//
// cold: a fresh profile per load, so nothing is cached; warm: reloads in one profile, so the HTTP cache is warm.
// The engine figures come from the page's own `window.miglabBench` (installed only with `?bench`).
// Usage: node bench/page.mjs <base-url> <runs>
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'miglab-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`console.error: ${m.text()}`));
  return { page, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

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

const warm = [];
const { page, close } = await profile();
await page.goto(url);
await ready(page);
for (let i = 0; i < runs; i++) {
  await page.reload();
  warm.push(await ready(page));
}
const engine = JSON.parse(await page.evaluate((n) => window.miglabBench(n), runs));
await close();
console.log(JSON.stringify({ cold, warm, ...engine }));
