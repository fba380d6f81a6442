// A lesson pack from a second origin: `miglab pack` writes the course, a small static server on another port serves
// it with CORS, the page opens it with `?pack=`, a lesson is taken from it (Predict answered, locked, and graded on the
// engine) with its progress kept apart from the built-in course's, and packs that are altered, too big or not JSON
// are refused with a message saying what and where. A pack whose key the engine contradicts is checked on the engine
// the first time its lesson opens: the question says so and is not graded against.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, waitForEngine, answerConfidenceScorePredict, assert, BASE, ROOT } from './lib.mjs';

/// Serves `files` (name → bytes) on 127.0.0.1 at a free port, allowing any origin to read them, as a static host
/// configured for packs does; resolves to `{ url, close }`.
async function packHost(files) {
  const server = createServer((request, response) => {
    const name = new URL(request.url, 'http://x').pathname.slice(1);
    const body = files[name];
    if (body === undefined) return response.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end('not found');
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Access-Control-Allow-Origin': '*' });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/// The course in lessons/ as `miglab pack` writes it, with the id `reconciler`; `edit` may change a copy of the
/// lessons folder first, as an instructor's mistake would.
function packedCourse(edit) {
  const dir = mkdtempSync(join(tmpdir(), 'miglab-pack-'));
  try {
    const out = join(dir, 'reconciler.miglab.json');
    let lessons = join(ROOT, 'lessons');
    if (edit) {
      lessons = join(dir, 'lessons');
      cpSync(join(ROOT, 'lessons'), lessons, { recursive: true });
      edit(lessons);
    }
    execFileSync('cargo', ['run', '--quiet', '--offline', '-p', 'miglab-cli', '--', 'pack', lessons, '-o', out, '--id', 'reconciler'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const withPack = (url) => `${BASE}?pack=${encodeURIComponent(url)}`;

test('a lesson pack from another origin opens beside the course, and a lesson is taken from it', { timeout: 300_000 }, async () => {
  const good = packedCourse();
  const altered = JSON.parse(good.toString('utf8'));
  altered.bundle.course.title = 'The Reconciler, edited in transit';
  const host = await packHost({
    'reconciler.miglab.json': good,
    'altered.miglab.json': Buffer.from(JSON.stringify(altered)),
    'big.miglab.json': Buffer.alloc(5 * 1024 * 1024, 32),
    'notes.txt': Buffer.from('These are not the lessons you are looking for.\n'),
  });
  const app = await open('lesson_pack');
  const { page } = app;
  try {
    const packUrl = `${host.url}reconciler.miglab.json`;
    await page.goto(withPack(packUrl));
    const pack = page.getByRole('region', { name: 'Lesson pack' });
    await pack.getByText(`Lesson pack \`reconciler\` from ${packUrl}`).waitFor({ timeout: 30_000 });
    // The pack's own catalog, and the built-in course still below it.
    // Every lesson of the folder the pack was made from, each listed in course.toml.
    const listed = readFileSync(join(ROOT, 'lessons', 'course.toml'), 'utf8').match(/^lessons = \[([^\]]*)\]/m)[1].match(/"[^"]+"/g).length;
    assert.equal(await pack.locator('.course-path > li').count(), listed);
    await page.getByRole('region', { name: 'Lesson pack' }).getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.locator('.course-path').count(), 2, 'the pack and the built-in course');
    await app.shot('catalog-with-pack');
    await app.axe('catalog with a pack');

    await pack.getByRole('link', { name: /Add confidence_score/ }).first().click();
    await page.waitForURL(/#\/pack\/confidence_score$/);
    await waitForEngine(page);
    await page.getByLabel('Name of column id in expenses').first().waitFor({ timeout: 30_000 });
    // Predict: two schema answers (one wrong), a wrong value and a right count, each with a confidence.
    await answerConfidenceScorePredict(page);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    for (const command of ['alembic upgrade head', 'alembic downgrade -1']) {
      await page.waitForFunction(() => !document.querySelector('.busy'));
      await page.getByRole('button', { name: command }).click();
      await page.waitForFunction((c) => document.querySelector('.log')?.textContent.includes(`$ ${c}`) && !document.querySelector('.busy'), command);
    }
    // Graded on the engine: what the run did, not what the pack says.
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });
    const verdicts = await page.locator('.verdicts tbody tr').allTextContents();
    assert.ok(verdicts.some((v) => v.startsWith('Which columns will') && v.includes('Right')), verdicts.join('\n'));
    assert.ok(verdicts.some((v) => v.startsWith('Expense 1 already exists') && v.includes('Wrong')), verdicts.join('\n'));
    await app.shot('pack-lesson-graded');

    // Progress is saved under the pack's id and hash, never under the built-in lesson's key.
    const keys = await page.evaluate(() => Object.keys(JSON.parse(localStorage.getItem('miglab.progress')).lessons));
    assert.deepEqual(keys.filter((k) => k.endsWith('confidence_score')).length, 1, keys.join(', '));
    assert.match(keys.find((k) => k.endsWith('confidence_score')), /^pack:reconciler@[0-9a-f]{16}\/confidence_score$/);
    await page.getByRole('link', { name: 'miglab' }).click();
    const packCard = pack.locator('.lesson-card', { hasText: 'Add confidence_score' });
    await packCard.getByText('in progress').waitFor();
    const courseCard = page.locator('section.catalog[aria-labelledby="course-title"] .lesson-card', { hasText: 'Add confidence_score' });
    await courseCard.getByText('not started').waitFor();
    await app.shot('catalog-pack-progress');

    // Refused packs: each says which pack and what is wrong, and the built-in course still works.
    const refused = [
      ['altered.miglab.json', 'The pack was altered after `miglab pack` wrote it: field `sha256` says'],
      ['big.miglab.json', 'The file is 5242880 bytes, over the 4194304-byte limit for a lesson pack.'],
      ['notes.txt', 'The file is not JSON: at line 1, column 1'],
    ];
    for (const [name, message] of refused) {
      await page.goto(withPack(`${host.url}${name}`));
      const alert = page.getByRole('alert').filter({ hasText: 'could not be opened' });
      await alert.getByText(`The lesson pack at ${host.url}${name} could not be opened.`).waitFor({ timeout: 30_000 });
      await alert.getByText(message).waitFor();
      await page.getByRole('link', { name: /Add confidence_score/ }).first().waitFor();
      await app.shot(`refused-${name.split('.')[0]}`);
    }
    await app.axe('a refused pack');
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
    await host.close();
  }
});

test('a pack lesson whose key the engine contradicts says so, and that question is not graded', { timeout: 400_000 }, async () => {
  // The row count after `upgrade head` is 40 on the engine; this pack's key says 41.
  const wrong = packedCourse((lessons) => {
    const file = join(lessons, 'confidence_score', 'lesson.toml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('kind = "value"\nexpected = "40"\n', 'kind = "value"\nexpected = "41"\n');
    assert.notEqual(edited, text, 'the row-count key is where the test expects it');
    writeFileSync(file, edited);
  });
  const host = await packHost({ 'wrong.miglab.json': wrong });
  const app = await open('lesson_pack_wrong_key');
  const { page } = app;
  try {
    await page.goto(withPack(`${host.url}wrong.miglab.json`));
    const pack = page.getByRole('region', { name: 'Lesson pack' });
    await pack.getByRole('link', { name: /Add confidence_score/ }).first().click();
    await page.waitForURL(/#\/pack\/confidence_score$/);
    await waitForEngine(page);
    // The first opening checks the pack's keys on the engine, with miglab check's own sentence for the wrong one.
    const disputed = page.getByRole('note').filter({ hasText: "This question's key disagrees with the engine" });
    await disputed.first().waitFor({ timeout: 180_000 });
    assert.equal(await disputed.count(), 1, 'only the row-count question');
    assert.equal(
      (await disputed.textContent()).trim(),
      "This question's key disagrees with the engine: The key says 41, but the engine returns 40. Your answer to it is not graded.",
    );
    const question = page.locator('article.question', { has: disputed });
    await question.getByText('holds 40 rows before the migration').waitFor();
    await app.shot('pack-wrong-key-disputed');

    await page.getByLabel('Name of column id in expenses').first().waitFor({ timeout: 60_000 });
    await answerConfidenceScorePredict(page);
    await page.getByRole('button', { name: 'Lock my answers' }).click();
    await page.getByText('Your answers are locked').waitFor();
    await page.getByRole('button', { name: 'Go to Run' }).click();
    for (const command of ['alembic upgrade head', 'alembic downgrade -1']) {
      await page.waitForFunction(() => !document.querySelector('.busy'));
      await page.getByRole('button', { name: command }).click();
      await page.waitForFunction((c) => document.querySelector('.log')?.textContent.includes(`$ ${c}`) && !document.querySelector('.busy'), command);
    }
    await page.getByText('How your predictions did').waitFor({ timeout: 30_000 });
    const verdicts = await page.locator('.verdicts tbody tr').allTextContents();
    assert.ok(verdicts.some((v) => v.startsWith('Which columns will')), verdicts.join('\n'));
    assert.ok(!verdicts.some((v) => v.includes('holds 40 rows before the migration')), `the disputed question is not graded:\n${verdicts.join('\n')}`);
    await app.shot('pack-wrong-key-graded');

    // Remembered per pack content hash: opening the lesson again shows the note without a second check.
    const remembered = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('miglab.key-check.')));
    assert.equal(remembered.length, 1, remembered.join(', '));
    assert.match(remembered[0], /^miglab\.key-check\.pack:reconciler@[0-9a-f]{16}\/confidence_score$/);
    assert.deepEqual(app.errors, []);
  } finally {
    await app.close();
    await host.close();
  }
});
