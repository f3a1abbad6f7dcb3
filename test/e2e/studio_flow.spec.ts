import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { sharedData } from '../helpers/data.ts';
import {
  clearLibrary,
  collectErrors,
  fillNewModel,
  importAbcDataset,
  openStudio,
  section,
} from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');

/** Numeric attribute of an element. */
async function numberAttr(page: Page, selector: string, name: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute(name));
}

test('import jigs, train a sketch model for one short epoch, generate 2 variations, export MIDI', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await openStudio(page, host.url);
  // Counts models and datasets from an empty Library, whatever earlier spec files left.
  await clearLibrary(page);

  // Library: import the Nottingham jigs.
  await importAbcDataset(page, JIGS, 'Jigs');

  // Train: a sketch model, one epoch made short through "Steps per epoch".
  const form = await fillNewModel(page, {
    dataset: 'Jigs (abc)',
    name: 'Jigs sketch',
    preset: 'Sketch',
    epochs: 1,
    stepsPerEpoch: 40,
  });
  await expect(page.getByTestId('parameter-count')).toHaveText(/[\d,]+ parameters/, { timeout: 30_000 });
  await expect(page.getByTestId('epoch-estimate')).toContainText('per epoch');
  await page.screenshot({ path: testInfo.outputPath('train-new-model.png'), fullPage: true });
  await form.getByRole('button', { name: 'Start training' }).click();

  const dashboard = page.getByRole('region', { name: 'Training dashboard' });
  await expect(dashboard).toBeVisible();
  const bar = dashboard.getByRole('progressbar', { name: 'Run progress' });
  const chart = dashboard.getByRole('figure', { name: 'Loss curves' });
  // The curve gains points and the bar moves while the epoch runs.
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 })
    .toBeGreaterThan(0);
  const firstValue = Number(await bar.getAttribute('value'));
  const firstPoints = Number(await chart.getAttribute('data-points'));
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 })
    .toBeGreaterThan(firstPoints);
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 60_000 })
    .toBeGreaterThan(firstValue);
  await expect(dashboard.getByTestId('tokens-per-sec')).not.toHaveText('0');
  await page.screenshot({ path: testInfo.outputPath('train-dashboard.png'), fullPage: true });
  await expect(dashboard.getByRole('list', { name: 'Checkpoints' })).toContainText('Epoch 1', {
    timeout: 120_000,
  });
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({
    timeout: 120_000,
  });

  // Library lists the model.
  await section(page, 'Library');
  const models = page.getByRole('list', { name: 'Models' });
  await expect(models.getByRole('listitem')).toHaveCount(1);
  await expect(models).toContainText('Jigs sketch');
  await expect(models).toContainText('1 epoch');
  await expect(models).toContainText('sketch');
  await expect(models).toContainText('Jigs');

  // Generate: 2 variations, streamed notes, sheet music, MIDI export.
  await section(page, 'Generate');
  const settings = page.getByRole('form', { name: 'Generation settings' });
  await settings.getByLabel('Length').fill('8bars');
  await settings.getByLabel('Variations').fill('2');
  await settings.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByTestId('generation-status')).toContainText('Generated 2 variations', {
    timeout: 60_000,
  });
  for (const n of [1, 2]) {
    const card = page.getByRole('article', { name: `Variation ${n}` });
    const roll = card.getByRole('img', { name: `Variation ${n} piano roll` });
    await expect.poll(async () => Number(await roll.getAttribute('data-notes'))).toBeGreaterThan(0);
    const sheet = card.getByRole('img', { name: `Variation ${n} sheet music` });
    await expect(sheet.locator('svg')).toHaveCount(1);
  }
  console.log(`sketch model:${await page.getByTestId('first-notes-ms').textContent()}`);
  await page.screenshot({ path: testInfo.outputPath('generate-results.png'), fullPage: true });
  await page
    .getByRole('region', { name: 'Generated variations' })
    .screenshot({ path: testInfo.outputPath('generate-variations.png') });

  const first = page.getByRole('article', { name: 'Variation 1' });
  // Playback (Tone.js PolySynth): Play turns into Stop while it sounds.
  await first.getByRole('button', { name: 'Play' }).click();
  await expect(first.getByRole('button', { name: 'Stop' })).toBeVisible();
  await first.getByRole('button', { name: 'Stop' }).click();
  await expect(first.getByRole('button', { name: 'Play' })).toBeVisible();
  await first.getByRole('button', { name: 'Keep' }).click();
  await expect(first.getByRole('button', { name: 'Keep' })).toHaveAttribute('aria-pressed', 'true');
  await first.getByRole('button', { name: 'Export MIDI' }).click();
  const link = first.getByRole('link', { name: 'Download' });
  await expect(link).toBeVisible();
  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  const file = testInfo.outputPath('variation-1.mid');
  await download.saveAs(file);
  const sequence = midiToNoteSequence(new Uint8Array(readFileSync(file)));
  const shown = await numberAttr(page, '[aria-label="Variation 1 piano roll"]', 'data-notes');
  expect(sequence.notes.length).toBeGreaterThan(0);
  expect(sequence.notes.length).toBe(shown);

  // The generation settings are remembered (settings.json) across a reload.
  await page.reload();
  await section(page, 'Generate');
  const remembered = page.getByRole('form', { name: 'Generation settings' });
  await expect(remembered.getByLabel('Length')).toHaveValue('8bars');
  await expect(remembered.getByLabel('Variations')).toHaveValue('2');
  expect(errors).toEqual([]);
});

test('a standard model: time from clicking Generate to the first notes on screen', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  await openStudio(page, host.url);
  // The studio opens on Compose; the datasets are listed in the Library.
  await section(page, 'Library');
  const datasets = page.getByRole('list', { name: 'Datasets' });
  await expect(datasets.or(page.getByText('No music yet'))).toBeVisible();
  if ((await datasets.count()) === 0) {
    await importAbcDataset(page, JIGS, 'Jigs');
  }
  const form = await fillNewModel(page, {
    name: 'Jigs standard',
    preset: 'Standard',
    epochs: 1,
    stepsPerEpoch: 2,
  });
  await expect(page.getByTestId('epoch-estimate')).toContainText('2 steps', { timeout: 60_000 });
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({
    timeout: 120_000,
  });

  await section(page, 'Generate');
  const settings = page.getByRole('form', { name: 'Generation settings' });
  await settings.getByLabel('Model').selectOption({ label: 'Jigs standard (abc, 1 ep.)' });
  await settings.getByLabel('Variations').fill('2');
  await settings.getByLabel('Length').fill('16bars');
  await settings.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByTestId('first-notes-ms')).toBeVisible({ timeout: 30_000 });
  const text = (await page.getByTestId('first-notes-ms').textContent()) ?? '';
  const ms = Number(/(\d+) ms/.exec(text)?.[1]);
  console.log(`standard model: first notes on screen ${ms} ms after clicking Generate`);
  testInfo.annotations.push({ type: 'first notes ms (standard)', description: String(ms) });
  expect(ms).toBeGreaterThan(0);
  await expect(page.getByTestId('generation-status')).toContainText('Generated 2 variations', {
    timeout: 60_000,
  });

  // Library: rename a model, then delete the models and the dataset (later tests expect an empty Library).
  await section(page, 'Library');
  const models = page.getByRole('list', { name: 'Models' });
  await models.getByRole('button', { name: 'Rename Jigs standard' }).click();
  await models.getByLabel('New name').fill('Jigs big');
  await models.getByRole('button', { name: 'Save name' }).click();
  await expect(models).toContainText('Jigs big');
  await page.screenshot({ path: testInfo.outputPath('library-models.png'), fullPage: true });
  for (const name of ['Jigs big', 'Jigs sketch']) {
    const remove = models.getByRole('button', { name: `Delete ${name}` });
    if ((await remove.count()) > 0) await remove.click();
    await expect(remove).toHaveCount(0);
  }
  await expect(page.getByRole('region', { name: 'Models (empty)' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Jigs' }).click();
  await expect(page.getByRole('main')).toContainText('No music yet');
});
