// confidence_score as a student takes it: a right and a wrong prediction, a reload mid-run, the 23502 experiment,
// a broken and a failing Modify migration before the right one, and a destructive Make draft the drop guard stops.
import { test } from 'node:test';
import { open, waitForEngine, setEditor, confidence, answerConfidenceScorePredict, finishAtCatalog, lockConfidenceScoreModify, confirmRun, demand, assert, BASE, writeItMyself } from './lib.mjs';

const HEADER = (message, revision) => `"""${message}

Revision ID: ${revision}
Revises: ab12cd34e5f6
"""
from alembic import op
import sqlalchemy as sa

revision = "${revision}"
down_revision = "ab12cd34e5f6"
branch_labels = None
depends_on = None
`;

const MODIFY_BROKEN = `${HEADER('make confidence_score NOT NULL', 'c7e2a9f10b38')}

def upgrade() -> None:
    op.alter_column("expenses", "confidence_score", nullable=False,
`;

const MODIFY_NO_BACKFILL = `${HEADER('make confidence_score NOT NULL', 'c7e2a9f10b38')}

def upgrade() -> None:
    op.alter_column("expenses", "confidence_score", existing_type=sa.Numeric(4, 3), nullable=False, server_default=sa.text("0.000"))


def downgrade() -> None:
    op.alter_column("expenses", "confidence_score", existing_type=sa.Numeric(4, 3), nullable=True, server_default=None)
`;

const MODIFY_RIGHT = MODIFY_NO_BACKFILL.replace(
  'def upgrade() -> None:\n',
  'def upgrade() -> None:\n    op.execute("UPDATE expenses SET confidence_score = 0.000 WHERE confidence_score IS NULL")\n',
);

const MAKE_DESTRUCTIVE = `${HEADER('add review_note to expenses', '5d8b3e60a1c2')}

def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_note", sa.Text(), nullable=True))
    op.drop_column("expenses", "legacy_notes")


def downgrade() -> None:
    op.add_column("expenses", sa.Column("legacy_notes", sa.Text(), nullable=True))
    op.drop_column("expenses", "review_note")
`;

const MAKE_RIGHT = `${HEADER('add review_note to expenses', '5d8b3e60a1c2')}

def upgrade() -> None:
    op.add_column("expenses", sa.Column("review_note", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("expenses", "review_note")
`;

/// Runs the Modify/Make checks and waits for this run's results: the button is disabled from the click until the
/// checks are in and the branch is reset, so its coming back (seen by an observer set before the click, in case the
/// run is quicker than a poll) is the end of this run, never the previous run's list still on screen.
const runChecks = async (page) => {
  const button = page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ });
  await button.evaluate((b) => {
    window.miglabChecksDone = false;
    const observer = new MutationObserver((records) => {
      if (records.some((r) => r.oldValue !== null) && !b.disabled) {
        window.miglabChecksDone = true;
        observer.disconnect();
      }
    });
    observer.observe(b, { attributes: true, attributeFilter: ['disabled'], attributeOldValue: true });
  });
  await button.click();
  await page.waitForFunction(() => window.miglabChecksDone && document.querySelector('.checks li'), null, { timeout: 30_000 });
};

test('confidence_score from prediction to the mastery gate', { timeout: 300_000 }, async () => {
  const app = await open('confidence_score');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.getByRole('link', { name: /Add confidence_score/ }).first().click();
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').first().waitFor({ timeout: 30_000 });

    await answerConfidenceScorePredict(page);
    await app.shot('predict-answered');

    // The 390-px phone layout, checked with axe too.
    await page.setViewportSize({ width: 390, height: 844 });
    await app.shot('predict-phone');
    await app.axe('predict at 390 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    await page.getByRole('button', { name: 'alembic upgrade head' }).click();
    await page.locator('.log').waitFor({ timeout: 30_000 });
    await app.shot('run-upgrade');

    // Reload in the middle of the run: predictions and stage survive; the branch starts again from the seed.
    await page.reload();
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Run', level: 2 }).waitFor();
    await page.getByText('migration-confidence-score').first().waitFor({ timeout: 30_000 });
    // What the run showed before the reload is still there, and says plainly that the branch no longer holds it.
    const previous = page.getByRole('region', { name: 'From your last visit' });
    await previous.getByText('these runs are no longer on it').waitFor({ timeout: 30_000 });
    assert.match(await previous.getByRole('region', { name: 'Alembic log from your last visit' }).textContent(), /^\$ alembic upgrade head\n(INFO .*\n)*INFO .*Running upgrade 9f0e1d2c4b7a -> ab12cd34e5f6, add confidence_score to expenses$/);
    await previous.getByText('confidence_score').first().waitFor();
    await app.shot('run-after-reload');
    await app.axe('run after reload');
    for (const command of ['alembic upgrade head', 'alembic downgrade -1']) {
      await page.waitForFunction(() => !document.querySelector('.busy'));
      await page.getByRole('button', { name: command }).click();
      await page.waitForFunction((c) => document.querySelector('.log')?.textContent.includes(`$ ${c}`) && !document.querySelector('.busy'), command);
    }
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.previous-run').count(), 0, 'a new run replaces what the last visit ran');
    const verdicts = await page.locator('.verdicts tbody tr').allTextContents();
    assert.ok(verdicts.some((v) => v.startsWith('Which columns will') && v.includes('Right')), verdicts.join('\n'));
    assert.ok(verdicts.some((v) => v.startsWith('After upgrade() and then downgrade()') && !v.includes('Right')), verdicts.join('\n'));
    assert.ok(verdicts.some((v) => v.startsWith('Expense 1 already exists') && v.includes('Wrong')), verdicts.join('\n'));
    await app.shot('run-graded');
    await app.axe('run graded');
    await page.setViewportSize({ width: 390, height: 844 });
    await app.shot('run-graded-phone');
    await app.axe('run graded at 390 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Investigate: explain, a free-text question, and the 23502 experiment.
    await page.getByRole('button', { name: 'Go to Investigate' }).click();
    for (const [i, text] of ['The column is nullable so no row needs a value.', 'It undoes the single add_column step.', 'The upgrade would fail with 23502 on the existing rows.'].entries()) {
      await page.locator('.explain textarea').nth(i).fill(text);
    }
    await page.getByLabel('Your answer to question 1').fill('Restore from the branch taken before the migration ran.');
    await confidence(page, 'rollback-without-downgrade', 3);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Model answer:').waitFor();
    await page.getByRole('radio', { name: 'It matches' }).check();
    await page.locator('#q-rollback-without-downgrade .verdict.right').waitFor();
    const experiment = page.getByRole('article', { name: 'Add a NOT NULL column with no default' });
    await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
    await experiment.getByText('SQLSTATE: 23502').waitFor({ timeout: 30_000 });
    await app.shot('investigate-23502');
    await page.getByRole('button', { name: 'Go to Modify' }).click();

    // Modify: predictions, then a broken file, a migration Postgres rejects, and the right one.
    await lockConfidenceScoreModify(page);

    await setEditor(page, 'Your Modify migration', MODIFY_BROKEN);
    await runChecks(page);
    assert.match(await page.locator('.checks').textContent(), /fail: the file translates — line \d+:\d+/);
    assert.match(await page.getByRole('textbox', { name: 'Your Modify migration' }).textContent(), /nullable=False,/, 'the broken text stays in the editor');
    await app.shot('modify-broken-file');

    await setEditor(page, 'Your Modify migration', MODIFY_NO_BACKFILL);
    await runChecks(page);
    assert.match(await page.locator('.checks').textContent(), /fail: upgrade\(\) runs — Postgres stopped it: 23502/);
    // The statement Postgres failed on is marked in the student's own file.
    await page.locator('.practice .cm-failing-line').first().waitFor();
    assert.match(await page.locator('.practice .cm-failing-line').first().textContent(), /alter_column/);
    await app.shot('modify-23502');

    await setEditor(page, 'Your Modify migration', MODIFY_RIGHT);
    await runChecks(page);
    const modifyChecks = await page.locator('.checks li').allTextContents();
    assert.ok(modifyChecks.every((c) => c.includes('pass')), modifyChecks.join('\n'));
    await app.shot('modify-pass');
    await page.getByRole('button', { name: 'Done: go to Make' }).click();
    // The agent's drafts are the stage's default; this learner writes the migration.
    await writeItMyself(page);

    // Make: a draft that also drops legacy_notes is stopped by the drop guard; the student refuses it, then fixes it.
    await setEditor(page, 'Your Make migration', MAKE_DESTRUCTIVE);
    await runChecks(page);
    assert.match(await page.locator('.checks').textContent(), /fail: drop guard/);
    await page.locator('.at-stake').getByText('non-null values').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.at-stake').textContent(), /\d+ non-null values/);
    await page.getByRole('button', { name: 'Proceed anyway' }).click();
    await page.getByText(/Create a branch you can fail back to/).waitFor();
    await app.shot('make-guard');
    await app.axe('drop guard');
    await page.getByRole('button', { name: 'Refuse this migration' }).click();
    await page.getByText('You refused the migration').waitFor();

    await setEditor(page, 'Your Make migration', MAKE_RIGHT);
    await runChecks(page);
    await page.waitForFunction(() => [...document.querySelectorAll('.checks li')].every((li) => li.classList.contains('pass')));
    await confirmRun(page, { upgrade: [/adds the column review_note/], downgrade: [/drops the column review_note/] });
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved.').waitFor();

    // The lesson's own destructive shortcut, a TRUNCATE: the guard counts the rows at stake, and the student refuses.
    await demand(page, 'A branch', 'A backup', 'An explicit');
    await page.locator('.refuse .confidence-level').nth(4).click();
    await page.getByRole('button', { name: 'Run its upgrade on the branch' }).click();
    await page.locator('.refuse .at-stake').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.refuse .at-stake').textContent(), /40 rows of expenses would be lost/);
    await page.locator('.refuse').getByRole('button', { name: 'Refuse this migration' }).click();
    await page.locator('.refuse .verdict.right').waitFor();
    await finishAtCatalog(app);
    await page.setViewportSize({ width: 390, height: 844 });
    await app.shot('catalog-phone');
    await app.axe('catalog at 390 px');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
