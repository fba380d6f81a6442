// drop_guard's consequences, tried as a learner would: a read-only console on the starting database in Predict,
// a TRUNCATE in the branch console that says what is at stake before it runs and reads "40 → 0 rows" after,
// an experiment that drops a column waiting until its loss is seen, and the archive-then-drop round trip passing.
import { test } from 'node:test';
import { open, waitForEngine, setEditor, confidence, lessonFile, assert, BASE } from './lib.mjs';

const MODIFY = lessonFile('drop_guard/modify/b93d0e5a7c16_archive_then_drop_legacy_notes.py');

/// drop_guard with `lesson` as its saved progress; a full load, so the running page cannot save over it.
async function openLesson(page, lesson) {
  await page.goto(BASE);
  await page.locator('.course-path li').first().waitFor();
  await page.evaluate((lesson) => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { drop_guard: lesson } })), lesson);
  await page.goto('about:blank');
  await page.goto(`${BASE}#/lesson/drop_guard`);
  await waitForEngine(page);
  await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
}

test('Predict: a read-only console on the starting database answers a count and refuses a write', { timeout: 120_000 }, async () => {
  const app = await open('consequences-predict-console');
  const { page } = app;
  try {
    await openLesson(page, {});
    await page.getByText('Query the starting database (read-only)').click();
    const console_ = page.getByRole('region', { name: 'Read-only SQL console on the starting database' });
    const output = console_.getByTestId('console-output');

    await console_.getByLabel('SQL to run on the starting database, read-only').fill('SELECT count(legacy_notes) FROM expenses');
    await console_.getByRole('button', { name: 'Run', exact: true }).click();
    await output.getByRole('cell', { name: '16', exact: true }).waitFor({ timeout: 30_000 });
    await output.getByText('Rolled back: the starting database is as it was.').waitFor();
    await app.shot('count');

    // A write: Postgres itself refuses it in the read-only transaction.
    await console_.getByRole('textbox').fill('DELETE FROM expenses');
    await console_.getByRole('button', { name: 'Run', exact: true }).click();
    const error = output.getByTestId('console-error');
    await error.waitFor({ timeout: 30_000 });
    assert.equal(await error.getAttribute('data-sqlstate'), '25006');
    assert.match(await error.textContent(), /cannot execute DELETE in a read-only transaction/);
    await app.shot('write-refused');

    // Transaction control would end the read-only transaction, so it is not sent.
    await console_.getByRole('textbox').fill('COMMIT; DELETE FROM expenses');
    await console_.getByRole('button', { name: 'Run', exact: true }).click();
    await output.locator('[data-kind="refused"]').getByText('controls the transaction').waitFor();

    // Nothing changed: every expense is still there.
    await console_.getByRole('textbox').fill('SELECT count(*) FROM expenses');
    await console_.getByRole('button', { name: 'Run', exact: true }).click();
    await output.getByRole('cell', { name: '40', exact: true }).waitFor({ timeout: 30_000 });
    await app.axe('read-only console');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('Run: a TRUNCATE in the branch console says what is at stake, then reads 40 → 0 rows as a loss', { timeout: 120_000 }, async () => {
  const app = await open('consequences-truncate');
  const { page } = app;
  try {
    await openLesson(page, { stage: 'run', locked: ['predict'] });
    await page.getByText('SQL console on this branch').click();
    const console_ = page.getByRole('region', { name: 'SQL console', exact: true });
    await console_.getByLabel('SQL to run on this branch').fill('TRUNCATE expenses');
    await console_.getByRole('button', { name: 'Run', exact: true }).click();
    // Before it runs: the drop guard's rule and the engine's count.
    const stake = console_.locator('.console-stake');
    await stake.waitFor({ timeout: 30_000 });
    assert.equal(await stake.locator('p').textContent(), 'This would destroy 40 rows of expenses. It has not run.');
    await app.shot('truncate-at-stake');
    await console_.getByRole('button', { name: 'Run it anyway' }).click();
    const diff = console_.getByRole('region', { name: 'What that did on the branch' });
    const loss = diff.getByRole('list', { name: 'Data changes' }).getByRole('listitem');
    await loss.waitFor({ timeout: 30_000 });
    assert.equal(await loss.textContent(), 'data lost expenses: 40 → 0 rows (40 rows lost)');
    assert.equal(await loss.getAttribute('class'), 'data-change loss');
    assert.equal(await diff.getByText('No table changed').count(), 0);
    await app.shot('truncate-diff');
    await app.axe('truncate diff');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('Investigate: an experiment that drops a column shows what it would destroy before it runs', { timeout: 120_000 }, async () => {
  const app = await open('consequences-experiment');
  const { page } = app;
  try {
    const explanations = { 0: 'It restores the shape, not the values.', 1: 'The count is the size of the loss.' };
    await openLesson(page, { stage: 'investigate', locked: ['predict'], explanations });
    const experiment = page.getByRole('article', { name: 'Back up, drop, restore' });
    await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
    await experiment.getByText('This would destroy 16 non-null values of expenses.legacy_notes.').waitFor({ timeout: 30_000 });
    assert.equal(await experiment.locator('.outcome').count(), 0, 'nothing ran yet');
    await app.shot('experiment-at-stake');
    await experiment.getByRole('button', { name: 'Run it on the branch anyway' }).click();
    await experiment.locator('.outcome.right').waitFor({ timeout: 30_000 });
    const diff = experiment.getByRole('region', { name: 'What Back up, drop, restore did on the branch' });
    await diff.getByText('expenses_legacy_notes_backup: 0 → 16 rows').waitFor();
    await app.shot('experiment-ran');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('Modify: archive-then-drop passes the round trip, the column order only a note', { timeout: 180_000 }, async () => {
  const app = await open('consequences-round-trip');
  const { page } = app;
  try {
    await openLesson(page, { stage: 'modify', locked: ['predict'] });
    await page.getByLabel('Value (write NULL for null):').fill('16');
    await confidence(page, 'notes-after-rollback', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await setEditor(page, 'Your Modify migration', MODIFY);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('.checks li').length > 1 && !document.querySelector('.busy'), null, { timeout: 60_000 });
    const checks = await page.locator('.checks li').allTextContents();
    assert.ok(checks.every((c) => c.includes('pass')), checks.join('\n'));
    const roundTrip = checks.find((c) => c.includes('round trip'));
    assert.match(roundTrip, /leaves the same schema and the same row counts \(columns matched by name\)/);
    assert.match(roundTrip, /Note: expenses has its columns in another order/);
    // The upgrade's consequences: the notes leave expenses for the archive.
    await page.getByRole('region', { name: /Your migration on the branch: upgrade b93d0e5a7c16/ }).getByText('expenses_legacy_notes_archive: 0 → 16 rows').waitFor();
    await page.getByText('Every check passes.').waitFor();
    await app.shot('round-trip');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
