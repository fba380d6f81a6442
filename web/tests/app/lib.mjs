// Shared helpers for the app's browser tests: a fresh headless Chromium, logs forwarded, a screenshot per stage, axe-core.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '..', '..');
export const BASE = process.env.MIGLAB_URL ?? 'http://127.0.0.1:8080/';
const ARTIFACTS = path.join(web, 'artifacts', 'app');
const AXE = fs.readFileSync(path.join(web, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/// Opens the app in a fresh profile; `name` prefixes this test's screenshots.
/// Service workers are blocked unless `serviceWorkers: 'allow'`: tests that watch or fail the network with
/// `page.route` would not see the requests a service worker answers from its cache (offline*.test.mjs allow it).
export async function open(name, { width = 1280, height = 800, serviceWorkers = 'block' } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // This run's screenshots replace the last run's, so stage numbers never mix.
  for (const old of fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))) {
    fs.rmSync(path.join(ARTIFACTS, old));
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'miglab-app-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width, height },
    acceptDownloads: true,
    serviceWorkers,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('console', (m) => {
    console.log(`[${name}] console.${m.type()}: ${m.text()}`);
    // Every console error fails the test, a 404 included; Chromium's own line for a failed load does not name the
    // resource, so add where it was logged.
    if (m.type() === 'error') errors.push(m.location()?.url ? `${m.text()} (${m.location().url})` : m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400) console.log(`[${name}] HTTP ${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => {
    console.log(`[${name}] pageerror: ${e.message}`);
    errors.push(e.message);
  });
  let n = 0;
  const app = {
    page,
    errors,
    async shot(stage) {
      n += 1;
      const file = path.join(ARTIFACTS, `${name}-${String(n).padStart(2, '0')}-${stage}.png`);
      // CodeMirror measures lines only once they have been on screen; scroll through so a full-page shot shows them right.
      await page.evaluate(async () => {
        const y = window.scrollY;
        for (let at = 0; at < document.body.scrollHeight; at += window.innerHeight) {
          window.scrollTo(0, at);
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        }
        window.scrollTo(0, y);
      });
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /// Fails on any serious or critical axe-core violation on the page as it is now.
    async axe(stage) {
      // Evaluated rather than added as a <script>, which the page's Content-Security-Policy refuses.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, [], `axe on ${stage}`);
    },
    async close() {
      // Chromium has been seen to hang on close after a timed-out test; give it ten seconds, then move on.
      await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
  return app;
}

/// Waits until Postgres is ready and the lesson's database is built (the schema editor or the Run branch shows it).
export async function waitForEngine(page) {
  await page.locator('[data-testid="engine-status"][data-state="ready"]').waitFor({ timeout: 60_000 });
}

/// Replaces a CodeMirror editor's text, as a paste would: no auto-indent or auto-closed brackets on the way.
export async function setEditor(page, label, text) {
  const editor = page.getByRole('textbox', { name: label });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/// Picks confidence `level` (1–5) for question `number` (1-based) in the open stage.
export async function confidence(page, questionId, level) {
  await page.locator(`#q-${questionId} .confidence-level`).nth(level - 1).click();
}

/// confidence_score's Predict answered as a learner with one misconception would: the new column right after
/// `upgrade()`, the column wrongly kept after `downgrade()`, a wrong value for expense 1 (0.000) and the right count.
export async function answerConfidenceScorePredict(page) {
  // Right: after upgrade() there is a nullable numeric(4,3) confidence_score with no default.
  const up = page.locator('#q-columns-after-upgrade');
  await up.getByRole('button', { name: '+ Column' }).click();
  await up.getByLabel('Name of column new_column in expenses').fill('confidence_score');
  await up.getByLabel('Name of column new_column in expenses').press('Tab');
  await up.getByLabel('Type of column confidence_score in expenses').fill('numeric(4,3)');
  await up.getByLabel('Type of column confidence_score in expenses').press('Tab');
  await confidence(page, 'columns-after-upgrade', 4);
  // Wrong: the column survives the downgrade.
  const down = page.locator('#q-columns-after-downgrade');
  await down.getByRole('button', { name: '+ Column' }).click();
  await down.getByLabel('Name of column new_column in expenses').fill('confidence_score');
  await down.getByLabel('Name of column new_column in expenses').press('Tab');
  await confidence(page, 'columns-after-downgrade', 2);
  // Wrong value, right count.
  await page.locator('#q-existing-row-value input.value-input').fill('0.000');
  await confidence(page, 'existing-row-value', 5);
  await page.locator('#q-row-count input.value-input').fill('40');
  await confidence(page, 'row-count', 5);
}

/// Answers a lock question, found by its prompt: the strongest lock mode, and `Rewritten` or `Not rewritten`.
export async function lockAnswer(page, prompt, mode, rewritten) {
  const question = page.getByRole('article', { name: prompt });
  await question.getByRole('combobox', { name: /Strongest lock on/ }).selectOption(mode);
  await question.getByRole('radio', { name: rewritten, exact: true }).check();
}

/// confidence_score's Modify predictions, answered right and locked, so its editor opens.
export async function lockConfidenceScoreModify(page) {
  await page.getByRole('radio', { name: /No: a default applies only/ }).check();
  await confidence(page, 'default-fills-nulls', 4);
  await lockAnswer(page, /Once the backfill/, 'ROW EXCLUSIVE', 'Not rewritten');
  await confidence(page, 'update-lock', 3);
  await lockAnswer(page, /SET NOT NULL has run/, 'ACCESS EXCLUSIVE', 'Not rewritten');
  await confidence(page, 'set-not-null-lock', 3);
  await page.getByLabel('Your answer to question 4').fill('Drop NOT NULL and the default; the backfill cannot be undone.');
  await confidence(page, 'real-rollback', 4);
  await page.getByRole('button', { name: 'Lock my answers' }).click();
}

/// Confirms what the Make migration did on the branch, as the approval asks: ticks each statement matching one of
/// `upgrade` under upgrade(), each matching one of `downgrade` under downgrade(), and answers the round-trip question.
export async function confirmRun(page, { upgrade = [], downgrade = [], restores = true, up = 'upgrade()', down = 'downgrade()' }) {
  for (const [legend, patterns] of [[`What ${up} did`, upgrade], [`What ${down} did`, downgrade]]) {
    const group = page.getByRole('group', { name: legend });
    for (const pattern of patterns) await group.getByRole('checkbox', { name: pattern }).check();
  }
  await page.getByRole('group', { name: `Does ${down} give back the starting schema and rows?` }).getByRole('radio', { name: restores ? 'Yes' : 'No' }).check();
}

/// Picks the preconditions a refusal demands, each by the start of its text ('A branch', 'A backup', 'An explicit').
export async function demand(page, ...texts) {
  const group = page.getByRole('group', { name: /What do you need before it may run/ });
  for (const text of texts) await group.getByRole('checkbox', { name: text }).check();
}

/// In a Make stage with the agent's drafts, takes "Write it myself", so the learner's own migration goes in the editor.
export async function writeItMyself(page) {
  await page.getByRole('button', { name: 'Write it myself' }).click();
  await page.getByRole('textbox', { name: 'Your Make migration' }).waitFor();
}

/// After the gate: back to the catalog, which shows the lesson mastered; no page error on the way.
export async function finishAtCatalog(app) {
  const { page } = app;
  await page.getByText('Mastery gate passed').waitFor();
  await app.shot('make-gate-passed');
  await app.axe('make');
  await page.getByRole('link', { name: 'Back to the course' }).click();
  await page.getByText('mastered').first().waitFor();
  await app.shot('catalog-after');
}

/// A file of the lesson, as the student would copy a known-good answer.
export function lessonFile(relative) {
  return fs.readFileSync(path.join(web, '..', 'lessons', relative), 'utf8');
}

/// The repository root, for tests that run the project's own tools.
export const ROOT = path.join(web, '..');

export { assert };
