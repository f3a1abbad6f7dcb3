import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { packageVersion } from './web_host_env.ts';

/** The Electron binary's path, or undefined when it was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD). */
function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const SKIP_REASON =
  'Electron binary absent (node_modules/electron/dist missing, installed with ELECTRON_SKIP_BINARY_DOWNLOAD); ' +
  'the same UI is tested through the web host.';

test('the desktop app opens the studio and app.info arrives over the preload bridge', async ({}, testInfo) => {
  if (!binary) console.log(`skipped: ${SKIP_REASON}`);
  test.skip(!binary, SKIP_REASON);
  const app = await electron.launch({
    executablePath: binary,
    args: ['.', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('banner')).toContainText('Continuo');
    await expect(window.getByTestId('transport')).toContainText('electron');
    await expect(window.getByTestId('version')).toHaveText(`Continuo v${packageVersion()}`);
    // The renderer has no Node: the sandbox and context isolation hold.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    await window.screenshot({ path: testInfo.outputPath('electron.png') });
  } finally {
    await app.close();
  }
});
