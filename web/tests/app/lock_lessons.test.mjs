// The two lock lessons as a learner takes them: lock_timeout's queue (drawn from the conflict table in the page,
// labelled as a model) and its lock predictions graded against the trace of the Run's own commands; not_null_pg18's
// trap (VALIDATE inside the agent's one transaction holds ACCESS EXCLUSIVE), then the Postgres 18 Modify migration,
// whose VALIDATE the learner's own practice run traces as SHARE UPDATE EXCLUSIVE.
import { test } from 'node:test';
import { open, waitForEngine, setEditor, confidence, lockAnswer, lessonFile, assert, BASE } from './lib.mjs';

/// Clicks each `alembic …` button of the Run stage in turn, each once the previous run is done.
async function runCommands(page, commands) {
  for (const command of commands) {
    await page.waitForFunction(() => !document.querySelector('.busy'));
    const runs = await page.locator('.log').evaluate((log) => log.textContent.split(`$ `).length).catch(() => 1);
    // A command listed twice has two buttons; either runs it.
    await page.getByRole('button', { name: command }).first().click();
    await page.waitForFunction(([c, n]) => {
      const log = document.querySelector('.log')?.textContent ?? '';
      return log.split('$ ').length > n && log.includes(`$ ${c}`) && !document.querySelector('.busy');
    }, [command, runs]);
  }
}

/// The verdict row of the question whose prompt matches `start`.
async function verdict(page, start) {
  const rows = await page.locator('.verdicts tbody tr').allTextContents();
  const row = rows.find((r) => start.test(r));
  assert.ok(row, `no verdict for "${start}" in:\n${rows.join('\n')}`);
  return row;
}

test('lock_timeout: the queue is a model in the page, the locks are the trace\'s', { timeout: 240_000 }, async () => {
  const app = await open('lock-timeout');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/lock_timeout`);
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
    await lockAnswer(page, /ADD COLUMN receipt_url TEXT`? has run/, 'ACCESS EXCLUSIVE', 'Not rewritten');
    await confidence(page, 'add-column-lock', 4);
    // The confident wrong belief: two readers never wait for each other.
    await page.getByRole('radio', { name: /It runs at once/ }).check();
    await confidence(page, 'reader-behind-migration', 5);
    await page.locator('#q-new-column-value input.value-input').fill('40');
    await confidence(page, 'new-column-value', 4);
    await lockAnswer(page, /The downgrade runs/, 'ACCESS EXCLUSIVE', 'Rewritten');
    await confidence(page, 'drop-column-lock', 3);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    await page.getByText(/Read them as a model of the queue/).waitFor();
    await runCommands(page, ['alembic upgrade head', 'alembic downgrade -1']);
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });

    assert.match(await verdict(page, /^Once `?ALTER TABLE expenses ADD COLUMN/), /Right/);
    const queue = await verdict(page, /^The export has been reading/);
    assert.match(queue, /Wrong/, queue);
    const drop = await verdict(page, /^The downgrade runs/);
    assert.match(drop, /Partly right/, `the lock is right, the rewrite wrong: ${drop}`);

    // The upgrade's ACCESS EXCLUSIVE, and what a concurrent SELECT would do, from the conflict table.
    const timeline = page.getByRole('region', { name: /Locks/ }).first();
    await timeline.waitFor();
    const conflicts = timeline.getByRole('table', { name: /another session's statement/ }).first();
    const held = conflicts.getByRole('row').filter({ hasText: 'expenses ACCESS EXCLUSIVE' }).first();
    assert.match((await held.textContent()).replace(/\s+/g, ' '), /waits/);
    await timeline.scrollIntoViewIfNeeded();
    await app.shot('lock-timeout-run');
    await app.axe('lock_timeout run');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('not_null_pg18: VALIDATE in one transaction and in a transaction of its own', { timeout: 300_000 }, async () => {
  const app = await open('not-null-pg18');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/lesson/not_null_pg18`);
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
    // The confident wrong belief: VALIDATE's own weak lock is what the transaction holds.
    await lockAnswer(page, /VALIDATE CONSTRAINT expenses_cost_center_check`? has run/, 'SHARE UPDATE EXCLUSIVE', 'Not rewritten');
    await confidence(page, 'validate-lock', 5);
    await lockAnswer(page, /After the valid CHECK/, 'ACCESS EXCLUSIVE', 'Not rewritten');
    await confidence(page, 'set-not-null-lock', 4);
    await page.getByRole('radio', { name: /^`?VALIDATE CONSTRAINT`?$/ }).check();
    await confidence(page, 'which-step-reads', 4);
    const schema = page.locator('#q-schema-at-head');
    await schema.getByRole('button', { name: '+ Column' }).click();
    await schema.getByLabel('Name of column new_column in expenses').fill('cost_center');
    await schema.getByLabel('Name of column new_column in expenses').press('Tab');
    await schema.getByLabel('Type of column cost_center in expenses').fill('character varying(20)');
    await schema.getByLabel('Type of column cost_center in expenses').press('Tab');
    await confidence(page, 'schema-at-head', 2);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    await runCommands(page, ['alembic upgrade +1', 'alembic upgrade +1']);
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });

    const validate = await verdict(page, /^Once `?ALTER TABLE expenses VALIDATE CONSTRAINT/);
    assert.match(validate, /Partly right/, `the lock is wrong, the rewrite right: ${validate}`);
    assert.match(validate, /ACCESS EXCLUSIVE/, `the trace's lock is named: ${validate}`);
    assert.match(await verdict(page, /^After the valid CHECK/), /Right/);
    await app.shot('not-null-pg18-run');
    await app.axe('not_null_pg18 run');

    await page.getByRole('button', { name: 'Go to Investigate' }).click();
    for (const [i, text] of ['A CHECK could be NOT VALID, a NOT NULL could not.', 'The ADD CONSTRAINT took ACCESS EXCLUSIVE in the same transaction.'].entries()) {
      await page.locator('.explain textarea').nth(i).fill(text);
    }
    await app.shot('investigate');
    const experiment = page.getByRole('article', { name: 'After a valid CHECK, SET NOT NULL reads nothing' });
    await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
    // Counted in the page's own PGlite: only VALIDATE read the table.
    await experiment.locator('.outcome').waitFor({ timeout: 30_000 });
    await experiment.scrollIntoViewIfNeeded();
    await app.shot('experiment');
    await experiment.locator('.outcome.right').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Go to Modify' }).click();

    await lockAnswer(page, /VALIDATE runs in a transaction that holds nothing/, 'SHARE UPDATE EXCLUSIVE', 'Not rewritten');
    await confidence(page, 'pg18-validate-lock', 4);
    await page.locator('#q-pg18-constraint-kind input.value-input').fill('n');
    await confidence(page, 'pg18-constraint-kind', 3);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByRole('textbox', { name: 'Your Modify migration' }).waitFor();
    await setEditor(page, 'Your Modify migration', lessonFile('not_null_pg18/modify/8e3f1c6a2b57_cost_center_not_null_pg18.py'));
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.locator('.checks li').first().waitFor({ timeout: 60_000 });
    const checks = await page.locator('.checks li').allTextContents();
    assert.ok(checks.every((c) => c.includes('pass')), checks.join('\n'));
    const right = page.locator('#q-pg18-validate-lock .verdict');
    await right.waitFor({ timeout: 30_000 });
    assert.match(await right.textContent(), /Right/);
    const timeline = page.getByRole('region', { name: /Locks taken by your migration/ }).first();
    const row = timeline.getByRole('table').first().getByRole('row').filter({ hasText: 'VALIDATE CONSTRAINT' }).first();
    assert.match(await row.textContent(), /expenses SHARE UPDATE EXCLUSIVE/);
    await timeline.scrollIntoViewIfNeeded();
    await app.shot('not-null-pg18-modify');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
