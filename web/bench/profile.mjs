// A fresh persistent Chromium profile for the bench scripts: Debian's chromium, headless, with the background
// traffic that would blur a timing turned off; page errors go to stderr, and `close` removes the profile.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'miglab-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`console.error: ${m.text()}`));
  return { page, context, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}
