/**
 * Projects as files through the web host with the real engine: open a MAESTRO piece through the
 * file picker, save, reload, reopen from the recent list (every note equal); export MIDI and
 * check every note; corrupt and future-schema files refused untouched; autosave recovery after
 * the host is killed with SIGKILL.
 */
import { expect, test, type Page } from '@playwright/test';
import pkg from '@tonejs/midi';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Project } from '../../src/shared/project/types.ts';
import { sharedData } from '../helpers/data.ts';
import { killTree, startTestHost } from './second_host.ts';
import { collectErrors, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const { Midi } = pkg;

const PIECE = sharedData(
  'maestro/2004/MIDI-Unprocessed_SMF_02_R1_2004_01-05_ORIG_MID--AUDIO_02_R1_2004_06_Track06_wav.midi',
);
const SMALL = sharedData(
  'maestro/2004/MIDI-Unprocessed_SMF_22_R1_2004_01-04_ORIG_MID--AUDIO_22_R1_2004_05_Track05_wav.midi',
);

/** The open project, read through the session's test hook. */
function project(page: Page): Promise<Project> {
  return page.evaluate(() =>
    (globalThis as unknown as { __continuo: { project(): Project } }).__continuo.project(),
  );
}

/** Every note as [pitch, start, duration, velocity], in order, per track. */
function noteRows(p: Project): number[][][] {
  return p.tracks.map((t) => t.notes.map((n) => [n.pitch, n.start, n.duration, n.velocity]));
}

const menu = (page: Page) => page.getByRole('navigation', { name: 'Project' });
const message = (page: Page) => page.getByTestId('project-message');

async function openCompose(page: Page, url: string, keepRecoveryPrompt = false): Promise<void> {
  await openStudio(page, url, { keepRecoveryPrompt });
  await expect(page.getByRole('heading', { level: 2, name: 'Compose' })).toBeVisible();
  await expect(menu(page)).toBeVisible();
}

async function saveAs(page: Page, name: string): Promise<void> {
  await menu(page).getByRole('button', { name: 'Save as…' }).click();
  await page.getByTestId('save-as-name').fill(name);
  await page.getByRole('dialog', { name: 'Save project as' }).getByRole('button', { name: 'Save' }).click();
  await expect(message(page)).toHaveText(new RegExp(`Saved .*${name}\\.continuo`));
}

async function openRecent(page: Page, name: string): Promise<void> {
  await menu(page).getByText('Open', { exact: true }).click();
  await page.getByTestId('recent-project').filter({ hasText: name }).first().click();
}

test.describe('projects as files', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });
  const { url } = webHostUnderTest();
  const dataDir = process.env['CONTINUO_E2E_DATA_DIR'] ?? '';

  test('a MAESTRO piece opened from the file picker saves, reloads and reopens with every note', async ({
    page,
  }) => {
    const errors = collectErrors(page, false);
    await openCompose(page, url);
    await page.getByTestId('open-file-input').setInputFiles(PIECE);
    await expect(message(page)).toHaveText(/Opened .*Track06_wav\.midi/, { timeout: 30_000 });
    const opened = await project(page);
    const midi = new Midi(readFileSync(PIECE));
    const fileNotes = midi.tracks.flatMap((t) => t.notes);
    const notes = opened.tracks.flatMap((t) => t.notes);
    expect(notes.length).toBe(fileNotes.length);
    expect(notes.map((n) => n.pitch).sort()).toEqual(fileNotes.map((n) => n.midi).sort());
    await page.screenshot({ path: test.info().outputPath('opened.png') });

    await saveAs(page, 'maestro-e2e');
    const file = path.join(dataDir, 'projects', 'maestro-e2e.continuo');
    expect((JSON.parse(readFileSync(file, 'utf8')) as Project).tracks.flatMap((t) => t.notes)).toHaveLength(
      notes.length,
    );

    await page.reload();
    await expect(menu(page)).toBeVisible();
    expect((await project(page)).id).not.toBe(opened.id);
    await openRecent(page, 'maestro-e2e');
    await expect(message(page)).toHaveText(/Opened/);
    const reopened = await project(page);
    expect(reopened.id).toBe(opened.id);
    expect(noteRows(reopened)).toEqual(noteRows(opened));
    expect(reopened.tracks.map((t) => t.notes.map((n) => n.id))).toEqual(
      opened.tracks.map((t) => t.notes.map((n) => n.id)),
    );
    expect(reopened.tempos).toEqual(opened.tempos);
    expect(reopened.timeSignatures).toEqual(opened.timeSignatures);
    expect(errors).toEqual([]);
  });

  test('MIDI export of the project holds every note, tempo, meter and track name', async ({ page }) => {
    await openCompose(page, url);
    await page.getByTestId('open-file-input').setInputFiles(SMALL);
    await expect(message(page)).toHaveText(/Opened/, { timeout: 30_000 });
    const opened = await project(page);
    await menu(page).getByText('Export', { exact: true }).click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'MIDI: whole project' }).click();
    const download = await downloading;
    const bytes = readFileSync(await download.path());
    const midi = new Midi(bytes);
    expect(midi.header.ppq).toBe(480);
    expect(midi.header.tempos.map((t) => Math.round(t.bpm))).toEqual(
      opened.tempos.map((t) => Math.round(t.qpm)),
    );
    const tracks = midi.tracks.filter((t) => t.notes.length);
    expect(tracks.map((t) => t.name)).toEqual(opened.tracks.map((t) => t.name));
    tracks.forEach((track, i) => {
      const expected = opened.tracks[i].notes.map((n) => [
        n.pitch,
        n.start,
        n.start + n.duration,
        n.velocity,
      ]);
      const got = track.notes
        .map((n) => [n.midi, n.ticks, n.ticks + n.durationTicks, Math.round(n.velocity * 127)])
        .sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);
      expect(got).toEqual(expected.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]));
    });
  });

  test('a corrupt and a future-schema project are refused with a clear message, their bytes unchanged', async ({
    page,
  }) => {
    await openCompose(page, url);
    const file = path.join(dataDir, 'projects', 'maestro-e2e.continuo');
    const good = JSON.parse(readFileSync(file, 'utf8')) as Project;
    const opened = await project(page);

    // Damaged on disk, opened from the recent list (read by the host).
    const corrupt = readFileSync(file).subarray(0, 5000);
    writeFileSync(file, corrupt);
    await openRecent(page, 'maestro-e2e');
    await expect(menu(page).getByRole('alert')).toHaveText(/damaged \(not valid JSON.*not opened or changed/);
    expect(readFileSync(file)).toEqual(corrupt);
    expect((await project(page)).id).toBe(opened.id);

    const future = Buffer.from(JSON.stringify({ ...good, schemaVersion: 7 }));
    writeFileSync(file, future);
    await openRecent(page, 'maestro-e2e');
    await expect(menu(page).getByRole('alert')).toHaveText(/saved by a newer Continuo \(file format 7/);
    expect(readFileSync(file)).toEqual(future);

    // The same refusals for files chosen in the page.
    const folder = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-bad-'));
    try {
      const uploaded = path.join(folder, 'broken.continuo');
      writeFileSync(
        uploaded,
        JSON.stringify({ ...good, tracks: [{ ...good.tracks[0], notes: [{ id: 'x', pitch: 300 }] }] }),
      );
      await page.getByTestId('open-file-input').setInputFiles(uploaded);
      await expect(menu(page).getByRole('alert')).toHaveText(
        /broken\.continuo: The project file is damaged: tracks\[0\]\.notes\[0\]/,
      );
      expect((await project(page)).id).toBe(opened.id);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    writeFileSync(file, JSON.stringify(good));
    await page.screenshot({ path: test.info().outputPath('refused.png') });
  });

  test('unsaved changes are asked about; Ctrl+S saves; a dropped file and the drag-out gesture work', async ({
    page,
  }) => {
    await openCompose(page, url);
    await page.getByTestId('import-file-input').setInputFiles(SMALL);
    await expect(message(page)).toHaveText(/Imported 1 track/, { timeout: 30_000 });
    const edited = await project(page);

    // New with unsaved changes asks first; Cancel keeps everything.
    await menu(page).getByRole('button', { name: 'New' }).click();
    const unsaved = page.getByTestId('unsaved-dialog');
    await expect(unsaved).toBeVisible();
    await expect(unsaved).toContainText('Save changes to “Untitled”?');
    await unsaved.getByRole('button', { name: 'Cancel' }).click();
    expect((await project(page)).id).toBe(edited.id);

    // Ctrl+S on a project never saved asks for a name.
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('ctrl-s-e2e');
    await page.keyboard.press('Enter');
    await expect(message(page)).toHaveText(/Saved .*ctrl-s-e2e\.continuo/);
    const saved = JSON.parse(
      readFileSync(path.join(dataDir, 'projects', 'ctrl-s-e2e.continuo'), 'utf8'),
    ) as Project;
    expect(noteRows(saved)).toEqual(noteRows(edited));

    // Saved: New replaces it without asking.
    await menu(page).getByRole('button', { name: 'New' }).click();
    await expect(unsaved).toBeHidden();
    await expect.poll(async () => (await project(page)).id).not.toBe(edited.id);

    // A .continuo dropped onto the window opens.
    const bytes = readFileSync(path.join(dataDir, 'projects', 'ctrl-s-e2e.continuo')).toString('base64');
    // (A string: this file is type-checked without the DOM library.)
    await page.evaluate(`(() => {
      const data = ${JSON.stringify(bytes)};
      const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped.continuo');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      for (const type of ['dragover', 'drop'])
        window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    await expect(message(page)).toHaveText(/Opened dropped\.continuo/);
    expect(noteRows(await project(page))).toEqual(noteRows(edited));

    // Dragging the track out of the window downloads it as MIDI in the browser.
    const downloading = page.waitForEvent('download');
    await menu(page)
      .getByRole('button', { name: /\.mid/ })
      .dragTo(page.getByRole('heading', { name: 'Compose' }));
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/\.mid$/);
    const midi = new Midi(readFileSync(await download.path()));
    expect(midi.tracks.flatMap((t) => t.notes)).toHaveLength(edited.tracks[0].notes.length);
  });

  test('autosaved edits are recovered after the host is killed with SIGKILL', async ({ browser }) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-crash-'));
    let host = await startTestHost(folder);
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await openCompose(page, host.url);
      await page.getByTestId('import-file-input').setInputFiles(SMALL);
      await expect(message(page)).toHaveText(/Imported 1 track/, { timeout: 30_000 });
      const edited = await project(page);
      expect(edited.tracks.flatMap((t) => t.notes).length).toBeGreaterThan(10);
      // The edit burst is over: autosave comes ~2 s later.
      await expect(page.getByTestId('autosave-status')).toBeVisible({
        timeout: 15_000,
      });
      await context.close();
      await killTree(host.process.pid ?? 0);

      host = await startTestHost(folder);
      const fresh = await browser.newContext();
      const again = await fresh.newPage();
      await openCompose(again, host.url, true);
      const prompt = again.getByTestId('recovery-prompt');
      await expect(prompt).toBeVisible();
      await expect(prompt).toContainText(/never saved/);
      await again.screenshot({ path: test.info().outputPath('recovery.png') });
      await prompt.getByRole('button', { name: 'Recover' }).click();
      await expect(again.getByRole('status').filter({ hasText: /Recovered/ })).toBeVisible();
      const recovered = await project(again);
      expect(recovered.id).toBe(edited.id);
      expect(noteRows(recovered)).toEqual(noteRows(edited));
      await fresh.close();
    } finally {
      await killTree(host.process.pid ?? 0);
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
