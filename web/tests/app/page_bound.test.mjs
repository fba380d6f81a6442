// Async work bound to the page that started it, and an engine that keeps serving: an experiment the learner walks
// away from never touches the next lesson's database, a worker whose answer cannot be posted keeps answering, and
// the code editor, once its bundle failed to load, loads on a later try without a reload.
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

/// Waits until the lesson's database is built and nothing is running.
async function idle(page) {
  await waitForEngine(page);
  await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 60_000 });
}

test('leaving a lesson mid-experiment does not disturb the next lesson', { timeout: 180_000 }, async () => {
  const app = await open('leave-mid-flow');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    const explanations = { 0: 'It takes a weaker lock so writes continue.', 1: 'It commits between its phases, so it cannot sit in a transaction.' };
    await page.evaluate((explanations) => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { index_concurrently: { stage: 'investigate', explanations } } })), explanations);
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/index_concurrently`);
    await idle(page);

    // This experiment is many engine calls: back to the branch point, `upgrade head`, the experiment, back again.
    // The learner starts it and, before it ends, opens the first lesson.
    const experiment = page.getByRole('article', { name: 'DROP INDEX CONCURRENTLY too' });
    await experiment.getByRole('button', { name: 'Run it on the branch' }).click();
    await page.evaluate(() => { location.hash = '#/lesson/confidence_score'; });

    // The first lesson builds its own database, undisturbed: no failure, and its schema to predict from.
    await page.getByLabel('Name of column id in expenses').first().waitFor({ timeout: 60_000 });
    await idle(page);
    assert.equal(await page.locator('.lesson .failure').count(), 0, await page.locator('.lesson .failure').allTextContents().then((t) => t.join('\n')));
    await app.shot('next-lesson');

    // The database under it is the first lesson's branch point: no index from the other lesson's `upgrade head`,
    // and alembic_version where the first lesson starts.
    await page.goto(`${BASE}#/console`);
    await waitForEngine(page);
    await run(page, "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename = 'expenses' AND indexname LIKE 'ix_expenses_%') AS other_lesson_indexes,\n       (SELECT version_num FROM alembic_version) AS revision");
    const output = page.getByTestId('console-output');
    await output.getByRole('columnheader', { name: 'other_lesson_indexes' }).waitFor();
    assert.deepEqual(await output.locator('tbody tr').first().locator('td').allInnerTexts(), ['0', '9f0e1d2c4b7a']);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('an answer the worker cannot post ends that call with a message, and the same worker answers the next', { timeout: 120_000 }, async () => {
  const app = await open('post-fails');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/console`);
    await waitForEngine(page);
    const workers = page.workers().filter((w) => w.url().endsWith('/engine/worker.js'));
    assert.equal(workers.length, 1);
    const [worker] = workers;
    let closed = false;
    worker.once('close', () => { closed = true; });
    // The next answer cannot be copied to the page, as a value the structured clone refuses would be.
    await worker.evaluate(() => {
      const post = self.postMessage.bind(self);
      let fail = true;
      self.postMessage = (message, ...rest) => {
        // Only the statement's own answer (the console first counts what a statement would destroy).
        if (fail && message && message.ok !== undefined && JSON.stringify(message).includes('first')) {
          fail = false;
          throw new DOMException('the answer could not be cloned', 'DataCloneError');
        }
        return post(message, ...rest);
      };
    });
    await run(page, 'SELECT 1 AS first');
    const error = page.locator('[data-testid="console-error"][data-kind="engine"]');
    await error.waitFor({ timeout: 30_000 });
    assert.match(await error.innerText(), /the answer could not be sent/);
    await app.shot('post-failed');

    // The next statement is answered by the same worker: nothing was terminated or restarted.
    await run(page, 'SELECT 2 AS second');
    const output = page.getByTestId('console-output');
    await output.getByRole('columnheader', { name: 'second' }).waitFor();
    assert.deepEqual(await output.locator('tbody td').allInnerTexts(), ['2']);
    assert.equal(await worker.evaluate(() => 'alive'), 'alive');
    assert.equal(closed, false, 'the worker was not terminated');
    assert.equal(await page.locator('[data-testid="engine-status"]').getAttribute('data-state'), 'ready');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a code editor that does not load falls back to a text box, and a later page loads it', { timeout: 120_000 }, async () => {
  const app = await open('editor-down');
  const { page } = app;
  try {
    // The connection drops for the editor bundle only.
    await page.route('**/editor/miglab-editor.js*', (route) => route.abort('internetdisconnected'));
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await page.getByText('The code editor could not load').first().waitFor({ timeout: 60_000 });
    await app.shot('fallback');
    // Back online: the next page with an editor imports the bundle again, without a reload.
    await page.unroute('**/editor/miglab-editor.js*');
    await page.getByRole('link', { name: /Course/ }).first().click();
    await page.locator('.course-path li').first().waitFor();
    await page.getByRole('link', { name: /reconciler_run_id/ }).first().click();
    await page.locator('.cm-editor').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.getByText('The code editor could not load').count(), 0);
    await app.shot('editor-back');
  } finally {
    await app.close();
  }
});

test('an early worker that never finishes booting is given up, and the engine boots on its own', { timeout: 240_000 }, async () => {
  const app = await open('preboot-hangs');
  const { page } = app;
  try {
    // index.html starts a worker before the app loads; here its boot never reports back, as a hung worker would not.
    await page.addInitScript(() => {
      Object.defineProperty(globalThis, 'miglabPreboot', {
        configurable: true,
        get: () => undefined,
        set(pre) {
          if (pre) pre.ready = new Promise(() => {});
          Object.defineProperty(globalThis, 'miglabPreboot', { value: pre, writable: true, configurable: true });
        },
      });
    });
    await page.goto(`${BASE}#/console`);
    // The bridge waits as long as a boot of its own may take, then boots its own worker.
    await page.locator('[data-testid="engine-status"][data-state="ready"]').waitFor({ timeout: 150_000 });
    await run(page, 'SELECT 41 + 1 AS answer');
    await page.getByTestId('console-output').getByRole('columnheader', { name: 'answer' }).waitFor();
    assert.deepEqual(await page.getByTestId('console-output').locator('tbody td').allInnerTexts(), ['42']);
    assert.equal(page.workers().filter((w) => w.url().endsWith('/engine/worker.js')).length, 1, 'the early worker was terminated');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a lost worker takes the lesson back to its branch point, and the page says so', { timeout: 180_000 }, async () => {
  const app = await open('lost-worker-lesson');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    await page.evaluate(() => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { confidence_score: { stage: 'run', locked: ['predict'] } } })));
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await idle(page);
    await page.getByRole('button', { name: 'alembic upgrade head' }).click();
    await page.getByRole('log', { name: 'Alembic log' }).getByText(/Running upgrade 9f0e1d2c4b7a -> ab12cd34e5f6/).waitFor({ timeout: 60_000 });
    await idle(page);
    await page.getByRole('button', { name: 'alembic current' }).click();
    await page.getByLabel('Output of alembic current').getByText('ab12cd34e5f6 (head)').waitFor();

    // The worker dies; the learner's next statement finds out, and the engine comes back at the branch point.
    const [worker] = page.workers().filter((w) => w.url().endsWith('/engine/worker.js'));
    const closed = new Promise((resolve) => worker.once('close', resolve));
    await worker.evaluate(() => { setTimeout(() => { throw new Error('test: the engine worker crashed'); }); });
    await closed;
    await page.getByText('SQL console on this branch').click();
    await run(page, 'SELECT 1 AS after_crash');
    await page.locator('[data-testid="console-error"][data-kind="engine"]').waitFor({ timeout: 60_000 });

    // The page no longer claims the upgrade is applied: its run state is back at the branch point, and it says why.
    await page.getByText('The database engine restarted').waitFor({ timeout: 60_000 });
    await idle(page);
    await page.getByRole('button', { name: 'alembic current' }).click();
    await page.getByLabel('Output of alembic current').getByText('9f0e1d2c4b7a').waitFor();
    assert.equal(await page.getByLabel('Output of alembic current').innerText(), '9f0e1d2c4b7a');
    await app.shot('back-at-branch-point');
    // And the upgrade runs again from there.
    await page.getByRole('button', { name: 'alembic upgrade head' }).click();
    const log = page.getByRole('log', { name: 'Alembic log' });
    await page.waitForFunction(() => (document.querySelector('pre.log')?.textContent.match(/Running upgrade 9f0e1d2c4b7a -> ab12cd34e5f6/g) ?? []).length === 2, null, { timeout: 60_000 });
    await idle(page);
    assert.doesNotMatch(await log.innerText(), /ERROR/);
    assert.equal(await page.locator('.lesson .failure').filter({ hasText: 'Postgres refused' }).count(), 0);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

