import { expect, test, type Page } from '@playwright/test';
import pkg from '@tonejs/midi';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { REPO_ROOT } from '../helpers/data.ts';
import {
  collectErrors,
  expectLibraryDatasets,
  libraryDatasets,
  libraryModelCount,
  openStudio,
  section,
} from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const { Midi } = pkg;
const host = webHostUnderTest();

/** A tune with a decoration abcjs does not know, so its import has one warning. */
const TUNE = 'X:44\nT:Deco reel\nM:4/4\nL:1/8\nK:G\n!xyz!G2 AB c2 BA|G4 D4|]\n';

let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-honest-'));
  writeFileSync(path.join(dir, 'empty.mid'), '');
  mkdirSync(path.join(dir, 'empty-folder'));
  writeFileSync(path.join(dir, 'deco.abc'), TUNE);
  // A small MIDI folder, written here: two short piano phrases.
  mkdirSync(path.join(dir, 'piano'));
  for (const [index, root] of [60, 67].entries()) {
    const midi = new Midi();
    const track = midi.addTrack();
    for (let step = 0; step < 16; step++) {
      track.addNote({ midi: root + (step % 5), time: step * 0.25, duration: 0.2, velocity: 0.7 });
    }
    writeFileSync(path.join(dir, 'piano', `phrase-${index + 1}.mid`), midi.toArray());
  }
});

test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function openLibrary(page: Page): Promise<void> {
  await openStudio(page, host.url);
  await section(page, 'Library');
}

async function startImport(page: Page, target: string): Promise<void> {
  await page.getByLabel('Files or folders to import').fill(target);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

test('imports that bring nothing in fail in red with the reason and make no dataset', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openLibrary(page);
  const before = await libraryDatasets(page);
  const failure = page.getByRole('alert', { name: 'Import failed' });
  const cases: Array<[string, string, RegExp]> = [
    [path.join(dir, 'does-not-exist'), 'does-not-exist', /not found/],
    [path.join(dir, 'empty.mid'), 'empty.mid', /empty file \(0 bytes\)/],
    [path.join(dir, 'empty-folder'), 'empty-folder', /no \.mid, \.midi or \.abc files here/],
  ];
  for (const [target, name, reason] of cases) {
    await startImport(page, target);
    await expect(failure).toContainText(`Import of “${name}” failed.`);
    await expect(failure).toContainText('no dataset was made');
    await expect(failure).toContainText('Check the path');
    await expect(failure.getByRole('list', { name: 'Why the import failed' })).toContainText(reason);
    // Red, like every error of the studio.
    await expect(failure).toHaveCSS('color', 'rgb(255, 138, 128)');
    await expectLibraryDatasets(page, before);
    if (name === 'empty.mid')
      await page.screenshot({ path: testInfo.outputPath('import-failed.png'), fullPage: true });
  }
  expect(errors).toEqual([]);
});

test('a partly failed import says how many files failed; warnings read as music', async ({ page }) => {
  await openLibrary(page);
  const before = await libraryDatasets(page);
  await page
    .getByLabel('Files or folders to import')
    .fill(`${path.join(dir, 'deco.abc')}\n${path.join(dir, 'empty.mid')}`);
  await page.getByLabel('Codec').selectOption('abc');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Deco');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “Deco”.' })).toContainText(
    '1 file failed',
  );
  const details = page.getByRole('region', { name: 'Deco details' });
  await details.locator('summary', { hasText: 'Warnings' }).click();
  await expect(details.getByRole('list', { name: 'Warnings' })).toContainText(
    'line 6: an unknown decoration !xyz! was skipped',
  );
  await page.getByRole('button', { name: 'Remove Deco' }).click();
  await expectLibraryDatasets(page, before);
});

test('the codec follows the files: a MIDI folder after an ABC import is imported as performance', async ({
  page,
}, testInfo) => {
  await openLibrary(page);
  const before = await libraryDatasets(page);
  const codec = page.getByLabel('Codec');
  await page.getByLabel('Files or folders to import').fill(path.join(dir, 'deco.abc'));
  await expect(codec).toHaveValue('abc');
  await expect(page.locator('#codec-explanation')).toContainText('For ABC tune books');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “deco.abc”.' })).toBeVisible({
    timeout: 60_000,
  });

  // A folder: only the host can tell what it holds.
  await page.getByLabel('Files or folders to import').fill(path.join(dir, 'piano'));
  await expect(page.getByTestId('import-found')).toHaveText('Found 2 MIDI files');
  await expect(codec).toHaveValue('performance');
  await expect(page.locator('#codec-explanation')).toContainText('For MIDI recordings');
  await page.screenshot({ path: testInfo.outputPath('codec-follows-files.png'), fullPage: true });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “piano”.' })).toBeVisible({
    timeout: 60_000,
  });
  const piano = page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: /^piano/ });
  await expect(piano).toContainText('2 files · performance');
  await expect(piano).not.toContainText('error');

  for (const name of ['piano', 'deco.abc'])
    await page.getByRole('button', { name: `Remove ${name}` }).click();
  await expectLibraryDatasets(page, before);
});

test('a model imported under a name in use becomes "name (2)"; delete can be undone', async ({ page }) => {
  test.setTimeout(150_000);
  // A tiny model trained by the command line, packed as the one-file export is.
  const modelDir = path.join(dir, 'tiny-model');
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin/continuo.mjs'),
      'train',
      path.join(dir, 'deco.abc'),
      '--codec',
      'abc',
      '--layers',
      '1',
      '--units',
      '16',
      '--epochs',
      '1',
      '--steps-per-epoch',
      '1',
      '--batch',
      '2',
      '--seq-len',
      '8',
      '--no-cache',
      '--out',
      modelDir,
    ],
    { cwd: REPO_ROOT, stdio: 'ignore', timeout: 120_000 },
  );
  const files = Object.fromEntries(
    ['model.json', 'weights.bin', 'meta.json'].map((name) => [
      name,
      new Uint8Array(readFileSync(path.join(modelDir, name))),
    ]),
  );
  const name = (JSON.parse(readFileSync(path.join(modelDir, 'meta.json'), 'utf8')) as { name: string }).name;
  const file = path.join(dir, 'tiny.continuo-model');
  writeFileSync(file, zipSync(files));

  await openLibrary(page);
  const importForm = page.getByRole('form', { name: 'Import a model' });
  const models = page.getByRole('list', { name: 'Models' });
  const listed = models.locator(':scope > li');
  const before = await libraryModelCount(page);
  for (const expected of [name, `${name} (2)`]) {
    await importForm.getByLabel('Model file to import').fill(file);
    await importForm.getByRole('button', { name: 'Import model' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Imported “${expected}”` })).toBeVisible();
  }
  await expect(listed).toHaveCount(before + 2);
  await expect(models.getByRole('button', { name: `Delete ${name}`, exact: true })).toBeVisible();
  await expect(models.getByRole('button', { name: `Delete ${name} (2)`, exact: true })).toBeVisible();

  await models.getByRole('button', { name: `Delete ${name} (2)`, exact: true }).click();
  await expect(listed).toHaveCount(before + 1);
  const deleted = page.getByRole('status').filter({ hasText: `Deleted “${name} (2)”.` });
  await deleted.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Restored “${name} (2)”` })).toBeVisible();
  await expect(listed).toHaveCount(before + 2);

  for (const model of [`${name} (2)`, name]) {
    await models.getByRole('button', { name: `Delete ${model}`, exact: true }).click();
  }
  if (before === 0) await expect(page.getByRole('region', { name: 'Models (empty)' })).toBeVisible();
  else await expect(listed).toHaveCount(before);
});
