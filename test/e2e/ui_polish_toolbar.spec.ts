import { expect, test, type Locator, type Page } from '@playwright/test';
import { collectErrors, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();

/** The roll's viewport as the editor's test hook reports it. */
interface Hooks {
  roll: { view(): { pxPerTick: number } };
}

/** Every control of the roll's toolbar: its role and accessible name, on the bar or in "More tools". */
const CONTROLS: readonly { role: 'radio' | 'combobox' | 'button'; name: string; menu?: string }[] = [
  { role: 'radio', name: 'Select' },
  { role: 'radio', name: 'Draw' },
  { role: 'radio', name: 'Erase' },
  { role: 'combobox', name: 'Snap to grid' },
  { role: 'button', name: 'Quantize to 1/16' },
  { role: 'button', name: 'Quantize settings' },
  { role: 'button', name: 'Undo', menu: 'Undo' },
  { role: 'button', name: 'Redo', menu: 'Redo' },
  { role: 'button', name: 'Zoom out', menu: 'Zoom out' },
  { role: 'button', name: 'Zoom in', menu: 'Zoom in' },
  { role: 'button', name: 'Zoom to fit', menu: 'Zoom to fit' },
  { role: 'button', name: 'Hear notes while editing', menu: 'Hear notes while editing' },
  { role: 'button', name: 'Keyboard shortcuts', menu: 'Keyboard shortcuts' },
];

/** The boxes of the toolbar's visible controls (buttons and selects). */
async function controlBoxes(
  toolbar: Locator,
): Promise<{ top: number; bottom: number; left: number; right: number }[]> {
  return toolbar.evaluate((bar) =>
    [...bar.querySelectorAll('button, select')]
      .filter(
        (element) =>
          (element as unknown as { offsetParent: unknown }).offsetParent !== null &&
          !element.closest('[role="menu"], [role="dialog"]'),
      )
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { top: box.top, bottom: box.bottom, left: box.left, right: box.right };
      }),
  );
}

async function pxPerTick(page: Page): Promise<number> {
  return page.evaluate(
    () => (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.view().pxPerTick,
  );
}

for (const [width, height] of [
  [1280, 800],
  [1024, 768],
] as const) {
  test(`the roll toolbar is one row at ${width}x${height}, with every control reachable`, async ({
    page,
  }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await openStudio(page, host.url);
    const toolbar = page.getByRole('toolbar', { name: 'Piano roll tools' });
    await expect(toolbar).toBeVisible();

    // One row: every visible control on the same line, the bar no taller than one control plus
    // its padding, and nothing cut off at its right edge.
    const bar = (await toolbar.boundingBox())!;
    const boxes = await controlBoxes(toolbar);
    expect(boxes.length).toBeGreaterThanOrEqual(6);
    const tallest = Math.max(...boxes.map((b) => b.bottom - b.top));
    expect(bar.height).toBeLessThanOrEqual(tallest + 14);
    const middles = boxes.map((b) => (b.top + b.bottom) / 2);
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThanOrEqual(2);
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(bar.x - 0.5);
      expect(box.right).toBeLessThanOrEqual(bar.x + bar.width + 0.5);
    }
    expect(await toolbar.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: test.info().outputPath(`roll-toolbar-${width}.png`) });

    // Every control is on the bar or in its "More tools" menu.
    const more = toolbar.getByRole('button', { name: 'More tools' });
    for (const control of CONTROLS) {
      const onBar = toolbar.getByRole(control.role, { name: control.name, exact: true });
      if (await onBar.isVisible()) continue;
      expect(control.menu, `${control.name} is neither on the toolbar nor in its menu`).toBeDefined();
      await expect(more).toBeVisible();
      await more.click();
      const menu = toolbar.getByRole('menu', { name: 'More tools' });
      await expect(
        menu.getByRole(control.name.startsWith('Hear') ? 'menuitemcheckbox' : 'menuitem', {
          name: control.menu,
          exact: true,
        }),
      ).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(menu).toHaveCount(0);
    }

    // The quantize settings open inside the editor (it clips what sticks out), not past its edge.
    const settings = toolbar.getByRole('button', { name: 'Quantize settings' });
    await settings.click();
    const popover = (await page.getByRole('dialog', { name: 'Quantize settings' }).boundingBox())!;
    expect(popover.x).toBeGreaterThanOrEqual(bar.x);
    expect(popover.x + popover.width).toBeLessThanOrEqual(bar.x + bar.width);
    await settings.click();
    await expect(page.getByRole('dialog', { name: 'Quantize settings' })).toHaveCount(0);

    // What moved into the menu still works: zoom in, and the shortcuts list opens.
    const zoomInOnBar = toolbar.getByRole('button', { name: 'Zoom in', exact: true });
    const before = await pxPerTick(page);
    if (await zoomInOnBar.isVisible()) await zoomInOnBar.click();
    else {
      await more.click();
      await toolbar.getByRole('menuitem', { name: 'Zoom in', exact: true }).click();
    }
    await expect.poll(() => pxPerTick(page)).toBeGreaterThan(before);
    const helpOnBar = toolbar.getByRole('button', { name: 'Keyboard shortcuts', exact: true });
    if (await helpOnBar.isVisible()) await helpOnBar.click();
    else {
      await more.click();
      await toolbar.getByRole('menuitem', { name: 'Keyboard shortcuts', exact: true }).click();
    }
    await expect(page.getByRole('dialog', { name: 'Piano roll shortcuts' })).toBeVisible();
    await page
      .getByRole('dialog', { name: 'Piano roll shortcuts' })
      .getByRole('button', { name: 'Close' })
      .click();

    // The menu works from the keyboard: it opens on the first enabled item, arrows move, Enter runs.
    if (await more.isVisible()) {
      await more.focus();
      await page.keyboard.press('Enter');
      const menu = toolbar.getByRole('menu', { name: 'More tools' });
      await expect(menu.getByRole('menuitem', { name: 'Zoom out', exact: true })).toBeFocused();
      await page.keyboard.press('ArrowDown');
      await expect(menu.getByRole('menuitem', { name: 'Zoom in', exact: true })).toBeFocused();
      const zoomed = await pxPerTick(page);
      await page.keyboard.press('Enter');
      await expect.poll(() => pxPerTick(page)).toBeGreaterThan(zoomed);
      await expect(menu).toHaveCount(0);
    }

    // The tools keep their names with labels hidden: Draw is chosen by name and shows as chosen.
    await toolbar.getByRole('radio', { name: 'Draw', exact: true }).click();
    await expect(toolbar.getByRole('radio', { name: 'Draw', exact: true })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    expect(errors).toEqual([]);
  });
}
