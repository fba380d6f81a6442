// Make with the agent's drafts in reconciler_run_id: the brief checked field by field, a prepared draft reviewed before it
// runs, run on the branch, and the verdict graded against the engine. One learner misses the flaw and approves it; another
// marks its line and refuses it. The draft handed over first drops the column before its index in downgrade() (lines 25–26).
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

/// Opens reconciler_run_id's Make stage, sends a brief (first blank, then with a wrong type, then right) and asks for a draft.
async function briefAndDraft(app) {
  const { page } = app;
  await page.goto(BASE);
  await page.getByRole('link', { name: /reconciler_run_id/ }).first().click();
  await waitForEngine(page);
  await page.getByRole('navigation', { name: 'PRIMM stages' }).getByRole('button', { name: /Make/ }).click();
  const brief = page.getByRole('form', { name: 'Your brief for the agent' });
  await brief.waitFor();
  // A blank brief does not reach the agent, and the message names every field.
  await page.getByRole('button', { name: 'Send the brief to the agent' }).click();
  const blank = await page.getByRole('alert').textContent();
  for (const part of ['one sentence in business English', 'Name the table', 'Name the column', "Give the column's type", 'may hold NULL', 'gets an index']) {
    assert.ok(blank.includes(part), `${part} in: ${blank}`);
  }
  await page.getByLabel(/Your brief, one sentence/).fill('Link each expense to the reconciler run that matched it, so finance can trace a match back to its run.');
  await brief.getByLabel('Table', { exact: true }).fill('expenses');
  await brief.getByLabel('Column', { exact: true }).fill('reconciler_run_id');
  await brief.getByLabel(/^Type/).fill('varchar(40)');
  await brief.getByRole('group', { name: 'May it hold NULL?' }).getByRole('radio', { name: 'Yes' }).check();
  await brief.getByRole('group', { name: 'Does it get an index of its own?' }).getByRole('radio', { name: 'Yes' }).check();
  await page.getByRole('button', { name: 'Send the brief to the agent' }).click();
  const wrongType = await page.getByRole('alert').textContent();
  assert.match(wrongType, /The type `?varchar\(40\)`? \(Postgres calls it `?character varying\(40\)`?\) is not the type the brief asks for/);
  assert.doesNotMatch(wrongType, /table|column `/i, 'only the field that disagrees is named');
  await app.shot('brief-wrong-type');
  await app.axe('brief');
  // `UUID` is how the learner writes it; the catalog calls it `uuid`.
  await brief.getByLabel(/^Type/).fill('UUID');
  await page.getByRole('button', { name: 'Send the brief to the agent' }).click();
  await page.getByRole('button', { name: 'Ask the agent for a draft' }).click();
  const draft = page.getByRole('article', { name: /The agent's draft/ });
  await draft.getByText('A prepared draft', { exact: false }).first().waitFor({ timeout: 30_000 });
  assert.match(await draft.getByRole('heading').first().textContent(), /fca1b0fe4f59/);
  // The blank review does not lock, and says what is missing.
  await draft.getByRole('button', { name: 'Lock my review' }).click();
  assert.match(await draft.getByRole('alert').textContent(), /Before you lock your review, mark the line you think is wrong, or say you find no flaw; tick what upgrade\(\) does; say whether downgrade\(\) gives back the starting schema and rows; pick a confidence\./);
  return draft;
}

/// Ticks statements of the review's `legend` group by pattern.
async function say(draft, legend, patterns) {
  const group = draft.getByRole('group', { name: legend });
  for (const pattern of patterns) await group.getByRole('checkbox', { name: pattern }).check();
}

/// Runs the locked draft on the branch and waits for its checks.
async function runDraft(page, draft) {
  await draft.getByRole('button', { name: /Run the draft/ }).click();
  await draft.getByRole('list', { name: 'Checks' }).waitFor({ timeout: 60_000 });
  const checks = await draft.getByRole('list', { name: 'Checks' }).textContent();
  // The engine's own check: the column went first and took its index along, so the drop_index failed.
  assert.match(checks, /fail: downgrade\(\) order.*42704/s);
  await draft.getByText(/The draft on the branch: upgrade/).first().waitFor();
  return checks;
}

test('the agent\'s flawed draft approved at full confidence is graded Wrong with the failing check', { timeout: 300_000 }, async () => {
  const app = await open('agent_draft_missed');
  const { page } = app;
  try {
    const draft = await briefAndDraft(app);
    await app.shot('draft-handed');
    await app.axe('draft');
    // The learner misses the flaw: no line marked, a downgrade read as if it worked, certain.
    await draft.getByRole('checkbox', { name: 'I find no flaw in this draft' }).check();
    await say(draft, 'What upgrade() does: tick each true statement', [/adds the column reconciler_run_id/, /adds the index ix_expenses_reconciler_run_id/]);
    await say(draft, 'What downgrade() does: tick each true statement', [/drops the column reconciler_run_id/, /drops the index ix_expenses_reconciler_run_id/]);
    await draft.getByRole('group', { name: 'Does downgrade() give back the starting schema and rows?' }).getByRole('radio', { name: 'Yes' }).check();
    await draft.locator('.confidence-level').nth(4).click();
    await draft.getByRole('button', { name: 'Lock my review' }).click();
    await draft.getByText('Your review is locked').waitFor();
    assert.equal(await draft.getByRole('checkbox', { name: 'I find no flaw in this draft' }).isDisabled(), true);
    await runDraft(page, draft);
    // Approving confirms what the engine did, as the gate always asks: the upgrade's two changes, and no round trip.
    const decision = page.getByRole('region', { name: 'Approve it, or refuse it' });
    const up = decision.getByRole('group', { name: 'What upgrade() did' });
    await up.getByRole('checkbox', { name: /adds the column reconciler_run_id/ }).check();
    await up.getByRole('checkbox', { name: /adds the index ix_expenses_reconciler_run_id/ }).check();
    await decision.getByRole('group', { name: 'Does downgrade() give back the starting schema and rows?' }).getByRole('radio', { name: 'No' }).check();
    await app.shot('draft-ran');
    await decision.getByRole('button', { name: 'Approve this draft' }).click();
    const verdict = page.getByRole('region', { name: 'Your verdict on the draft' });
    await verdict.waitFor();
    const text = await verdict.textContent();
    assert.match(text, /You approved this draft\./);
    assert.match(text, /Wrong — 0% credit at confidence 5 \(certain\), mark -10/);
    assert.match(text, /You approved a draft that fails on the engine: .*downgrade\(\) order.*42704/s);
    assert.match(text, /You found no flaw; it is on lines 25, 26\./);
    assert.match(text, /What the draft gets wrong \(lines 25, 26\)/);
    assert.equal(await page.getByText('Mastery gate passed').count(), 0, 'a flawed draft never passes the gate');
    await app.shot('draft-missed-graded');
    await app.axe('verdict');
    // The review and the verdict are saved with the lesson's progress.
    await page.reload();
    await waitForEngine(page);
    await page.getByRole('region', { name: 'Your verdict on the draft' }).getByText(/mark -10/).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('checkbox', { name: 'I find no flaw in this draft' }).isChecked(), true);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('the agent\'s flawed draft refused on its marked line is graded Right, and the fix comes next', { timeout: 300_000 }, async () => {
  const app = await open('agent_draft_found');
  const { page } = app;
  try {
    const draft = await briefAndDraft(app);
    // The learner reads the downgrade: the column goes first and takes its index, so the drop_index on line 26 fails.
    await draft.getByRole('checkbox', { name: /^Line 25: / }).check();
    await say(draft, 'What upgrade() does: tick each true statement', [/adds the column reconciler_run_id/, /adds the index ix_expenses_reconciler_run_id/]);
    await say(draft, 'What downgrade() does: tick each true statement', [/stops with an error/]);
    await draft.getByRole('group', { name: 'Does downgrade() give back the starting schema and rows?' }).getByRole('radio', { name: 'No' }).check();
    await draft.locator('.confidence-level').nth(3).click();
    await app.shot('draft-line-marked');
    await draft.getByRole('button', { name: 'Lock my review' }).click();
    await runDraft(page, draft);
    await page.getByRole('region', { name: 'Approve it, or refuse it' }).getByRole('button', { name: 'Refuse this draft' }).click();
    const verdict = page.getByRole('region', { name: 'Your verdict on the draft' });
    await verdict.waitFor();
    const text = await verdict.textContent();
    assert.match(text, /You refused this draft\./);
    assert.match(text, /Right — 100% credit at confidence 4 \(sure\), mark \+10/);
    assert.match(text, /drops the column first, and Postgres drops `?ix_expenses_reconciler_run_id`? along with it/);
    await app.shot('draft-found-graded');
    await app.axe('refused');
    // After a refusal the agent hands over its fix.
    await page.getByRole('button', { name: 'Ask the agent for another draft' }).click();
    await page.getByRole('article', { name: /The agent's draft: drafts\/3965c5f901af/ }).waitFor({ timeout: 30_000 });
    await app.shot('draft-fix-handed');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
