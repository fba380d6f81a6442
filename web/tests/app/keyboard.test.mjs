// The lesson is usable by keyboard alone: skip link, stepper, answers, confidence and submit.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} ${e.getAttribute('aria-label') ?? e.textContent.trim().slice(0, 40)}`;
});

test('a lesson answered and locked with the keyboard only', { timeout: 120_000 }, async () => {
  const app = await open('keyboard');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/reconciler_run_id`);
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').waitFor({ timeout: 30_000 });
    await page.keyboard.press('Tab');
    assert.match(await focused(page), /^a Skip to content/);
    await page.keyboard.press('Enter');
    assert.match(await focused(page), /^main#main/);
    assert.match(page.url(), /#\/lesson\/reconciler_run_id$/, 'the skip link keeps the route');

    // The value question: focus it, type, and pick confidence 5 with the arrow keys.
    await page.locator('#q-existing-row-value input.value-input').focus();
    await page.keyboard.type('NULL');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.match(await focused(page), /q-existing-row-value-confidence-c5/);
    await page.keyboard.press('Space');
    assert.equal(await page.locator('#q-existing-row-value-confidence-c5').isChecked(), true);

    // Submitting with the keyboard says what is missing, in place.
    await page.getByRole('button', { name: 'Lock my answers' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Before you submit' }).waitFor();
    await app.shot('submit-refused');

    // The stepper works from the keyboard; Run says to lock first rather than reveal anything.
    await page.getByRole('button', { name: /Run/ }).first().focus();
    await page.keyboard.press('Enter');
    await page.getByText('Lock your predictions first').waitFor();
    assert.match(await focused(page), /^h2#stage-heading Run/, 'focus follows the stage');
    await app.shot('run-before-lock');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
