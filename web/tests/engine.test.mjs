// The engine in the built page: Postgres answers through the console, errors keep their SQLSTATE,
// and a runaway statement is stopped at the limit while the page keeps responding.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './app/lib.mjs';

/// Opens the SQL console page with the engine ready and a seeded `expenses` table.
async function console_(name) {
  const app = await open(name);
  const { page } = app;
  await page.goto(`${BASE}#/console`);
  await waitForEngine(page);
  await run(page, 'CREATE TABLE expenses (id int PRIMARY KEY); INSERT INTO expenses SELECT generate_series(1, 40)');
  await page.getByTestId('console-result').waitFor();
  return app;
}

async function run(page, sql) {
  await page.getByTestId('console-input').fill(sql);
  await page.getByTestId('console-run').click();
}

test('a statement typed in the console is answered by Postgres on screen', async () => {
  const app = await console_('engine-console');
  const { page } = app;
  try {
    await run(page, "SELECT 6 * 7 AS answer, 'Postgres ' || current_setting('server_version_num') AS who");
    const result = page.getByTestId('console-result');
    await result.waitFor();
    assert.equal(await result.locator('th').first().innerText(), 'answer');
    assert.equal(await result.locator('td').first().innerText(), '42');
    assert.match(await result.locator('td').nth(1).innerText(), /^Postgres 18\d{4}$/);
    await app.shot('answered');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a Postgres error shows its SQLSTATE and position, and the typed SQL stays', async () => {
  const app = await console_('engine-error');
  const { page } = app;
  try {
    const sql = 'SELECT 1;\nSELECT nope FROM expenses';
    await run(page, sql);
    const error = page.getByTestId('console-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-sqlstate'), '42703');
    assert.match(await error.innerText(), /ERROR 42703: column "nope" does not exist at line 2, column 8/);
    assert.equal(await page.getByTestId('console-input').inputValue(), sql);
    await run(page, 'SELECT count(*) FROM expenses');
    await page.getByTestId('console-result').waitFor();
    await app.shot('error-then-query');
  } finally {
    await app.close();
  }
});

test('SELECT pg_sleep(30) is stopped at the limit while the page keeps responding', async () => {
  const app = await console_('engine-runaway');
  const { page } = app;
  try {
    const started = Date.now();
    await run(page, 'SELECT pg_sleep(30)');
    await page.locator('[data-testid="console"][data-running="true"]').waitFor();
    // The main thread is free: script runs, and the learner can keep typing while Postgres is busy in its worker.
    const ping = Date.now();
    assert.equal(await page.evaluate(() => 6 * 7), 42);
    assert.ok(Date.now() - ping < 1000, 'the page answered within a second');
    await page.getByTestId('console-input').fill('SELECT 1 AS still_here');
    const error = page.getByTestId('console-error');
    await error.waitFor({ timeout: 20_000 });
    const stopped = Date.now() - started;
    assert.equal(await error.getAttribute('data-kind'), 'engine');
    assert.match(await error.innerText(), /still running after 5000 ms/);
    assert.ok(stopped < 15_000, `stopped after ${stopped} ms`);
    assert.equal(await page.getByTestId('console-input').inputValue(), 'SELECT 1 AS still_here');
    await page.locator('[data-testid="engine-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('console-run').click();
    const result = page.getByTestId('console-result');
    await result.waitFor({ timeout: 20_000 });
    assert.equal(await result.locator('td').first().innerText(), '1');
    // The database came back at the last branch point, the untouched image taken at boot, so the table made since is gone.
    await run(page, "SELECT coalesce(to_regclass('expenses')::text, 'gone') AS expenses");
    await page.getByTestId('console-result').getByRole('cell', { name: 'gone' }).waitFor();
    await app.shot('after-runaway');
  } finally {
    await app.close();
  }
});
