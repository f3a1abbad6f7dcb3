/**
 * The training dashboard shows the run the moment Start is pressed, even while an estimate is
 * being timed (in its own process): "Starting the training process…" until the host answers,
 * then the engine's own states, then the first figures.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedData } from '../helpers/data.ts';
import { collectErrors, fillNewModel, importAbcDataset, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');

test('the dashboard shows the run at once after Start, then its first figures', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  // A file of this test's own, so the engine has prepared nothing for it yet (its data shape is
  // worked out by the first estimate, which keeps the engine busy for seconds).
  const dir = mkdtempSync(path.join(tmpdir(), 'continuo-train-start-'));
  const tunes = path.join(dir, 'jigs-at-once.abc');
  copyFileSync(JIGS, tunes);
  try {
    await openStudio(page, host.url);
    await importAbcDataset(page, tunes, 'Jigs start');
    const form = await fillNewModel(page, {
      dataset: 'Jigs start (abc)',
      name: 'Jigs at once',
      preset: 'Sketch',
      epochs: 1,
      stepsPerEpoch: 2,
    });
    // A size no other test times (4 layers), so its estimate times real steps too.
    await form.getByRole('radio', { name: 'Custom' }).check();
    await form.getByLabel('Layers').fill('4');
    await form.getByLabel('Units per layer').fill('64');
    await expect(form.getByRole('status', { name: 'Estimate' })).toHaveText('Estimating…');
    // Past the form's debounce: the estimate's timing process is running.
    await page.waitForTimeout(800);

    await form.getByRole('button', { name: 'Start training' }).click();
    const dashboard = page.getByRole('region', { name: 'Training dashboard' });
    const state = dashboard.getByTestId('training-state');
    // At once: the page's own state until the host answers, then the engine's.
    await expect(dashboard).toBeVisible({ timeout: 1000 });
    await expect(state).toHaveText(/Starting the training process…|Preparing the data…/, { timeout: 500 });
    await expect(dashboard).toContainText('“Jigs at once”');
    await expect(dashboard.getByTestId('train-loss')).toHaveText('–');
    await expect(form.getByRole('button', { name: 'Start training' })).toBeDisabled();
    await page.screenshot({ path: testInfo.outputPath('dashboard-at-once.png'), fullPage: true });

    // Then the engine's own reading, then the first figures.
    await expect(state).toHaveText(/Preparing the data…|Training/, { timeout: 60_000 });
    await expect(dashboard.getByTestId('train-loss')).toHaveText(/^\d+\.\d{3}$/, { timeout: 180_000 });
    await expect(dashboard.getByTestId('tokens-per-sec')).not.toHaveText(/^(0|–)$/);
    await page.screenshot({ path: testInfo.outputPath('dashboard-figures.png'), fullPage: true });
    await expect(page.getByRole('status').filter({ hasText: /Training (finished|stopped)/ })).toBeVisible({
      timeout: 180_000,
    });
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
