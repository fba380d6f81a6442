// Bad input the page must survive: corrupted saved progress, a lesson file that does not load, a runaway statement, and an analyzer module that does not load.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, waitForEngine, setEditor, lockConfidenceScoreModify, assert, BASE, ROOT } from './lib.mjs';

test('corrupted saved progress is set aside with a message, never dropped', { timeout: 120_000 }, async () => {
  const app = await open('bad-progress');
  const { page } = app;
  try {
    await page.goto(BASE);
    // Only once the app has read storage, or it would find (and set aside) the damage before the reload.
    await page.locator('.course-path li').first().waitFor();
    await page.evaluate(() => localStorage.setItem('miglab.progress', '{"version":1,"lessons":{"confidence_score":{"stage":"ru'));
    await page.reload();
    await page.getByText('Your saved progress could not be read').waitFor();
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('miglab.progress.set-aside.')).map((k) => localStorage.getItem(k)));
    assert.deepEqual(kept, ['{"version":1,"lessons":{"confidence_score":{"stage":"ru']);
    await app.shot('notice');
    await app.axe('notice');
    // The page keeps working: a lesson opens.
    await page.getByRole('link', { name: /Add confidence_score/ }).first().click();
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a lesson that fails to load shows the checker message; the others still work', { timeout: 120_000 }, async () => {
  // The real bundler on a copy of the course where one lesson.toml is broken, as an instructor might leave it.
  const lessons = mkdtempSync(join(tmpdir(), 'miglab-lessons-'));
  cpSync(join(ROOT, 'lessons'), lessons, { recursive: true });
  writeFileSync(join(lessons, 'reconciler_run_id/lesson.toml'), 'format = 1\nid = "reconciler_run_id"\ntitle = 42\n');
  const bundle = join(lessons, 'course.json');
  execFileSync('cargo', ['run', '-q', '--offline', '-p', 'miglab-cli', '--bin', 'miglab', '--', 'bundle', lessons, '-o', bundle], { cwd: ROOT, stdio: 'pipe' });
  const app = await open('bad-lesson');
  const { page } = app;
  try {
    await page.route(/\/course\.json(\?.*)?$/, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: readFileSync(bundle, 'utf8') }));
    await page.goto(BASE);
    const card = page.locator('.lesson-card.unavailable', { hasText: 'reconciler_run_id' });
    await card.waitFor();
    assert.match(await card.locator('pre').textContent(), /reconciler_run_id\/lesson\.toml:\d+:\d+/);
    await app.shot('catalog');
    await page.getByRole('link', { name: /Add confidence_score/ }).first().click();
    await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
  } finally {
    await app.close();
    rmSync(lessons, { recursive: true, force: true });
  }
});

const RUNAWAY = `"""make confidence_score NOT NULL

Revision ID: c7e2a9f10b38
Revises: ab12cd34e5f6
"""
from alembic import op
import sqlalchemy as sa

revision = "c7e2a9f10b38"
down_revision = "ab12cd34e5f6"


def upgrade() -> None:
    op.execute("SELECT pg_sleep(30)")


def downgrade() -> None:
    pass
`;

test('a runaway statement in the student\'s migration is stopped in place; the text stays and the page keeps working', { timeout: 120_000 }, async () => {
  const app = await open('runaway');
  const { page } = app;
  try {
    await page.goto(`${BASE}?timeout=1500#/lesson/confidence_score`);
    await waitForEngine(page);
    await page.getByRole('button', { name: /Modify/ }).click();
    await lockConfidenceScoreModify(page);
    await setEditor(page, 'Your Modify migration', RUNAWAY);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.locator('.checks li.fail').first().waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.checks').textContent(), /still running after 1500 ms/);
    assert.match(await page.getByRole('textbox', { name: 'Your Modify migration' }).textContent(), /pg_sleep\(30\)/);
    await app.shot('runaway-stopped');
    // The engine came back at the branch point: the next run works.
    await setEditor(page, 'Your Modify migration', RUNAWAY.replace('op.execute("SELECT pg_sleep(30)")', 'op.execute("SELECT 1")'));
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.getByText('pass: upgrade() runs').waitFor({ timeout: 60_000 });
    await app.shot('runaway-recovered');
  } finally {
    await app.close();
  }
});

test('raw HTML in a lesson\'s Markdown is shown as text and never runs', { timeout: 120_000 }, async () => {
  const app = await open('markdown-html');
  const { page } = app;
  try {
    const evil = '<script>window.__ran = 1</script>\n\nSee <img src="x" onerror="window.__ran = 2"> and [link](javascript:window.__ran=3).';
    await page.route(/\/course\.json(\?.*)?$/, async (route) => {
      const bundle = await (await route.fetch()).json();
      const manifest = bundle.lessons.find((l) => l.id === 'confidence_score').lesson.manifest;
      manifest.story = `${evil}\n\n${manifest.story}`;
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(bundle) });
    });
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await page.locator('.story').getByText('<script>window.__ran = 1</script>', { exact: false }).waitFor();
    const link = page.locator('.story a', { hasText: 'link' });
    assert.equal(await link.getAttribute('href'), null, 'a javascript: link loses its target');
    await link.click();
    assert.equal(await page.evaluate(() => window.__ran), undefined);
    assert.equal(await page.locator('.story script, .story img').count(), 0);
    await app.shot('story-as-text');
  } finally {
    await app.close();
  }
});

test('an analyzer that does not load stops the check with a message; the file stays and a later try works', { timeout: 120_000 }, async () => {
  const app = await open('analyzer-down');
  const { page } = app;
  try {
    // The connection drops for the analyzer module only: the app, the engine and the course still load.
    await page.route('**/analyzer/**', (route) => route.abort('internetdisconnected'));
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await waitForEngine(page);
    await page.getByRole('button', { name: /Modify/ }).click();
    await lockConfidenceScoreModify(page);
    const migration = RUNAWAY.replace('op.execute("SELECT pg_sleep(30)")', 'op.execute("SELECT 1")');
    await setEditor(page, 'Your Modify migration', migration);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.locator('.checks li.fail').first().waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.checks').textContent(), /the analyzer answers.*could not load.*try again/);
    assert.match(await page.getByRole('textbox', { name: 'Your Modify migration' }).textContent(), /SELECT 1/);
    await app.shot('analyzer-down');
    // Back online: the same button now runs the check, without a reload.
    await page.unroute('**/analyzer/**');
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.getByText('pass: upgrade() runs').waitFor({ timeout: 60_000 });
  } finally {
    await app.close();
  }
});
