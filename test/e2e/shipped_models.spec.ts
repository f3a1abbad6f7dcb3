import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killTree, startTestHost, type TestHost } from './second_host.ts';
import { collectErrors, openStudio, section } from './studio_steps.ts';

/**
 * A new user's first minute with the shipped models: the Library lists them with a "shipped"
 * badge, read-only, and the folk model continues a melody on the Compose screen without any
 * training. scripts/e2e.mjs hides shipped models from the shared host (the other specs count
 * what is in the Library), so this spec starts a host of its own that shows them, as a fresh
 * install does.
 */

const SHIPPED = fileURLToPath(new URL('../../resources/models', import.meta.url));
const PPQ = 480;
const EIGHTH = PPQ / 2;

let host: TestHost;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-shipped-'));
  host = await startTestHost(dataDir, { CONTINUO_SHIPPED_MODELS: SHIPPED });
});
test.afterAll(async () => {
  if (host?.process.pid !== undefined) await killTree(host.process.pid);
  rmSync(dataDir, { recursive: true, force: true });
});

test('the shipped models are in the Library, read-only, and continue a melody right away', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1400, height: 900 });
  await openStudio(page, host.url);

  await section(page, 'Library');
  const models = page.getByRole('list', { name: 'Models' });
  const folk = models.getByRole('listitem').filter({ hasText: "Folk tunes (Nottingham + O'Neill's)" });
  const piano = models.getByRole('listitem').filter({ hasText: 'Piano (MAESTRO 2004)' });
  await expect(folk).toContainText('shipped');
  await expect(piano).toContainText('shipped');
  await expect(folk.getByRole('button', { name: /^Rename / })).toBeDisabled();
  await expect(folk.getByRole('button', { name: /^Delete / })).toBeDisabled();
  await expect(folk.getByRole('button', { name: /^Duplicate / })).toBeEnabled();
  await expect(folk).toContainText('duplicate it to train more');
  await page.screenshot({ path: testInfo.outputPath('library-shipped.png'), fullPage: true });

  // Compose: four bars of a 6/8 melody, then "Continue from here" with the folk model.
  await section(page, 'Compose');
  await page.evaluate(
    ({ eighth }) => {
      const hooks = (
        globalThis as unknown as {
          __continuo: {
            project(): {
              tempos: unknown[];
              timeSignatures: unknown[];
              tracks: { notes: unknown[] }[];
            };
            openProject(p: unknown): void;
            setPlayheadTick(t: number): void;
          };
        }
      ).__continuo;
      const p = hooks.project();
      p.tempos = [{ tick: 0, qpm: 120 }];
      p.timeSignatures = [{ tick: 0, numerator: 6, denominator: 8 }];
      const line = [
        67, 69, 71, 72, 71, 69, 67, 64, 62, 64, 66, 67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 67,
      ];
      p.tracks[0].notes = line.map((pitch, i) => ({
        id: `m${i}`,
        pitch,
        velocity: 90,
        start: i * eighth,
        duration: eighth,
      }));
      hooks.openProject(p);
      hooks.setPlayheadTick(line.length * eighth);
    },
    { eighth: EIGHTH },
  );
  const panel = page.getByRole('region', { name: 'Continue from here' });
  const settings = panel.getByRole('form', { name: 'Continue settings' });
  const folkOption = settings.getByLabel('Model').locator('option', { hasText: 'Folk tunes' });
  await settings.getByLabel('Model').selectOption((await folkOption.getAttribute('value')) ?? '');
  await settings.getByLabel('Length').fill('4bars');
  await settings.getByLabel('Takes').fill('1');
  await settings.getByRole('button', { name: 'Continue from here' }).click();
  const status = panel.getByTestId('continue-status');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(status).toContainText('1 take added');
  await page.screenshot({ path: testInfo.outputPath('compose-shipped-take.png') });
  expect(errors).toEqual([]);
});
