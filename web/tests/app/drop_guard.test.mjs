// The drop guard's other answer: proceeding only with a branch, a downloaded backup and an approval of each loss beside its count.
import { test } from 'node:test';
import fs from 'node:fs';
import { open, waitForEngine, confidence, assert, BASE } from './lib.mjs';

test('proceeding past the drop guard needs a branch, a real backup and a named approval', { timeout: 120_000 }, async () => {
  const app = await open('drop-guard-proceed');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    await page.evaluate(() => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { reconciler_run_id: { stage: 'make' } } })));
    // A full load, not a hash change: the running page would save its own progress over the one set here.
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/reconciler_run_id`);
    await waitForEngine(page);
    await page.locator('.refuse .confidence-level').nth(2).click();
    await page.getByRole('button', { name: 'Run its upgrade on the branch' }).click();
    await page.locator('.at-stake').getByText('non-null values').waitFor({ timeout: 30_000 });
    // The rule is named by its title, its code beside it, and no Markdown backticks reach the screen.
    const threat = await page.locator('.guard .threat').first().textContent();
    assert.match(threat, /^Dropping a column \(ban-drop-column\) /);
    assert.doesNotMatch(threat, /`/);

    // Proceeding with nothing in place is refused, and says what is missing.
    await page.getByRole('button', { name: 'Proceed anyway' }).click();
    await page.getByRole('alert').filter({ hasText: 'Create a branch you can fail back to.' }).waitFor();

    await page.getByRole('button', { name: 'Create a branch' }).click();
    await page.getByText('before-expenses-legacy_notes').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up and download' }).click()]);
    assert.equal(download.suggestedFilename(), 'expenses-backup.sql');
    const backup = fs.readFileSync(await download.path(), 'utf8');
    assert.match(backup, /migrated from ExpenseTrack 2019/, 'the backup holds the values that would be lost');
    await page.getByRole('checkbox', { name: 'I approve losing 16 non-null values of expenses.legacy_notes.' }).check();
    await app.shot('preconditions-met');
    await app.axe('preconditions met');
    await page.getByRole('button', { name: 'Proceed anyway' }).click();
    await page.getByText('You proceeded with a branch, a backup and an approval of each loss in place.').waitFor();
    await page.getByRole('region', { name: 'What the destructive migration did on the branch' }).getByText('legacy_notes').waitFor({ timeout: 30_000 });
    // Proceeding is allowed, but the lesson asked for a refusal: graded, not hidden.
    await page.locator('.refuse .verdict').waitFor();
    assert.doesNotMatch(await page.locator('.refuse .verdict').textContent(), /^Right/);
    await app.shot('proceeded');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
