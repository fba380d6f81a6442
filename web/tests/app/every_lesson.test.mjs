// Every lesson in the course opens, builds its database on the engine, and its Predict stage passes axe.
import { test } from 'node:test';
import { open, waitForEngine, assert, BASE } from './lib.mjs';

test('every lesson opens on the engine', { timeout: 300_000 }, async () => {
  const app = await open('every-lesson');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    const ids = await page.locator('.course-path li h2 a').evaluateAll((links) => links.map((a) => a.getAttribute('href').replace('#/lesson/', '')));
    assert.ok(ids.length >= 2, `lessons: ${ids}`);
    assert.equal(await page.locator('.lesson-card.unavailable').count(), 0, await page.locator('.lesson-card.unavailable').allTextContents().then((t) => t.join('\n')));
    for (const id of ids) {
      await page.goto(`${BASE}#/lesson/${id}`);
      await waitForEngine(page);
      await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
      // The lesson's database is built once the busy line goes and nothing waits for it.
      await page.waitForFunction(() => !document.querySelector('.busy') && !document.body.textContent.includes('fills in once Postgres'), null, { timeout: 30_000 });
      assert.equal(await page.locator('.lesson .failure').count(), 0, `${id}: ${await page.locator('.lesson .failure').allTextContents()}`);
      await app.shot(id);
      await app.axe(id);
    }
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
