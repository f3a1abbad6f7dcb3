import { expect, test } from '@playwright/test';
import { sharedData } from '../helpers/data.ts';
import {
  collectErrors,
  fillNewModel,
  importAbcDataset,
  openStudio,
  section,
  trainToEnd,
} from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');

test('a finished run says finished with a full bar; "Train more" goes on from it with its past curve', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await openStudio(page, host.url);
  await importAbcDataset(page, JIGS, 'Jigs');
  const form = await fillNewModel(page, {
    dataset: 'Jigs (abc)',
    name: 'Jigs more',
    preset: 'Sketch',
    epochs: 1,
    stepsPerEpoch: 4,
  });
  // The form's parameter count is the one the Library shows afterwards.
  await expect(page.getByTestId('parameter-count')).toHaveText(/[\d,]+ parameters/, { timeout: 60_000 });
  const parameters = (await page.getByTestId('parameter-count').textContent())?.match(/[\d,]+/)?.[0];
  expect(parameters).toBeTruthy();
  await trainToEnd(page, form);

  const dashboard = page.getByRole('region', { name: 'Training dashboard' });
  await expect(dashboard.getByTestId('training-state')).toHaveText('Finished');
  await expect(dashboard.getByTestId('run-progress')).toHaveText('Finished: 1 epoch, 4 steps');
  const bar = dashboard.getByRole('progressbar', { name: 'Run progress' });
  await expect(bar).toHaveAttribute('value', '4');
  await expect(bar).toHaveAttribute('max', '4');
  await page.screenshot({ path: testInfo.outputPath('train-finished.png'), fullPage: true });

  const more = page.getByRole('form', { name: 'Train more' });
  await more.getByTestId('train-more-model').selectOption({ label: 'Jigs more (1 epoch)' });
  await more.getByTestId('train-more-epochs').fill('1');
  await more.getByRole('button', { name: 'Train more' }).click();
  // The resumed run covers both epochs: the bar's span is the whole run, the first epoch done.
  await expect(bar).toHaveAttribute('max', '8', { timeout: 60_000 });
  await expect(dashboard.getByRole('list', { name: 'Checkpoints' })).toContainText('Epoch 1');
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({
    timeout: 120_000,
  });
  await expect(dashboard.getByTestId('run-progress')).toHaveText('Finished: 2 epochs, 8 steps');
  await expect(dashboard.getByRole('list', { name: 'Checkpoints' })).toContainText('Epoch 2');
  await page.screenshot({ path: testInfo.outputPath('train-more-finished.png'), fullPage: true });

  await section(page, 'Library');
  const models = page.getByRole('list', { name: 'Models' });
  await expect(models).toContainText('2 epochs');
  await expect(models).toContainText(`${parameters ?? '?'} parameters`);
  expect(errors).toEqual([]);
});
