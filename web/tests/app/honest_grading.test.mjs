// Grades that measure understanding (issue 9), tried as a learner would: an untouched schema editor is not an answer,
// "No change from the start" is graded on what changed, a downgrade order Postgres refuses is wrong with its SQLSTATE,
// and the marks are stated before answering and shown for every answer.
import { test } from 'node:test';
import fs from 'node:fs';
import { open, waitForEngine, confidence, assert, BASE } from './lib.mjs';

/// Runs one Alembic command from the Run stage and waits until the engine is idle again.
async function runCommand(page, command) {
  await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
  const before = await page.evaluate(() => document.querySelector('.log')?.textContent ?? '');
  await page.getByRole('button', { name: command }).first().click();
  await page.waitForFunction(
    ([c, seen]) => (document.querySelector('.log')?.textContent ?? '') !== seen && document.querySelector('.log')?.textContent.includes(`$ ${c}`) && !document.querySelector('.busy'),
    [command, before],
    { timeout: 30_000 },
  );
}

/// The grades table's rows as text, keyed by the start of the question's text.
async function gradeRow(page, startOfQuestion) {
  const table = page.getByRole('table', { name: 'How your predictions did' });
  const row = table.getByRole('row').filter({ hasText: startOfQuestion });
  await row.first().waitFor({ timeout: 30_000 });
  return row.first();
}

test('confidence_score: a blank schema answer cannot be locked, and "No change" is graded on the change', { timeout: 240_000 }, async () => {
  const app = await open('honest-confidence-score');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').first().waitFor({ timeout: 30_000 });

    // The payoff is on screen before any answer: the mark for right and for wrong at every level.
    const marks = page.getByRole('table', { name: 'Marks for each confidence level' });
    assert.equal(await marks.isVisible(), true, 'the marks table is open before answering');
    const rows = await marks.getByRole('row').allTextContents();
    assert.deepEqual(rows.slice(1).map((r) => r.replace(/\s+/g, ' ').trim()), [
      '1 — a guess0–20%+1+0',
      '2 — unsure20–40%+5-1',
      '3 — fairly sure40–60%+8-3',
      '4 — sure60–80%+10-6',
      '5 — certain80–100%+11-10',
    ]);
    await app.shot('marks-before-answering');

    // Accessible names are plain text: no backticks in the question articles' names.
    const names = await page.locator('article.question').evaluateAll((articles) => articles.map((a) => document.getElementById(a.getAttribute('aria-labelledby')).textContent));
    assert.ok(names.length >= 4 && names.every((n) => !n.includes('`')), names.join('\n'));
    // "AI-free" is explained where it appears, in visible text.
    await page.locator('#q-columns-after-upgrade').getByText('Answer this from your own reading, without an AI assistant.').waitFor();

    // Everything answered except the schema editors, which are left as they started.
    for (const id of ['columns-after-upgrade', 'columns-after-downgrade']) await confidence(page, id, 5);
    await page.locator('#q-existing-row-value input.value-input').fill('NULL');
    await confidence(page, 'existing-row-value', 4);
    await page.locator('#q-row-count input.value-input').fill('40');
    await confidence(page, 'row-count', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Before you submit' });
    await refusal.waitFor();
    const said = await refusal.textContent();
    assert.match(said, /answer question 1: edit the schema or choose No change from the start/);
    assert.match(said, /answer question 2: edit the schema or choose No change from the start/);
    assert.equal(await page.getByText('Your answers are locked').count(), 0, 'an untouched editor is not an answer');
    await app.shot('blank-schema-refused');

    // "No change from the start" for both: wrong for the upgrade (a column is added), right for the round trip.
    await page.locator('#q-columns-after-upgrade').getByRole('checkbox', { name: 'No change from the start' }).check();
    await page.locator('#q-columns-after-downgrade').getByRole('checkbox', { name: 'No change from the start' }).check();
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Predict (done)' }).count(), 1, 'locking the predictions completes Predict');

    // Straight to Run by the stepper: the upgrade alone grades the upgrade questions, and only them.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await runCommand(page, 'alembic upgrade head');
    const upgrade = await gradeRow(page, 'Which columns will expenses have');
    const upgradeText = await upgrade.textContent();
    assert.match(upgradeText, /Wrong/);
    assert.match(upgradeText, /-10/, 'a wrong answer at confidence 5 marks -10, in the grades table');
    assert.equal(await page.getByRole('table', { name: 'How your predictions did' }).getByRole('row').filter({ hasText: 'After upgrade() and then downgrade()' }).count(), 0, 'the round trip is not graded before the downgrade ran');
    await page.getByRole('button', { name: 'Predict', exact: false }).first().click();
    assert.match(await page.locator('#q-columns-after-upgrade .verdict').textContent(), /Wrong — 0% credit at confidence 5 \(certain\), mark -10/);
    await app.shot('no-change-upgrade-wrong');
    await page.getByRole('button', { name: /^Run/ }).first().click();

    await runCommand(page, 'alembic downgrade -1');
    const roundTrip = await gradeRow(page, 'After upgrade() and then downgrade()');
    assert.match(await roundTrip.textContent(), /Right.*\+11/s);
    assert.equal(await page.getByRole('button', { name: 'Run (done)' }).count(), 1, 'running the lesson\'s commands completes Run, though the stepper brought the learner here');
    // The summary gives the total and the calibration rule's sentence, never a bare "well calibrated".
    const total = await page.locator('.total-mark').textContent();
    assert.match(total, /Total mark: [+-]\d/);
    assert.match(total, /calibration is judged from 5 answers on|calibrated|confident/i);
    await app.shot('run-graded-marks');
    await app.axe('run graded with marks');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('reconciler_run_id: the reversed downgrade order is wrong, with the step Postgres refused and 42704', { timeout: 240_000 }, async () => {
  const app = await open('honest-reconciler');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/reconciler_run_id`);
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').waitFor({ timeout: 30_000 });

    // The right schema: the nullable uuid column and its index. The unique checkbox is named after its index.
    const card = page.getByRole('region', { name: 'Table expenses' });
    await card.getByRole('checkbox', { name: 'Unique: expenses_pkey' }).waitFor();
    await card.getByRole('button', { name: '+ Column' }).click();
    await card.getByLabel('Name of column new_column in expenses').fill('matched_receipt_id');
    await card.getByLabel('Name of column new_column in expenses').press('Tab');
    await card.getByLabel('Type of column matched_receipt_id in expenses').fill('uuid');
    await card.getByLabel('Type of column matched_receipt_id in expenses').press('Tab');
    await card.getByRole('button', { name: '+ Index' }).click();
    await card.getByLabel('Name of index ix_expenses_1').fill('ix_expenses_matched_receipt_id');
    await card.getByLabel('Name of index ix_expenses_1').press('Tab');
    await card.getByLabel('Columns of index ix_expenses_matched_receipt_id').fill('matched_receipt_id');
    await card.getByLabel('Columns of index ix_expenses_matched_receipt_id').press('Tab');
    await card.getByRole('checkbox', { name: 'Unique: ix_expenses_matched_receipt_id' }).waitFor();
    await confidence(page, 'schema-after-upgrade', 4);
    await page.locator('#q-existing-row-value input.value-input').fill('NULL');
    await confidence(page, 'existing-row-value', 4);

    // The order fully reversed: the column first, then its index. Steps are named by their text, without Markdown.
    const steps = await page.locator('#q-downgrade-order .ordering li .order-text').allTextContents();
    assert.deepEqual(steps, ['Drop the column matched_receipt_id', 'Drop the index ix_expenses_matched_receipt_id']);
    await page.getByRole('button', { name: 'Move down: Drop the column matched_receipt_id' }).waitFor();
    await confidence(page, 'downgrade-order', 5);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();

    await page.getByRole('button', { name: 'Go to Run' }).click();
    await runCommand(page, 'alembic upgrade head');
    // The order is tried on the branch right after the upgrade, then graded by what Postgres did with it.
    const order = await gradeRow(page, 'Put the steps of downgrade()');
    await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
    const orderText = await order.textContent();
    assert.match(orderText, /Wrong/);
    assert.match(orderText, /-10/, 'the mark of a wrong certain answer is in the grades table');
    assert.match(orderText, /step 2[^.]*Drop the index ix_expenses_matched_receipt_id[^.]*42704/);
    assert.doesNotMatch(orderText, /drop-index|drop-column/, 'steps are named by their text, never their ids');
    assert.equal(await page.getByText('Downgrade order: right').count(), 0, 'no verdict on the lesson\'s own file where it reads as the learner\'s');
    const schema = await gradeRow(page, 'What does expenses look like');
    assert.match(await schema.textContent(), /Right.*\+10/s, 'the right schema earns full credit');
    await app.shot('order-refused-42704');
    // The branch was left as the upgrade made it (the order was rolled back), so the lesson's own downgrade still runs.
    await runCommand(page, 'alembic downgrade -1');
    const log = await page.locator('.log').textContent();
    assert.match(log, /Running downgrade 3f7a9c2e8d41 -> 9f0e1d2c4b7a/);
    assert.doesNotMatch(log, /ERROR/);
    await app.axe('order refused');

    await page.getByRole('button', { name: 'Predict', exact: false }).first().click();
    assert.match(await page.locator('#q-downgrade-order .verdict').textContent(), /Wrong — 0% credit at confidence 5 \(certain\), mark -10/);
    assert.match(await page.locator('#q-schema-after-upgrade .verdict').textContent(), /Right — 100% credit/);
    await app.shot('predict-verdicts');

    // The Markdown report counts what it lists and names questions by their text, with each mark.
    await page.getByRole('link', { name: '← Course' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export self-check report (Markdown)' }).click()]);
    const report = fs.readFileSync(await download.path(), 'utf8');
    assert.match(report, /^Course: 3 answers graded, 0 not graded yet\.$/m);
    assert.match(report, /^3 answers, 3 graded:$/m);
    assert.match(report, /^\| Put the steps of downgrade\(\) in the order that works on Postgres\. \| 5 \| 0% \| -10 \| Wrong: Postgres refuses your order at step 2 \(Drop the index ix_expenses_matched_receipt_id\): ERROR 42704/m);
    assert.doesNotMatch(report, /\| (downgrade-order|schema-after-upgrade|existing-row-value) \|/, 'questions are named by their text');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
