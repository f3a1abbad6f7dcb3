/**
 * The Library in the browser takes music from this computer: a file picker (several files) and
 * dropping files, through the host's `datasets.upload`. A broken file is named with its error,
 * a file over the upload cap is refused with the cap said, and the rest imports.
 */
import { expect, test, type Page } from '@playwright/test';
import pkg from '@tonejs/midi';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectErrors, libraryDatasets, openStudio, section } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const { Midi } = pkg;
const host = webHostUnderTest();

/** A small MIDI file made here: a few notes up from `root`. */
function phrase(root: number, notes: number): Buffer {
  const midi = new Midi();
  const track = midi.addTrack();
  for (let i = 0; i < notes; i++)
    track.addNote({
      midi: root + ((i * 2) % 12),
      time: i * 0.25,
      duration: 0.2,
      velocity: 0.6 + (i % 3) / 10,
    });
  return Buffer.from(midi.toArray());
}

const midiFile = (name: string, buffer: Buffer) => ({ name, mimeType: 'audio/midi', buffer });

/** The dataset row named `name` in the Library's list. */
const datasetRow = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Datasets' }).locator(':scope > li').filter({ hasText: name });

test('files picked in the browser import as a dataset; the broken one and the oversized one are named', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page, false);
  await openStudio(page, host.url);
  await section(page, 'Library');
  await libraryDatasets(page);

  const cap = 2_900_000;
  await page
    .getByTestId('dataset-files-input')
    .setInputFiles([
      midiFile('first phrase.mid', phrase(60, 24)),
      midiFile('second phrase.midi', phrase(55, 32)),
      midiFile('broken.mid', Buffer.from('MThd but not really a MIDI file at all')),
      midiFile('huge.mid', Buffer.alloc(cap + 1000, 1)),
    ]);
  // The oversized file is refused on the page, with the cap said; the other three are sent.
  const refused = page.getByRole('list', { name: 'Files not sent' });
  await expect(refused).toContainText('huge.mid');
  await expect(refused).toContainText('at most 2.9 MB');
  const ready = page.getByTestId('upload-ready');
  await expect(ready).toContainText('3 files', { timeout: 30_000 });
  await expect(page.getByLabel('Codec')).toHaveValue('performance');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Picked phrases');
  await page.screenshot({ path: testInfo.outputPath('library-upload-ready.png'), fullPage: true });
  await page.getByRole('button', { name: 'Import', exact: true }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Imported “Picked phrases”' })).toBeVisible({
    timeout: 60_000,
  });
  const row = datasetRow(page, 'Picked phrases');
  await expect(row).toContainText('2 pieces');
  await expect(row).toContainText('1 error');
  // The details (opened after the import) name the broken file and say why.
  const details = page.getByRole('region', { name: 'Picked phrases details' });
  await details.getByText(/^Errors/).click();
  const list = details.getByRole('list', { name: 'Errors' });
  await expect(list).toContainText('broken.mid');
  await expect(list.locator('li')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('library-upload-imported.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('a MIDI file dropped on the Library is sent and ready to import', async ({ page }) => {
  const errors = collectErrors(page, false);
  await openStudio(page, host.url);
  await section(page, 'Library');
  const bytes = [...phrase(62, 16)];
  const drop = page.getByRole('group', { name: 'Music from this computer' });
  // A drop as the browser makes it: a DataTransfer holding the file (built in the page).
  const transfer = await page.evaluateHandle((data) => {
    const dom = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
    };
    const dt = new dom.DataTransfer();
    dt.items.add(new dom.File([new Uint8Array(data)], 'dropped.mid', { type: 'audio/midi' }));
    return dt;
  }, bytes);
  await drop.dispatchEvent('dragover', { dataTransfer: transfer });
  await drop.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByTestId('upload-ready')).toContainText('dropped: 1 file', { timeout: 30_000 });
  // Clearing gives the path field back.
  await page.getByTestId('upload-ready').getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByLabel('Files or folders to import')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a picked folder imports under its name; a README in it is left out, not an error', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page, false);
  const dir = mkdtempSync(path.join(tmpdir(), 'continuo-upload-folder-'));
  const folder = path.join(dir, 'Reels upload');
  mkdirSync(path.join(folder, 'more'), { recursive: true });
  writeFileSync(path.join(folder, 'one.mid'), phrase(48, 20));
  writeFileSync(path.join(folder, 'more', 'two.mid'), phrase(50, 28));
  writeFileSync(path.join(folder, 'README.txt'), 'Two reels I played last week.\n');
  try {
    await openStudio(page, host.url);
    await section(page, 'Library');
    await libraryDatasets(page);
    await page.getByTestId('dataset-folder-input').setInputFiles(folder);
    await expect(page.getByTestId('upload-ready')).toContainText('Reels upload: 2 files', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('upload-note')).toContainText('Left out 1 file');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported “Reels upload”' })).toBeVisible({
      timeout: 60_000,
    });
    const row = datasetRow(page, 'Reels upload');
    await expect(row).toContainText('2 pieces · 2 files');
    await expect(row).not.toContainText('error');
    await expect(page.getByRole('region', { name: 'Reels upload details' })).toContainText(
      'From files sent from this computer',
    );
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
