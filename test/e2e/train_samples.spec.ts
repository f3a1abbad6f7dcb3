import { expect, test, type Locator, type Page } from '@playwright/test';
import { sharedData } from '../helpers/data.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');

async function section(page: Page, name: 'Library' | 'Train' | 'Generate'): Promise<void> {
  await page.getByRole('navigation', { name: 'Studio sections' }).getByRole('button', { name }).click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(name);
}

/** The pitches a piano roll shows first, in time order. */
async function firstPitches(roll: Locator): Promise<number[]> {
  const text = (await roll.getAttribute('data-first-pitches')) ?? '';
  return text.split(' ').filter(Boolean).map(Number);
}

test('a sample after each epoch; "Continue this" seeds the next generation with a variation', async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(host.url);
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine running/);

  await page.getByLabel('Files or folders to import').fill(JIGS);
  await page.getByLabel('Codec').selectOption('abc');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Jigs samples');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “Jigs samples”' })).toBeVisible({
    timeout: 90_000,
  });

  // Train a sketch model for 2 short epochs: each epoch ends with a sample.
  await section(page, 'Train');
  const form = page.getByRole('form', { name: 'New model' });
  await form.getByLabel('Dataset').selectOption({ label: 'Jigs samples (abc)' });
  await form.getByLabel('Model name').fill('Jigs with samples');
  await form.getByRole('radio', { name: /Sketch/ }).check();
  await form.getByLabel('Epochs').fill('2');
  await form.getByLabel('Steps per epoch').fill('15');
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Training finished' })).toBeVisible({
    timeout: 90_000,
  });
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
