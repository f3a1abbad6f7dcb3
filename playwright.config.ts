import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the studio UI, run by `npm run test:e2e` (scripts/e2e.mjs), which builds
 * the renderer, starts the web host and passes its URL in CONTINUO_WEB_URL. Chromium comes from
 * the system (`npx playwright install` is not needed): CONTINUO_CHROMIUM or /usr/bin/chromium.
 */
export default defineConfig({
  testDir: 'test/e2e',
  // CONTINUO_E2E_RESULTS: a folder of its own for parallel runs (Playwright empties it at the start).
  outputDir: process.env['CONTINUO_E2E_RESULTS'] ?? 'test-results/e2e',
  timeout: 30_000,
  workers: 1,
  forbidOnly: Boolean(process.env['CI']),
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env['CONTINUO_CHROMIUM'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
