// Saved progress with two tabs open and a full disk: each save re-reads storage and replaces only its own lesson,
// another tab's save shows up through the `storage` event, and while damaged data cannot be set aside the page
// saves nothing (and says so) rather than write over it.
import { test } from 'node:test';
import { open, assert, BASE } from './lib.mjs';

const KEY = 'miglab.progress';

/// The lesson ids in the saved progress, as the browser holds it now.
const savedLessons = (page) => page.evaluate((key) => Object.keys(JSON.parse(localStorage.getItem(key) ?? '{}').lessons ?? {}).sort(), KEY);

/// Opens lesson `id` at its Predict stage, whose answers save as they are typed.
async function openLesson(page, id) {
  await page.goto(`${BASE}#/lesson/${id}`);
  await page.getByRole('heading', { name: 'Predict', level: 2 }).waitFor();
}

/// Types `value` as the answer to the value question both confidence_score and reconciler_run_id ask first.
const answer = (page, value) => page.locator('#q-existing-row-value input.value-input').fill(value);

test('progress from tab A survives a save in tab B, and tab B shows it', { timeout: 180_000 }, async () => {
  const app = await open('two-tabs');
  const { page: tabA } = app;
  const tabB = await tabA.context().newPage();
  try {
    // Tab A answers the first question of confidence_score; tab B, opened before that save, works on reconciler_run_id.
    await openLesson(tabA, 'confidence_score');
    await openLesson(tabB, 'reconciler_run_id');
    await answer(tabA, '7');
    await tabA.waitForFunction((key) => JSON.stringify(JSON.parse(localStorage.getItem(key) ?? '{}').lessons?.confidence_score ?? {}).includes('"7"'), KEY);
    await answer(tabB, '8');
    await tabB.waitForFunction((key) => JSON.stringify(JSON.parse(localStorage.getItem(key) ?? '{}').lessons?.reconciler_run_id ?? {}).includes('"8"'), KEY);
    // Tab B's save kept tab A's lesson, and tab A's next save keeps tab B's.
    assert.deepEqual(await savedLessons(tabB), ['confidence_score', 'reconciler_run_id']);
    await answer(tabA, '9');
    await tabA.waitForFunction((key) => JSON.stringify(JSON.parse(localStorage.getItem(key) ?? '{}').lessons?.confidence_score ?? {}).includes('"9"'), KEY);
    assert.deepEqual(await savedLessons(tabA), ['confidence_score', 'reconciler_run_id']);
    assert.match(await tabA.evaluate((key) => localStorage.getItem(key), KEY), /"8"/, "tab B's answer is still saved");
    // Tab B, never reloaded, heard tab A's saves: its catalog shows confidence_score in progress.
    await tabB.getByRole('link', { name: 'miglab', exact: true }).click();
    const card = tabB.locator('.lesson-card', { has: tabB.getByRole('link', { name: /Add confidence_score/ }) });
    await card.getByText('in progress').waitFor();
    await app.shot('tab-a-lesson');
    // After a reload both lessons are still there, each with its own answer.
    await tabB.reload();
    await tabB.locator('.course-path li').first().waitFor();
    assert.deepEqual(await savedLessons(tabB), ['confidence_score', 'reconciler_run_id']);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('a full disk stops saving with a message and never writes over data it could not set aside', { timeout: 120_000 }, async () => {
  const app = await open('full-disk');
  const { page } = app;
  try {
    // The quota as the browser reports it, but only for the set-aside copies: the main key itself could be written.
    await page.addInitScript(() => {
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        if (String(key).startsWith('miglab.progress.set-aside.') && !window.__roomAgain) {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return setItem.call(this, key, value);
      };
    });
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    const damaged = '{"version":1,"lessons":{"confidence_score":{"stage":"ru';
    await page.evaluate(([key, damaged]) => localStorage.setItem(key, damaged), [KEY, damaged]);
    await page.goto('about:blank');
    await page.goto(`${BASE}#/lesson/confidence_score`);
    await page.getByText('your progress is not being saved until there is room').waitFor();
    await app.shot('blocked');
    await app.axe('blocked');
    // The student keeps working; every save is refused with the same message, and the damaged data stays as it was.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await answer(page, '7');
    await page.getByText('your progress is not being saved until there is room').waitFor();
    assert.equal(await page.evaluate((key) => localStorage.getItem(key), KEY), damaged);
    // Room again: the next save first sets the damaged data aside, then saves.
    await page.evaluate(() => { window.__roomAgain = true; });
    await answer(page, '8');
    await page.getByText('saving has resumed').waitFor();
    const aside = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('miglab.progress.set-aside.')).map((k) => localStorage.getItem(k)));
    assert.deepEqual(aside, [damaged]);
    assert.deepEqual(await savedLessons(page), ['confidence_score']);
    await app.shot('resumed');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});

test('saved progress of the wrong shape is set aside with a message', { timeout: 120_000 }, async () => {
  const app = await open('wrong-shape');
  const { page } = app;
  try {
    await page.goto(BASE);
    await page.locator('.course-path li').first().waitFor();
    for (const [raw, words] of [['[1,2]', 'a list where miglab keeps an object'], ['{"version":1,"lessons":"confidence_score"}', 'text where miglab keeps its lessons']]) {
      await page.evaluate(([key, raw]) => { localStorage.clear(); localStorage.setItem(key, raw); }, [KEY, raw]);
      await page.reload();
      await page.getByText(words).waitFor();
      const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('miglab.progress.set-aside.')).map((k) => localStorage.getItem(k)));
      assert.deepEqual(kept, [raw]);
    }
    await app.shot('wrong-shape');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
  }
});
