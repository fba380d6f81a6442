// index_concurrently's Investigate experiments marked `in_transaction = true` run inside one migration transaction,
// as Alembic runs a migration without autocommit_block(), so CONCURRENTLY fails with 25001 as `miglab check` says.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

test('CONCURRENTLY inside a migration transaction fails with 25001', { timeout: 120_000 }, async () => {
  const app = await open('index-concurrently');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    const explanations = { 0: 'It takes a weaker lock so writes continue.', 1: 'It commits between its phases, so it cannot sit in a transaction.' };
    await page.evaluate((explanations) => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { index_concurrently: { stage: 'investigate', explanations } } })), explanations);
    // A full load, not a hash change: the running page would save its own progress over the one set here.
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/index_concurrently`);
    await waitForEngine(page);
    await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });

    for (const [title, statement] of [['CONCURRENTLY inside a transaction', 'CREATE INDEX CONCURRENTLY'], ['DROP INDEX CONCURRENTLY too', 'DROP INDEX CONCURRENTLY']]) {
      const experiment = page.getByRole('article', { name: title });
      await experiment.getByText('Runs inside one migration transaction').waitFor();
      await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
      await experiment.getByText('SQLSTATE: 25001').waitFor({ timeout: 30_000 });
      await experiment.getByText(`${statement} cannot run inside a transaction block`).first().waitFor();
      assert.equal(await experiment.locator('.outcome.right').count(), 1, `${title}: ${await experiment.locator('.outcome').textContent()}`);
      await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
    }
    await app.shot('investigate-25001');
    await app.axe('investigate 25001');
    // The failed transaction left nothing behind: the branch has no new index.
    assert.equal(await page.locator('.lesson .failure').filter({ hasNotText: '25001' }).count(), 0);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
