import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { sharedData } from '../helpers/data.ts';
import { expectLibraryDatasets, libraryDatasets, openStudio, section } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_original', 'jigs.abc');

/** The engine process: the web host's child running engine_main (scripts/e2e.mjs passes the host's pid). */
function enginePid(): number | undefined {
  const hostPid = process.env['CONTINUO_E2E_HOST_PID'];
  if (!hostPid) return undefined;
  try {
    const out = execFileSync('pgrep', ['-P', hostPid, '-f', 'engine_main'], { encoding: 'utf8' });
    const pids = out.split('\n').filter(Boolean).map(Number);
    return pids.length === 1 ? pids[0] : undefined;
  } catch {
    return undefined;
  }
}

async function openLibrary(page: Page): Promise<void> {
  await openStudio(page, host.url);
  await section(page, 'Library');
}

test('imports jigs.abc through the UI: progress bar, 340 tunes, warnings list; persists; removes', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openLibrary(page);
  // The web host is shared by every spec file: other tests' datasets may already be listed.
  const before = await libraryDatasets(page);

  // In the browser there is no native dialog: the path is typed (pasted) into the field, or
  // files are sent from the page's own picker (ui_polish_library_upload.spec.ts).
  await expect(page.getByRole('button', { name: 'Choose folders…' })).toHaveCount(0);
  await expect(
    page
      .getByRole('group', { name: 'Music from this computer' })
      .getByRole('button', { name: 'Choose files…' }),
  ).toBeVisible();
  await page.getByLabel('Files or folders to import').fill(JIGS);
  await expect(page.getByLabel('Codec')).toHaveValue('abc');
  await page.getByLabel('Codec').selectOption('abc');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Nottingham jigs');

  const started = Date.now();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toBeVisible();
  await expect(page.getByRole('region', { name: 'Import in progress' })).toContainText('of 1 file');
  await page.screenshot({ path: testInfo.outputPath('library-importing.png'), fullPage: true });

  await expect(page.getByRole('status').filter({ hasText: 'Imported “Nottingham jigs”' })).toBeVisible({
    timeout: 90_000,
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`jigs.abc imported through the UI in ${seconds.toFixed(1)} s`);
  testInfo.annotations.push({ type: 'import seconds', description: seconds.toFixed(1) });
  await expect(bar).toHaveCount(0);

  const datasets = page.getByRole('list', { name: 'Datasets' });
  await expect(datasets.locator(':scope > li')).toHaveCount(before.length + 1);
  const toggle = datasets.getByRole('button', { name: /^Nottingham jigs/ });
  await expect(toggle).toContainText('340 tunes');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const details = page.getByRole('region', { name: 'Nottingham jigs details' });
  const stats = details.getByRole('definition');
  await expect(details.getByRole('term')).toContainText(['Files', 'Tunes', 'Notes', 'Duration', 'Tokens']);
  await expect(stats.nth(1)).toHaveText('340');
  await expect(details).toContainText('Pitch range');

  // The warnings list expands with the keyboard and names the tune.
  const warnings = details.locator('summary', { hasText: 'Warnings' });
  await expect(warnings).toHaveText(/Warnings \(\d+\)/);
  await warnings.focus();
  await page.keyboard.press('Enter');
  const warningList = details.getByRole('list', { name: 'Warnings' });
  await expect(warningList).toBeVisible();
  await expect(warningList.getByRole('listitem').first()).toContainText('jigs.abc, tune X:');
  await details.locator('summary', { hasText: 'Errors' }).click();
  await expect(details).toContainText('None.');
  await page.screenshot({ path: testInfo.outputPath('library-imported.png'), fullPage: true });
  await details.screenshot({ path: testInfo.outputPath('library-dataset-details.png') });

  // The list persists: a reload reads it back from the data folder.
  await page.reload();
  await section(page, 'Library');
  await expect(
    page.getByRole('list', { name: 'Datasets' }).getByRole('button', { name: /^Nottingham jigs/ }),
  ).toContainText('340 tunes');

  await page.getByRole('button', { name: 'Remove Nottingham jigs' }).click();
  await expectLibraryDatasets(page, before);
  expect(errors).toEqual([]);
});

test('a bad path fails with its reason and makes no dataset; cancel stops a running import', async ({
  page,
}) => {
  await openLibrary(page);
  const before = await libraryDatasets(page);
  await page.getByLabel('Files or folders to import').fill('/no/such/folder');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const failure = page.getByRole('alert', { name: 'Import failed' });
  await expect(failure).toContainText('Import of “folder” failed.');
  await expect(failure.getByRole('list', { name: 'Why the import failed' })).toContainText('not found');
  await expectLibraryDatasets(page, before);

  // The MAESTRO folder (132 files) takes long enough to cancel midway.
  await page.getByLabel('Files or folders to import').fill(sharedData('maestro', '2004'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel import' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Import cancelled' })).toBeVisible({
    timeout: 30_000,
  });
  await expectLibraryDatasets(page, before);
});

test('when the engine process dies, the status bar says so and it comes back', async ({ page }) => {
  const pid = enginePid();
  test.skip(pid === undefined, 'cannot find the engine process (pgrep, CONTINUO_E2E_HOST_PID)');
  await openLibrary(page);
  process.kill(pid!, 'SIGKILL');
  await expect(page.getByTestId('engine-status')).toContainText(/Engine (crashed|restarting)/);
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine running \(restarted 1×\)/, {
    timeout: 30_000,
  });
  expect(enginePid()).not.toBe(pid);
});
