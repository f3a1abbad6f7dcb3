import { expect, test } from '@playwright/test';
import { packageVersion, webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();

test('the studio frame shows, and the status bar reports the transport and version from app.info', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto(host.url);

  await expect(page.getByRole('banner')).toContainText('Continuo');
  const nav = page.getByRole('navigation', { name: 'Studio sections' });
  for (const name of ['Compose', 'Library', 'Train', 'Generate']) {
    await expect(nav.getByRole('button', { name })).toBeVisible();
  }
  // The studio opens on Compose, with the piano roll.
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
  await expect(page.getByRole('application', { name: 'Piano roll notes' })).toBeVisible();

  // These values only appear after a real app.info round trip over the WebSocket.
  const status = page.getByRole('contentinfo', { name: 'Status bar' });
  await expect(status.getByTestId('transport')).toContainText('websocket');
  await expect(status.getByTestId('version')).toHaveText(`Continuo v${packageVersion()}`);
  await expect(status).toContainText(`Platform: ${process.platform}`);

  await page.screenshot({ path: testInfo.outputPath('studio.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the sidebar is keyboard usable: arrows, Home/End and Alt+digit switch sections', async ({ page }) => {
  await page.goto(host.url);
  const nav = page.getByRole('navigation', { name: 'Studio sections' });
  const compose = nav.getByRole('button', { name: 'Compose' });
  const library = nav.getByRole('button', { name: 'Library' });
  await compose.focus();
  await expect(compose).toHaveAttribute('aria-current', 'page');

  await page.keyboard.press('ArrowDown');
  await expect(library).toBeFocused();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Library');
  await page.keyboard.press('ArrowDown');
  await expect(nav.getByRole('button', { name: 'Train' })).toBeFocused();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Train');

  await page.keyboard.press('End');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Generate');
  await expect(page.getByRole('form', { name: 'Generation settings' })).toBeVisible();

  await page.keyboard.press('Home');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Library');
  await expect(library).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Alt+1');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
});

test('a reload without the token in the URL still works through the cookie', async ({ page }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('version')).toBeVisible();
  await page.goto(`${host.origin}/`);
  await expect(page.getByTestId('transport')).toContainText('websocket');
});

test('a page without the token is refused', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(`${host.origin}/`);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('token');
  await context.close();
});
