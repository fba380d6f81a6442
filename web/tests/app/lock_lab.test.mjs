// The lock lab (issue 12), tried as a learner would: a lock prediction with one part left blank cannot be locked;
// the confidence_score follow-up's locks are predicted, one wrongly at full confidence; they wait for the learner's
// own run, and are then graded against the engine's trace of it, never against the lesson's key. The run shows its
// lock timeline with what a concurrent statement would do.
import { test } from 'node:test';
import { open, waitForEngine, setEditor, confidence, lockAnswer, lessonFile, assert, BASE } from './lib.mjs';

test('confidence_score: lock predictions are graded against the trace of the learner\'s own run', { timeout: 240_000 }, async () => {
  const app = await open('lock-lab');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await waitForEngine(page);
    await page.getByRole('button', { name: /Modify/ }).click();

    // Half an answer is not an answer: the mode alone cannot be locked.
    await page.getByRole('radio', { name: /No: a default applies only/ }).check();
    await confidence(page, 'default-fills-nulls', 4);
    const update = page.getByRole('article', { name: /Once the backfill/ });
    await update.getByRole('combobox', { name: /Strongest lock on/ }).selectOption('ACCESS EXCLUSIVE');
    await confidence(page, 'update-lock', 5);
    await lockAnswer(page, /SET NOT NULL has run/, 'ACCESS EXCLUSIVE', 'Not rewritten');
    await confidence(page, 'set-not-null-lock', 4);
    await page.getByLabel('Your answer to question 4').fill('Drop NOT NULL and the default; the backfill cannot be undone.');
    await confidence(page, 'real-rollback', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText(/answer both parts of question 2/).waitFor();
    await app.shot('half-a-lock-answer');

    // The confident wrong belief: the UPDATE locks the whole table and writes it anew.
    await update.getByRole('radio', { name: 'Rewritten', exact: true }).check();
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByRole('textbox', { name: 'Your Modify migration' }).waitFor();
    // Nothing has run yet, so nothing is graded: the trace does not exist.
    assert.equal(await page.locator('#q-update-lock .verdict').count(), 0, 'a lock answer waits for the run');

    await setEditor(page, 'Your Modify migration', lessonFile('confidence_score/modify/c7e2a9f10b38_confidence_score_not_null.py'));
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.locator('.checks li').first().waitFor({ timeout: 60_000 });

    const wrong = page.locator('#q-update-lock .verdict');
    await wrong.waitFor({ timeout: 30_000 });
    const wrongText = await wrong.textContent();
    assert.match(wrongText, /Wrong/, wrongText);
    assert.match(wrongText, /mark -10/, wrongText);
    assert.match(wrongText, /ROW EXCLUSIVE/, `the engine's lock is named: ${wrongText}`);
    assert.match(wrongText, /kept its storage/, `the engine's answer on the rewrite is given: ${wrongText}`);
    const right = await page.locator('#q-set-not-null-lock .verdict').textContent();
    assert.match(right, /Right/, right);

    // The learner's run, traced: SET NOT NULL's ACCESS EXCLUSIVE makes even a SELECT wait until COMMIT.
    const timeline = page.getByRole('region', { name: /Locks taken by your migration/ }).first();
    await timeline.waitFor();
    const statements = timeline.getByRole('table').first();
    const setNotNull = statements.getByRole('row').filter({ hasText: 'SET NOT NULL' });
    assert.match(await setNotNull.textContent(), /expenses ACCESS EXCLUSIVE/);
    const conflicts = timeline.getByRole('table', { name: /another session's statement/ });
    const held = conflicts.getByRole('row').filter({ hasText: 'expenses ACCESS EXCLUSIVE' });
    assert.match((await held.textContent()).replace(/\s+/g, ' '), /ms(waits){5}/);
    await timeline.scrollIntoViewIfNeeded();
    await app.shot('lock-timeline');
    await app.axe('lock timeline');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('index_concurrently: the Run stage traces each run, and the upgrade again on 20,040 rows shows how long SHARE is held', { timeout: 240_000 }, async () => {
  const app = await open('lock-scale');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/index_concurrently`);
    await waitForEngine(page);
    // Predict: the index left out (a wrong schema answer, at low confidence), the lock predicted.
    await page.getByLabel('No change from the start').check();
    await confidence(page, 'index-after-upgrade', 1);
    await lockAnswer(page, /plain CREATE INDEX ix_expenses_vendor_id/, 'SHARE', 'Not rewritten');
    await confidence(page, 'index-lock', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    const toolbar = page.getByRole('toolbar', { name: 'Alembic commands' });
    for (const command of ['alembic upgrade head', 'alembic downgrade -1']) {
      await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
      await toolbar.getByRole('button', { name: command }).click();
      await page.getByRole('region', { name: `Locks taken by ${command}` }).waitFor({ timeout: 30_000 });
    }
    const upgrade = page.getByRole('region', { name: 'Locks taken by alembic upgrade head' });
    assert.match(await upgrade.getByRole('row').filter({ hasText: 'CREATE INDEX ix_expenses_vendor_id' }).textContent(), /expenses SHARE/);
    // The prediction is graded against that trace.
    const verdict = await page.getByRole('table', { name: 'How your predictions did' }).getByRole('row').filter({ hasText: 'plain CREATE INDEX' }).textContent();
    assert.match(verdict, /Right/, verdict);

    await page.getByRole('button', { name: 'Run `alembic upgrade head` with 20,040 rows' }).click();
    const scaled = page.getByRole('region', { name: /Locks taken by alembic upgrade head with 20040 rows/ });
    await scaled.waitFor({ timeout: 60_000 });
    const conflicts = scaled.getByRole('table', { name: /another session's statement/ });
    // Only the migration's own lock: nothing the lab itself read (row counts, the schema) shows as held.
    assert.deepEqual((await conflicts.getByRole('rowheader').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()), ['expenses SHARE']);
    const share = (await conflicts.getByRole('row').filter({ hasText: 'expenses SHARE' }).textContent()).replace(/\s+/g, ' ');
    // SHARE lets a SELECT and another CREATE INDEX through, and makes writes wait.
    assert.match(share, /ms ?proceeds ?waits ?proceeds ?waits ?waits/, share);
    await scaled.scrollIntoViewIfNeeded();
    await app.shot('scaled-timeline');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
