// posts_table's Modify question sets up its own rows before the query that answers it (setup statements, then the
// query whose first value is the answer). Once locked, the student runs it on the engine and sees what Postgres says.
import { test } from 'node:test';
import { open, waitForEngine, confidence, assert, BASE } from './lib.mjs';

test('a locked value question runs its setup and query on the engine', { timeout: 120_000 }, async () => {
  const app = await open('posts-table');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    await page.evaluate(() => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { posts_table: { stage: 'modify' } } })));
    // A full load, not a hash change: the running page would save its own progress over the one set here.
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/posts_table`);
    await waitForEngine(page);
    await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });

    const question = page.locator('#q-cascade-delete');
    assert.equal(await question.getByRole('button', { name: 'Run it on the engine' }).count(), 0, 'nothing runs the answer before it is locked');
    await question.locator('input.value-input').fill('0');
    await confidence(page, 'cascade-delete', 4);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await question.locator('.verdict.right').waitFor();
    await question.getByRole('button', { name: 'Run it on the engine' }).click();
    // Sent as one text, the four statements would fail as a single prepared query; split, the INSERTs and the DELETE
    // run first and the last SELECT answers. (The order itself is checked natively: lab::test::value_setup_then_query_ok.)
    await question.getByText('Postgres gives 0, as the key says.').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('.busy'), null, { timeout: 30_000 });
    assert.equal(await page.locator('.lesson .failure').count(), 0, await page.locator('.lesson .failure').allTextContents().then((t) => t.join('\n')));
    await app.shot('modify-engine-value');
    await app.axe('modify engine value');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
