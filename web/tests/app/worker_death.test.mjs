// The engine worker dies mid-session, on purpose: an uncaught error is thrown inside it, as a crash in PGlite would be.
// No hook in the page is needed: Playwright evaluates in the worker, and the page sees the death through the worker's
// real `error` event, as it would see a crash. The console must say so, the page keep working, the SQL the learner typed
// stay in the editor, the database come back at the last branch point, and the next statement run.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

/// Types `sql` into the console as a learner would (replacing what is there) and clicks Run.
async function run(page, sql) {
  const input = page.getByTestId('console-input');
  await input.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await page.getByTestId('console-run').click();
}

/// The engine's worker, the one the bridge adopted or started; there is exactly one.
function engineWorker(page) {
  const workers = page.workers().filter((w) => w.url().endsWith('/engine/worker.js'));
  assert.equal(workers.length, 1, `one engine worker, not ${workers.map((w) => w.url()).join(', ')}`);
  return workers[0];
}

/// Kills the engine worker with an uncaught error thrown inside it and waits until the page has let it go.
async function kill(page) {
  const worker = engineWorker(page);
  const closed = new Promise((resolve) => worker.once('close', resolve));
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('test: the engine worker crashed');
    });
  });
  await closed;
}

test('a dying engine worker restarts at the last branch point and the console keeps working', { timeout: 180_000 }, async () => {
  const app = await open('worker_death');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/console`);
    await waitForEngine(page);
    const output = page.getByTestId('console-output');

    // Work on the branch first, so there is something the restart takes back.
    await run(page, 'CREATE TABLE scratch (a int);\nINSERT INTO scratch VALUES (1), (2)');
    await output.getByText(/^Done in/).waitFor();
    await run(page, 'SELECT count(*) AS before_crash FROM scratch');
    await output.getByRole('columnheader', { name: 'before_crash' }).waitFor();
    await app.shot('before');

    await kill(page);

    // The learner, not knowing, runs their next statement: a clear message, and their SQL stays where it was.
    const typed = "SELECT 'after the crash' AS note,\n       to_regclass('scratch') IS NULL AS scratch_gone";
    await run(page, typed);
    const error = page.locator('[data-testid="console-error"][data-kind="engine"]');
    await error.waitFor({ timeout: 60_000 });
    const message = await error.innerText();
    assert.match(message, /The database engine stopped/);
    assert.match(message, /restarted at the last branch point/);
    assert.match(message, /Your SQL is still above: run it again\./);
    assert.equal(await page.getByTestId('console-input').inputValue(), typed, 'the SQL the learner typed is still in the editor');
    await waitForEngine(page);
    assert.equal(page.workers().filter((w) => w.url().endsWith('/engine/worker.js')).length, 1, 'a new engine worker runs');
    await app.shot('after-crash');
    await app.axe('after-crash');

    // The next statement runs, on the database of the last branch point (the boot image here: `scratch` is gone).
    await page.getByTestId('console-run').click();
    await output.getByRole('columnheader', { name: 'scratch_gone' }).waitFor();
    assert.deepEqual(await output.locator('tbody tr').first().locator('td').allInnerTexts(), ['after the crash', 't']);
    await run(page, 'CREATE TABLE scratch (a int);\nINSERT INTO scratch VALUES (3);\nSELECT count(*) AS after_restart FROM scratch');
    await output.getByRole('columnheader', { name: 'after_restart' }).waitFor();
    assert.deepEqual(await output.locator('tbody td').allInnerTexts(), ['1']);

    // A second death is handled the same way.
    await kill(page);
    await run(page, 'SELECT 1 AS second');
    await error.waitFor({ timeout: 60_000 });
    await page.getByTestId('console-run').click();
    await output.getByRole('columnheader', { name: 'second' }).waitFor();

    // The rest of the page still works: the catalog opens and lists the course.
    await page.getByRole('link', { name: 'miglab', exact: true }).click();
    await page.waitForURL(/#\/$/);
    await page.locator('a[href*="#/lesson/"]').first().waitFor();
    assert.equal(await page.locator('[data-testid="engine-status"]').getAttribute('data-state'), 'ready');
    await app.shot('catalog');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
