import { expect, test, type Locator } from '@playwright/test';
import { sharedData } from '../helpers/data.ts';
import {
  clearLibrary,
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

/** The pitches a piano roll shows first, in time order. */
async function firstPitches(roll: Locator): Promise<number[]> {
  const text = (await roll.getAttribute('data-first-pitches')) ?? '';
  return text.split(' ').filter(Boolean).map(Number);
}

test('a sample after each epoch; "Continue this" seeds the next generation with a variation', async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const errors = collectErrors(page);
  await openStudio(page, host.url);
  // An empty Library, whatever earlier spec files left (the Models list is checked empty below).
  await clearLibrary(page);

  await importAbcDataset(page, JIGS, 'Jigs samples');

  // Train a sketch model for 2 short epochs: each epoch ends with a sample.
  const form = await fillNewModel(page, {
    dataset: 'Jigs samples (abc)',
    name: 'Jigs with samples',
    preset: 'Sketch',
    epochs: 2,
    stepsPerEpoch: 15,
  });
  await trainToEnd(page, form, 90_000);
  const samples = page.getByRole('list', { name: 'Epoch samples' });
  await expect(samples.getByRole('listitem')).toHaveCount(2);
  for (const epoch of [1, 2]) {
    const item = samples.getByRole('listitem', { name: `Epoch ${epoch} sample` });
    const roll = item.getByRole('img', { name: `Epoch ${epoch} sample piano roll` });
    expect(Number(await roll.getAttribute('data-notes'))).toBeGreaterThan(0);
  }
  const second = samples.getByRole('listitem', { name: 'Epoch 2 sample' });
  await second.getByRole('button', { name: 'Play epoch 2 sample' }).click();
  await expect(second.getByRole('button', { name: 'Stop epoch 2 sample' })).toBeVisible();
  await second.getByRole('button', { name: 'Stop epoch 2 sample' }).click();
  await expect(second.getByRole('button', { name: 'Play epoch 2 sample' })).toBeVisible();
  await page
    .getByRole('region', { name: 'Training dashboard' })
    .screenshot({ path: testInfo.outputPath('epoch-samples.png') });

  // Generate, then continue variation 1: the new variations start with its notes.
  await section(page, 'Generate');
  const settings = page.getByRole('form', { name: 'Generation settings' });
  await settings.getByLabel('Model').selectOption({ label: 'Jigs with samples (abc, 2 ep.)' });
  await settings.getByLabel('Length').fill('4bars');
  await settings.getByLabel('Variations').fill('2');
  await settings.getByRole('button', { name: 'Generate' }).click();
  const status = page.getByTestId('generation-status');
  await expect(status).toContainText('Generated 2 variations', { timeout: 60_000 });
  const firstCard = page.getByRole('article', { name: 'Variation 1' });
  const seedRoll = firstCard.getByRole('img', { name: 'Variation 1 piano roll' });
  const seedNotes = Number(await seedRoll.getAttribute('data-notes'));
  const seedPitches = await firstPitches(seedRoll);
  expect(seedNotes).toBeGreaterThan(0);

  await firstCard.getByRole('button', { name: 'Continue this', exact: true }).click();
  await expect(page.getByTestId('generation-seed')).toContainText('continuing Variation 1');
  await expect(status).toContainText('Generated 2 variations', { timeout: 60_000 });
  for (const n of [1, 2]) {
    const roll = page.getByRole('article', { name: `Variation ${n}` }).getByRole('img', {
      name: `Variation ${n} piano roll`,
    });
    expect(Number(await roll.getAttribute('data-notes'))).toBeGreaterThan(seedNotes);
    const pitches = await firstPitches(roll);
    expect(pitches.slice(0, Math.min(seedNotes, 16))).toEqual(seedPitches.slice(0, Math.min(seedNotes, 16)));
  }

  // A time range of a variation as the seed: dragged across its roll, or typed (its first 2 seconds).
  const again = page.getByRole('article', { name: 'Variation 2' });
  const box = await again.getByRole('img', { name: 'Variation 2 piano roll' }).boundingBox();
  if (!box) throw new Error('no piano roll box');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const from = again.getByLabel('Variation 2 seed start (seconds)');
  const to = again.getByLabel('Variation 2 seed end (seconds)');
  await expect.poll(async () => Number(await from.inputValue())).toBeGreaterThan(0);
  expect(Number(await to.inputValue())).toBeGreaterThan(Number(await from.inputValue()));
  await again.getByLabel('Variation 2 seed start (seconds)').fill('0');
  await again.getByLabel('Variation 2 seed end (seconds)').fill('2');
  await again.getByRole('button', { name: 'Continue this range' }).click();
  await expect(page.getByTestId('generation-seed')).toContainText('Variation 2, 0–2 s');
  await expect(status).toContainText('Generated 2 variations', { timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath('continue-range.png'), fullPage: true });

  // Leave the Library empty for the other tests.
  await section(page, 'Library');
  await page
    .getByRole('list', { name: 'Models' })
    .getByRole('button', { name: 'Delete Jigs with samples' })
    .click();
  await expect(page.getByRole('region', { name: 'Models (empty)' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Jigs samples' }).click();
  await expect(page.getByRole('main')).toContainText('No music yet');
  expect(errors).toEqual([]);
});
