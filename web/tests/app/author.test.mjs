// The author view: an instructor starts a New lesson, breaks lesson.toml and sees the diagnostic at its file:line (in the
// list and in the editor), jumps to it, fixes it until the files load cleanly, asks for the check on the engine,
// previews the lesson as a student with a progress that is never saved, finds the work again after a reload, exports
// it as a zip and as a pack, opens the zip (picked and dropped), a deflated zip and the pack again, and opens the
// course's lessons folder through the folder input.
import { test } from 'node:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { open, waitForEngine, assert, BASE, ROOT } from './lib.mjs';

const MANIFEST = 'Edit my_lesson/lesson.toml';

/// `files` (path → text) as a zip whose entries are deflated, as the zip tools of an instructor's machine write them.
function deflatedZip(files) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const path = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(path.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    header.copy(entry, 6, 4, 30);
    entry.writeUInt32LE(offset, 42);
    locals.push(header, path, packed);
    central.push(entry, path);
    offset += header.length + path.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

test('one edits a lesson in the author view until its check passes', async () => {
  const app = await open('author');
  const { page } = app;
  try {
    await page.goto(`${BASE}#/author`);
    await page.getByRole('heading', { name: 'Author a lesson' }).waitFor();
    await page.getByLabel('Lesson id').fill('my_lesson');
    await page.getByRole('button', { name: 'New lesson' }).click();
    await page.getByText('Opened the new lesson `my_lesson`: 5 files.').waitFor();
    const status = page.getByRole('status');
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    await page.getByRole('textbox', { name: MANIFEST }).waitFor();
    await app.shot('new-lesson');
    await app.axe('new lesson');

    // Line 2 is `format = 1`; typing a 0 makes it format 10, which no build reads.
    const editor = page.getByRole('textbox', { name: MANIFEST });
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type('0');
    await status.getByText('1 error and 0 warnings in the files.').waitFor({ timeout: 30_000 });
    const diagnostics = page.getByRole('region', { name: 'Diagnostics' });
    const place = diagnostics.getByRole('button', { name: /^my_lesson\/lesson\.toml:2:\d+$/ });
    await place.waitFor();
    assert.match(await diagnostics.innerText(), /my_lesson\/lesson\.toml:2:\d+ error: field `format`/);
    // The editor marks it where it is, and the file list counts it.
    await page.locator('.cm-lintRange-error').first().waitFor();
    assert.match(await page.getByRole('navigation', { name: 'Lesson files' }).innerText(), /lesson\.toml\s*1 error/);
    assert.equal(await page.getByRole('button', { name: 'Preview as a student' }).isDisabled(), true);
    await app.shot('format-error');

    // The place in the list moves the cursor there; the fix is typed where the cursor lands.
    await page.keyboard.press('Control+End');
    await place.click();
    assert.equal(await page.locator('.cm-activeLine').innerText(), 'format = 10');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    assert.equal(await diagnostics.count(), 0);
    await app.shot('fixed');

    // A lock key the engine contradicts loads cleanly, and only the check on the engine finds it.
    await page.waitForFunction(() => (localStorage.getItem('miglab.author.draft') ?? '').includes('format = 1\\n'));
    const manifest = await page.evaluate(() => JSON.parse(localStorage.getItem('miglab.author.draft')).files['my_lesson/lesson.toml']);
    const rewritten = manifest.split('\n').indexOf('rewritten = false') + 1;
    assert.ok(rewritten > 0, 'the scaffold has a lock key');
    const goToEnd = async (line) => {
      await editor.click();
      await page.keyboard.press('Control+Home');
      for (let n = 1; n < line; n += 1) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
    };
    await goToEnd(rewritten);
    for (let n = 0; n < 'false'.length; n += 1) await page.keyboard.press('Backspace');
    await page.keyboard.type('true');
    assert.equal(await page.locator('.cm-activeLine').innerText(), 'rewritten = true');
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Check on the engine' }).click();
    await page.getByText('The lesson fails its check on the engine.').waitFor({ timeout: 120_000 });
    const failed = await page.getByRole('status').filter({ hasText: 'fails its check' }).innerText();
    assert.match(failed, new RegExp(`my_lesson/lesson\\.toml:\\d+:\\d+: .*rewritten`), failed);
    assert.match(failed, /my_lesson: failed/);
    await app.shot('check-failed');

    // Fixed, the lesson passes the check on the engine.
    await goToEnd(rewritten);
    for (let n = 0; n < 'true'.length; n += 1) await page.keyboard.press('Backspace');
    await page.keyboard.type('false');
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Check on the engine' }).click();
    await page.getByText('The lesson passes its check on the engine.').waitFor({ timeout: 120_000 });
    assert.match(await page.getByRole('status').filter({ hasText: 'passes its check' }).innerText(), /my_lesson: ok/);
    await app.shot('check-passed');

    // Preview as a student: the PRIMM flow on the page's engine, with a fresh progress.
    await page.getByRole('button', { name: 'Preview as a student' }).click();
    await page.getByText('Previewing `my_lesson` as a student, with a fresh progress that is not saved.').waitFor();
    await page.getByRole('heading', { name: 'Add created_by to tasks' }).waitFor();
    await waitForEngine(page);
    await page.getByText('What does tasks look like after upgrade()?').first().waitFor();
    await app.shot('preview');
    const saved = await page.evaluate(() => localStorage.getItem('miglab.progress') ?? '');
    assert.ok(!saved.includes('my_lesson'), `the preview saved progress: ${saved}`);
    await page.getByRole('button', { name: 'Back to editing' }).click();
    await page.getByRole('textbox', { name: MANIFEST }).waitFor();

    // The draft survives a reload.
    await page.reload();
    await page.getByRole('textbox', { name: MANIFEST }).waitFor();
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });

    // Export as a pack, in miglab pack's format, and as a zip.
    const [pack] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as a pack' }).click()]);
    assert.equal(pack.suggestedFilename(), 'my_lesson.miglab.json');
    const written = JSON.parse(readFileSync(await pack.path(), 'utf8'));
    assert.equal(written.miglab_pack, 1);
    assert.deepEqual(written.bundle.lessons.map((l) => [l.id, l.lesson?.manifest.title]), [['my_lesson', 'Add created_by to tasks']]);
    await page.getByText(/pack `my_lesson`, 1 lessons, 0 unavailable/).waitFor();
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as a zip' }).click()]);
    assert.equal(zip.suggestedFilename(), 'my_lesson.zip');
    const zipPath = await zip.path();
    const packPath = await pack.path();

    // Opening what is already open writes over nothing.
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'my_lesson.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
    await page.getByText('`my_lesson.zip` was not opened: `my_lesson/lesson.toml` is already open').waitFor();
    // Closed, then opened from the exported zip, the lesson is back whole.
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).click();
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'my_lesson.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
    await page.getByText('Opened `my_lesson.zip`: 5 files.').waitFor();
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    // A drop of the same zip onto the box is refused the same way, so the drop reads the zip too.
    const transfer = await page.evaluateHandle((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'my_lesson.zip', { type: 'application/zip' }));
      return dt;
    }, [...readFileSync(zipPath)]);
    await page.getByRole('region', { name: 'Open or start a lesson' }).dispatchEvent('drop', { dataTransfer: transfer });
    await page.getByText('`my_lesson.zip` was not opened: `my_lesson/lesson.toml` is already open').waitFor();

    // A zip with deflated entries (the browser inflates them), of a lesson's contents without its folder, opens under
    // the id its manifest declares.
    const scaffold = { 'lesson.toml': '', 'seed.sql': '' };
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).click();
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'my_lesson.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
    await page.getByText('Opened `my_lesson.zip`: 5 files.').waitFor();
    // The draft is saved with the analysis, once typing (here, opening) pauses.
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    const draft = await page.evaluate(() => JSON.parse(localStorage.getItem('miglab.author.draft')));
    const flat = Object.fromEntries(Object.entries(draft.files).map(([path, text]) => [path.replace('my_lesson/', ''), text]));
    assert.deepEqual(Object.keys(flat).filter((p) => p in scaffold), Object.keys(scaffold));
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).click();
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'Lesson Copy (2).zip', mimeType: 'application/zip', buffer: deflatedZip(flat) });
    await page.getByText('Opened `Lesson Copy (2).zip`: 5 files.').waitFor();
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).waitFor();
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });

    // A zip that is not one is refused with what and where.
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.getByText('`broken.zip`: The file is not a zip archive').waitFor();

    // The exported pack opens as files again (with a course.toml the pack made), and loads as it did.
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).click();
    await page.getByLabel('A .zip or a lesson pack:').setInputFiles({ name: 'my_lesson.miglab.json', mimeType: 'application/json', buffer: readFileSync(packPath) });
    await page.getByText('Opened `my_lesson.miglab.json`: 6 files.').waitFor();
    await page.getByText('Each `lesson.toml` was written back from the pack').waitFor();
    await status.getByText('No problems: the lesson loads as `miglab check` loads it.').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'course.toml', exact: true }).click();
    await page.getByRole('textbox', { name: 'Edit course.toml' }).waitFor();

    // The course's lessons folder through the folder input: lessons that share one seed outside their folders.
    await page.getByRole('button', { name: 'Close lesson my_lesson' }).click();
    await page.getByRole('button', { name: 'Close course.toml' }).click();
    const lessons = join(ROOT, 'lessons');
    const count = readdirSync(lessons).filter((d) => existsSync(join(lessons, d, 'lesson.toml'))).length;
    await page.getByLabel('Or choose a folder:').setInputFiles(lessons);
    await page.getByText(/^Opened the folder `lessons`: \d+ files\.$/).waitFor();
    await status.getByText(`No problems: all ${count} lessons load as \`miglab check\` loads them.`).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'datasets/reconciler.sql', exact: true }).waitFor();
    await app.shot('lessons-folder');
    await app.axe('lessons folder');
    assert.deepEqual(app.errors, []);
  } catch (error) {
    await app.shot('failed');
    throw error;
  } finally {
    await app.close();
  }
});
