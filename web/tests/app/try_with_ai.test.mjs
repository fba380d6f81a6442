// Try With AI (issue 15): a lesson's prompts for the learner's own assistant stay hidden until the Predict answers
// are locked, apart from the AI-free questions, and are copied to the clipboard, never sent anywhere.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

test('drop_guard: Try with AI appears once Predict is locked, and its prompt is copied as written', { timeout: 120_000 }, async () => {
  const app = await open('try-with-ai');
  const { page } = app;
  try {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${BASE}#/lesson/drop_guard`);
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Try with AI' }).count(), 0, 'hidden while Predict is open');

    await page.evaluate(() => localStorage.setItem('miglab.progress', JSON.stringify({ version: 1, lessons: { drop_guard: { stage: 'run', locked: ['predict'] } } })));
    await page.reload();
    await waitForEngine(page);
    await page.getByRole('heading', { name: 'Try with AI' }).waitFor();
    const prompt = page.getByRole('article', { name: 'Ask for the preconditions before a drop' });
    const shown = await prompt.locator('pre').textContent();
    assert.match(shown, /drops the `legacy_notes` column/);
    const before = requests.length;
    await prompt.getByRole('button', { name: /^Copy/ }).click();
    await prompt.getByRole('status').getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown, 'the prompt is copied exactly as shown');
    assert.deepEqual(requests.slice(before), [], 'copying sends nothing anywhere');
    await prompt.scrollIntoViewIfNeeded();
    await app.shot('copied');
    await app.axe('try with ai');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
