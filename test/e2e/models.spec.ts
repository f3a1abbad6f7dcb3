import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
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

test('models: duplicate, export as one file, import it back; the status bar shows backend and memory', async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const errors = collectErrors(page, false);
  await openStudio(page, host.url);
  // Counts models and datasets from an empty Library, whatever earlier spec files left.
  await clearLibrary(page);

  // Status bar: the engine's backend and memory, refreshed by `engine.stats`.
  const bar = page.getByRole('contentinfo', { name: 'Status bar' });
  await expect(bar.getByTestId('engine-backend')).toHaveText(/Backend: (tfjs-node|wasm|cpu)/, {
    timeout: 30_000,
  });
  await expect(bar.getByTestId('memory')).toHaveText(/Memory: engine \d+ MB \(heap \d+ MB\) · main \d+ MB/);
  await expect(bar.getByTestId('jobs')).toHaveText('No jobs running');

  // Import the jigs and train a sketch model for one very short epoch.
  await importAbcDataset(page, JIGS, 'Jigs');
  const form = await fillNewModel(page, {
    dataset: 'Jigs (abc)',
    name: 'Jigs sketch',
    preset: 'Sketch',
    epochs: 1,
    stepsPerEpoch: 30,
  });
  await expect(page.getByTestId('epoch-estimate')).toContainText('30 steps', { timeout: 60_000 });
  await form.getByRole('button', { name: 'Start training' }).click();
  // The status bar counts the training job; clicking it shows the Train screen.
  const running = bar.getByRole('button', { name: '1 training' });
  await expect(running).toBeVisible({ timeout: 10_000 });
  await section(page, 'Library');
  await running.click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Train');
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({
    timeout: 120_000,
  });
  await expect(bar.getByTestId('jobs')).toHaveText('No jobs running', { timeout: 10_000 });

  // Library: duplicate it.
  await section(page, 'Library');
  const models = page.getByRole('list', { name: 'Models' });
  await expect(models.getByRole('listitem')).toHaveCount(1);
  await models.getByRole('button', { name: 'Duplicate Jigs sketch' }).click();
  await expect(models.getByRole('listitem')).toHaveCount(2);
  await expect(models).toContainText('Jigs sketch copy');

  // Export the original as one file and download it: a zip of the model folder.
  await models.getByRole('button', { name: 'Export Jigs sketch', exact: true }).click();
  const link = models.getByRole('link', { name: 'Download Jigs sketch', exact: true });
  await expect(link).toBeVisible();
  await expect(models.getByTestId('model-export-path')).toHaveText(/jigs-sketch\.continuo-model$/);
  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('jigs-sketch.continuo-model');
  // Outside test-results/, which another Playwright run may be clearing.
  const downloads = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-model-'));
  const file = path.join(downloads, 'jigs-sketch.continuo-model');
  await download.saveAs(file);
  const entries = unzipSync(new Uint8Array(readFileSync(file)));
  // The novelty index and quality baseline of its training data travel with the model, so its
  // takes still report novelty where the data is not.
  expect(Object.keys(entries).sort()).toEqual([
    'meta.json',
    'model.json',
    'novelty-index.bin',
    'quality-baseline.json',
    'weights.bin',
  ]);
  expect(JSON.parse(new TextDecoder().decode(entries['meta.json'])).name).toBe('Jigs sketch');

  // A file that is not a model is refused with a clear message, and nothing is added.
  const importForm = page.getByRole('form', { name: 'Import a model' });
  await importForm.getByLabel('Model file to import').fill(JIGS);
  await importForm.getByRole('button', { name: 'Import model' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Not a Continuo model file' })).toBeVisible();
  await expect(models.getByRole('listitem')).toHaveCount(2);

  // Import the downloaded file: a third model appears, named apart from the original.
  await importForm.getByLabel('Model file to import').fill(file);
  await importForm.getByRole('button', { name: 'Import model' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “Jigs sketch (2)”' })).toBeVisible();
  await expect(models.getByRole('listitem')).toHaveCount(3);
  await page.screenshot({ path: testInfo.outputPath('library-models-import.png'), fullPage: true });

  // Clean up: later tests expect an empty Library.
  for (let left = 3; left > 0; left--) {
    await models
      .getByRole('button', { name: /^Delete / })
      .first()
      .click();
    await expect(models.getByRole('listitem')).toHaveCount(left - 1);
  }
  await expect(page.getByRole('region', { name: 'Models (empty)' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Jigs' }).click();
  await expect(page.getByRole('main')).toContainText('No music yet');
  // settings.json remembers the last import codec: a fresh page suggests it.
  await page.reload();
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine running/);
  await section(page, 'Library');
  await expect(page.getByLabel('Codec')).toHaveValue('abc');
  rmSync(downloads, { recursive: true, force: true });
  expect(errors).toEqual([]);
});
