/**
 * The New-model form's estimate: timed in a training process (the engine stays free), kept for
 * the session, so going back to a size timed before answers at once.
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

test('the Large estimate arrives with a time per epoch, and comes back at once from the cache', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const dir = mkdtempSync(path.join(tmpdir(), 'continuo-estimate-'));
  const tunes = path.join(dir, 'jigs-estimate.abc');
  copyFileSync(JIGS, tunes);
  try {
    await openStudio(page, host.url);
    await importAbcDataset(page, tunes, 'Jigs estimate');
    const form = await fillNewModel(page, {
      dataset: 'Jigs estimate (abc)',
      name: 'Jigs large',
      preset: 'Large',
      epochs: 1,
      stepsPerEpoch: 20,
    });
    const status = form.getByRole('status', { name: 'Estimate' });
    const epoch = page.getByTestId('epoch-estimate');
    await expect(epoch).toContainText(/about .+ per epoch \(20 steps of \d+\.\d\d s, timed on \w+/, {
      timeout: 120_000,
    });
    await expect(page.getByTestId('parameter-count')).toHaveText(/[\d,]+ parameters/);
    const large = await status.textContent();
    await page.screenshot({ path: testInfo.outputPath('estimate-large.png'), fullPage: true });

    await form.getByRole('radio', { name: /Sketch/ }).check();
    await expect(epoch).not.toHaveText(large ?? '', { timeout: 60_000 });
    await expect(epoch).toContainText('per epoch', { timeout: 60_000 });
    // Back to Large: the session's timing answers (the form's debounce is 300 ms).
    const back = Date.now();
    await form.getByRole('radio', { name: /Large/ }).check();
    await expect(status).toHaveText(large ?? '', { timeout: 2000 });
    testInfo.annotations.push({ type: 'cached estimate ms', description: String(Date.now() - back) });
    expect(errors).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
