// reconciler_run_id as a student takes it: predictions (one wrong, one right), a reload mid-lesson, the run on a branch,
// the downgrade-order error when the column goes before its index, the drop-guard refusal, and the mastery gate.
import { test } from 'node:test';
import fs from 'node:fs';
import { open, waitForEngine, setEditor, confidence, finishAtCatalog, lessonFile, confirmRun, demand, assert, BASE, writeItMyself } from './lib.mjs';

// The student's Make file is the lesson's reference, and the same file with the downgrade's two drops swapped.
const MAKE_RIGHT = lessonFile('reconciler_run_id/make/e41c7b9a2f05_add_reconciler_run_id.py');
const DROP_INDEX = '    op.drop_index("ix_expenses_reconciler_run_id", table_name="expenses")\n';
const DROP_COLUMN = '    op.drop_column("expenses", "reconciler_run_id")\n';
const MAKE_WRONG_ORDER = MAKE_RIGHT.replace(DROP_INDEX + DROP_COLUMN, DROP_COLUMN + DROP_INDEX);
const MODIFY = lessonFile('reconciler_run_id/modify/8b1d4e6f0a27_partial_matched_receipt_index.py');

test('reconciler_run_id from prediction to the mastery gate', { timeout: 300_000 }, async () => {
  const app = await open('reconciler_run_id');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.getByRole('link', { name: /reconciler_run_id/ }).first().waitFor();
    await app.shot('catalog');
    await app.axe('catalog');

    await page.getByRole('link', { name: /reconciler_run_id/ }).first().click();
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').waitFor({ timeout: 30_000 });
    // The DDL underneath, from the analysis's translator.
    await page.getByRole('button', { name: 'Show the DDL underneath' }).first().click();
    const ddl = await page.getByRole('textbox', { name: /DDL of migration 3f7a9c2e8d41/ }).textContent();
    assert.match(ddl, /CREATE INDEX ix_expenses_matched_receipt_id ON expenses \(matched_receipt_id\)/);
    assert.match(ddl, /DROP INDEX ix_expenses_matched_receipt_id/);
    await app.shot('predict-start');
    await page.getByRole('button', { name: 'Hide the DDL underneath' }).first().click();
    await app.axe('predict');

    // A wrong schema prediction: the new column NOT NULL, and no index.
    const card = page.getByRole('region', { name: 'Table expenses' });
    await card.getByRole('button', { name: '+ Column' }).click();
    await page.getByLabel('Name of column new_column in expenses').fill('matched_receipt_id');
    await page.getByLabel('Name of column new_column in expenses').press('Tab');
    await page.getByLabel('Type of column matched_receipt_id in expenses').fill('uuid');
    await page.getByLabel('Type of column matched_receipt_id in expenses').press('Tab');
    await page.getByLabel('NOT NULL of column matched_receipt_id in expenses').check();
    await confidence(page, 'schema-after-upgrade', 4);
    // A right value prediction.
    await page.getByLabel('Value (write NULL for null):').fill('NULL');
    await confidence(page, 'existing-row-value', 5);
    // The right downgrade order: index first.
    const order = page.locator('#q-downgrade-order .ordering li');
    if ((await order.first().textContent()).includes('column')) {
      await page.getByRole('button', { name: /Move down: Drop the column/ }).click();
    }
    await confidence(page, 'downgrade-order', 3);

    // Submitting before every confidence is picked is refused, in place.
    await app.shot('predict-answered');
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    assert.equal(await page.getByLabel('Type of column matched_receipt_id in expenses').isDisabled(), true);
    await app.shot('predict-locked');

    // A reload in the middle of the lesson loses nothing.
    await page.reload();
    await waitForEngine(page);
    await page.getByText('Your answers are locked').waitFor();
    assert.equal(await page.getByLabel('Type of column matched_receipt_id in expenses').inputValue(), 'uuid');
    assert.equal(await page.getByLabel('Value (write NULL for null):').inputValue(), 'NULL');

    // Run on the branch: upgrade, downgrade, upgrade.
    await page.getByRole('button', { name: 'Go to Run' }).click();
    await page.getByText('migration-matched-receipt-id').first().waitFor();
    for (const command of ['alembic upgrade head', 'alembic downgrade -1', 'alembic upgrade head']) {
      const button = page.getByRole('button', { name: command }).first();
      await button.waitFor();
      await page.waitForFunction(() => !document.querySelector('.busy'));
      await button.click();
      await page.waitForFunction((c) => document.querySelector('.log')?.textContent.split('$ alembic').length > 1 && !document.querySelector('.busy'), command);
    }
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });
    const log = await page.locator('.log').textContent();
    assert.match(log, /Running upgrade 9f0e1d2c4b7a -> 3f7a9c2e8d41, add matched_receipt_id to expenses/);
    assert.match(log, /Running downgrade 3f7a9c2e8d41 -> 9f0e1d2c4b7a/);
    const verdicts = await page.locator('.verdicts tbody tr').allTextContents();
    assert.ok(verdicts.some((v) => v.startsWith('What does expenses look like') && /Wrong|Partly/.test(v)), verdicts.join('\n'));
    assert.ok(verdicts.some((v) => v.startsWith("What does expense 7") && v.includes('Right')), verdicts.join('\n'));
    await app.shot('run-graded');
    await app.axe('run');

    await page.getByRole('button', { name: /\\d expenses/ }).click();
    await page.getByText('Table "public.expenses"').waitFor();
    await page.getByRole('button', { name: 'alembic history' }).click();
    await page.getByText('(head) (current)').waitFor();
    await page.getByRole('button', { name: 'alembic current' }).click();
    await page.locator('.terminal pre').getByText('3f7a9c2e8d41 (head)').waitFor();
    await app.shot('run-describe-history');

    // Investigate: explain, answer, and watch the wrong downgrade order fail with 42704.
    await page.getByRole('button', { name: 'Go to Investigate' }).click();
    await page.getByLabel(/why does downgrade\(\) drop the index before the column/i).fill('Because the column drop takes the index with it, so the index must go first.');
    await page.getByLabel(/Why is the column nullable/i).fill('Existing rows have no match yet, so they must be allowed to hold NULL.');
    await page.getByRole('radio', { name: /It drops the index too/ }).check();
    await confidence(page, 'drop-column-with-index', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    const experiment = page.getByRole('article', { name: 'Run the downgrade in the wrong order' });
    await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
    // It drops a column, so it first says what that would destroy (none of the new column's values are set yet).
    await experiment.getByText(/This would destroy \d+ non-null values of expenses\.matched_receipt_id/).waitFor({ timeout: 30_000 });
    await experiment.getByRole('button', { name: 'Run it on the branch anyway' }).click();
    await experiment.getByText('SQLSTATE: 42704').waitFor({ timeout: 30_000 });
    await app.shot('investigate-42704');
    await app.axe('investigate');

    // Modify: a partial index, checked on the branch.
    await page.getByRole('button', { name: 'Go to Modify' }).click();
    await page.getByLabel('Value (write NULL for null):').fill('0');
    await confidence(page, 'partial-definition', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await setEditor(page, 'Your Modify migration', MODIFY);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.locator('.checks li').first().waitFor({ timeout: 30_000 });
    const modifyChecks = await page.locator('.checks li').allTextContents();
    assert.ok(modifyChecks.every((c) => c.includes('pass')), modifyChecks.join('\n'));
    await app.shot('modify-checks');
    await page.getByRole('button', { name: 'Done: go to Make' }).click();
    // The agent's drafts are the stage's default; this learner writes the migration.
    await writeItMyself(page);

    // Make: the column dropped before its index fails the downgrade with 42704; the right order passes.
    await setEditor(page, 'Your Make migration', MAKE_WRONG_ORDER);
    assert.notEqual(MAKE_WRONG_ORDER, MAKE_RIGHT);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.getByText(/fail: downgrade\(\) order/).waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.checks').textContent(), /42704/);
    await app.shot('make-downgrade-order-error');
    await setEditor(page, 'Your Make migration', MAKE_RIGHT);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.checks li')].every((li) => li.classList.contains('pass')), null, { timeout: 30_000 });
    // The approval confirms what the run on the branch did; the reflection is the learner's own words.
    await confirmRun(page, { upgrade: [/adds the column reconciler_run_id/, /adds the index ix_expenses_reconciler_run_id/], downgrade: [/drops the column reconciler_run_id/, /drops the index ix_expenses_reconciler_run_id/] });
    await page.getByLabel(/Your reflection/).fill('upgrade() adds reconciler_run_id and its index; downgrade() drops the index, then the column; tested on branch migration-matched-receipt-id.');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved.').waitFor();

    // The drop guard: it stops the run, counts what would be lost; the student refuses, demanding all three preconditions.
    await demand(page, 'A branch', 'A backup', 'An explicit');
    await page.getByLabel(/Your reasons/).fill('I refuse until I have a branch, a backup of expenses.legacy_notes I can read, and a written approval.');
    await confidence(page, 'refusal', 5).catch(() => page.locator('.refuse .confidence-level').nth(4).click());
    await page.getByRole('button', { name: 'Run its upgrade on the branch' }).click();
    await page.locator('.at-stake').getByText('non-null values').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.at-stake').textContent(), /16 non-null values/);
    await app.shot('guard-stopped');
    await app.axe('guard');
    await page.getByRole('button', { name: 'Refuse this migration' }).click();
    await page.getByText('You refused the migration').waitFor();
    await finishAtCatalog(app);

    // The self-check report, as Markdown and JSON, holds predictions, scores, calibration and the gate.
    for (const [button, check] of [
      ['Export self-check report (Markdown)', (text) => assert.match(text, /Mastery gate: passed[\s\S]*Destructive migration: refused/)],
      ['Export self-check report (JSON)', (text) => assert.equal(JSON.parse(text).lessons.find((l) => l.id === 'reconciler_run_id').gate.passed, true)],
    ]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      check(fs.readFileSync(await download.path(), 'utf8'));
    }
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
