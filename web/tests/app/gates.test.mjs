// drop_guard's mastery gate by structure, never by keywords: the refusal is graded on the preconditions picked,
// and the approval opens only when what the learner confirms matches what the migration did on the branch.
import { test } from 'node:test';
import { open, waitForEngine, setEditor, lessonFile, confirmRun, demand, assert, BASE, writeItMyself } from './lib.mjs';

const MAKE = lessonFile('drop_guard/make/2e7c5b1f8a90_archive_legacy_notes.py');

/// drop_guard at its Make stage, from saved progress; a full load, so the running page cannot save over it.
async function atMake(page) {
  await page.goto(BASE);
  await page.locator('.course-path li').first().waitFor();
  await page.evaluate(() => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { drop_guard: { stage: 'make' } } })));
  await page.goto('about:blank');
  await page.goto(`${BASE}#/lesson/drop_guard`);
  await waitForEngine(page);
  // The agent's drafts are the stage's default; these learners write the migration themselves.
  await writeItMyself(page);
}

/// Arms the guard on the lesson's destructive migration and waits for the engine's count of what it would destroy.
async function armGuard(page) {
  await page.getByRole('button', { name: 'Run its upgrade on the branch' }).click();
  await page.locator('.guard .at-stake').getByText('26 non-null values').waitFor({ timeout: 30_000 });
}

test('drop_guard: a refusal is graded on the preconditions picked, never on its words', { timeout: 240_000 }, async () => {
  const app = await open('gates-refusal');
  const { page } = app;
  try {
    // Only a branch picked: refused, but not credited as right, and the missing two are named.
    await atMake(page);
    await demand(page, 'A branch');
    await armGuard(page);
    assert.match(await page.locator('.guard .at-stake').textContent(), /26 non-null values of expenses\.memo would be lost/);
    // No grade without a confidence: both answers wait for it.
    assert.equal(await page.getByRole('button', { name: 'Refuse this migration' }).isDisabled(), true);
    await page.locator('.refuse .confidence-level').nth(3).click();
    await page.getByRole('button', { name: 'Refuse this migration' }).click();
    const partly = page.locator('.refuse .verdict');
    await partly.waitFor();
    const text = await partly.textContent();
    assert.doesNotMatch(text, /^Right/);
    assert.match(text, /You did not ask for this precondition: a backup of the data at stake/);
    assert.match(text, /You did not ask for this precondition: an explicit, written approval/);
    assert.doesNotMatch(text, /precondition: a branch/);
    await app.shot('refusal-one-precondition');

    // "I need no backup" with nothing picked: the words name branch, backup and approval, and earn nothing for it.
    await atMake(page);
    await page.getByLabel(/Your reasons/).fill('I need no backup, no branch and no approval: it is fine.');
    await page.locator('.refuse .confidence-level').nth(4).click();
    await armGuard(page);
    await page.getByRole('button', { name: 'Refuse this migration' }).click();
    await page.locator('.refuse .verdict').waitFor();
    const negation = await page.locator('.refuse .verdict').textContent();
    assert.doesNotMatch(negation, /^Right/);
    assert.match(negation, /25% credit/);
    assert.match(negation, /a branch of the current database/);
    await app.shot('refusal-negation');

    // All three preconditions, no trap: right.
    await atMake(page);
    await demand(page, 'A branch', 'A backup', 'An explicit');
    await page.locator('.refuse .confidence-level').nth(4).click();
    await armGuard(page);
    await page.getByRole('button', { name: 'Refuse this migration' }).click();
    await page.locator('.refuse .verdict.right').waitFor();
    assert.match(await page.locator(".refuse .verdict").textContent(), /100% credit/);
    await app.shot('refusal-full');
    await app.axe('refusal');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('drop_guard: the approval is checked against the run on the branch', { timeout: 240_000 }, async () => {
  const app = await open('gates-approval');
  const { page } = app;
  try {
    await atMake(page);
    await setEditor(page, 'Your Make migration', MAKE);
    await page.getByRole('button', { name: /Run upgrade, downgrade, upgrade/ }).click();
    await page.waitForFunction(() => {
      const checks = [...document.querySelectorAll('.checks li')];
      return checks.length > 0 && checks.every((li) => li.classList.contains('pass'));
    }, null, { timeout: 60_000 });
    // The run's consequences, rows included: the archive fills with the 16 notes.
    await page.getByRole('region', { name: /Your migration on the branch: upgrade 2e7c5b1f8a90/ }).getByText('expenses_legacy_notes_archive: 0 → 16 rows').waitFor();

    // The statements come from the run: each true change beside its inverse.
    const upgrade = page.getByRole('group', { name: 'What upgrade() did' });
    assert.deepEqual(await upgrade.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => b.labels[0].textContent)), [
      'creates the table expenses_legacy_notes_archive',
      'drops the table expenses_legacy_notes_archive',
      'fills expenses_legacy_notes_archive with 16 rows',
      'leaves expenses_legacy_notes_archive empty',
    ]);

    // A wrong confirmation: the archive dropped by upgrade() and created by downgrade(). A reflection that says the right words does not help.
    await confirmRun(page, { upgrade: [/drops the table/, /fills/], downgrade: [/creates the table/] });
    await page.getByLabel(/Your reflection/).fill('I read this migration. upgrade() creates expenses_legacy_notes_archive and copies 16 notes; downgrade() drops it. I tested both on branch drop-legacy-notes-rehearsal.');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const refused = page.locator('.approval [role="alert"]');
    await refused.waitFor();
    assert.equal(
      await refused.textContent(),
      'Not approved yet. Under upgrade(), you ticked 1 statement that the run did not do, and left out 1 statement that it did. Under downgrade(), you ticked 1 statement that the run did not do, and left out 1 statement that it did.',
    );
    assert.equal(await page.getByText('Approved.').count(), 0);
    await app.shot('approval-wrong');

    // The right confirmation.
    await upgrade.getByRole('checkbox', { name: /drops the table/ }).uncheck();
    await page.getByRole('group', { name: 'What downgrade() did' }).getByRole('checkbox', { name: /creates the table/ }).uncheck();
    await confirmRun(page, { upgrade: [/creates the table/], downgrade: [/drops the table/] });
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText('Approved.').waitFor();
    await app.shot('approval-right');
    await app.axe('approval');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
