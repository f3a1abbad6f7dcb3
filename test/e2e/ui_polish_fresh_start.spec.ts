/**
 * Opening, importing or starting a project puts the piano roll back on the Select tool with
 * nothing selected, so the musician's first click on new music never adds a note by accident.
 */
import { expect, test, type Page } from '@playwright/test';
import pkg from '@tonejs/midi';
import { collectErrors, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const { Midi } = pkg;
const host = webHostUnderTest();

interface Hooks {
  roll: { tool(): string; clientPoint(tick: number, pitch: number): { x: number; y: number } };
  selection(): string[];
}

/** A small MIDI file made here: a C major arpeggio. */
function arpeggio(): Buffer {
  const midi = new Midi();
  const track = midi.addTrack();
  track.name = 'Arpeggio';
  [60, 64, 67, 72].forEach((pitch, i) =>
    track.addNote({ midi: pitch, time: i * 0.5, duration: 0.45, velocity: 0.7 }),
  );
  return Buffer.from(midi.toArray());
}

const hooks = (page: Page) => ({
  tool: () => page.evaluate(() => (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.tool()),
  selection: () =>
    page.evaluate(() => (globalThis as unknown as { __continuo: Hooks }).__continuo.selection()),
});

test('open, import and new each return the roll to Select with nothing selected', async ({ page }) => {
  const errors = collectErrors(page, false);
  await openStudio(page, host.url);
  const tools = page.getByRole('radiogroup', { name: 'Tool' });
  const draw = tools.getByRole('radio', { name: 'Draw' });
  const select = tools.getByRole('radio', { name: 'Select' });
  const message = page.getByTestId('project-message');
  const file = { name: 'arpeggio.mid', mimeType: 'audio/midi', buffer: arpeggio() };

  // Open a MIDI file while drawing.
  await draw.click();
  expect(await hooks(page).tool()).toBe('draw');
  await page.getByTestId('open-file-input').setInputFiles(file);
  await expect(message).toHaveText(/Opened arpeggio\.mid/, { timeout: 30_000 });
  await expect(select).toHaveAttribute('aria-checked', 'true');
  await expect(draw).toHaveAttribute('aria-checked', 'false');
  expect(await hooks(page).tool()).toBe('select');

  // Select a note, switch to Draw, import the file: Select again and nothing selected.
  await page.keyboard.press('Control+a');
  await expect
    .poll(() =>
      hooks(page)
        .selection()
        .then((s) => s.length),
    )
    .toBe(4);
  await draw.click();
  await page.getByTestId('import-file-input').setInputFiles(file);
  await expect(message).toHaveText(/Imported 1 track from arpeggio\.mid/, { timeout: 30_000 });
  await expect(select).toHaveAttribute('aria-checked', 'true');
  expect(await hooks(page).tool()).toBe('select');
  expect(await hooks(page).selection()).toEqual([]);

  // A click on the roll right after the import adds nothing.
  const before = await page.evaluate(
    () =>
      (
        globalThis as unknown as { __continuo: { sessionStats(): { notes: number } } }
      ).__continuo.sessionStats().notes,
  );
  const spot = await page.evaluate(() =>
    (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.clientPoint(3840, 50),
  );
  await page.mouse.click(spot.x, spot.y);
  const after = await page.evaluate(
    () =>
      (
        globalThis as unknown as { __continuo: { sessionStats(): { notes: number } } }
      ).__continuo.sessionStats().notes,
  );
  expect(after).toBe(before);

  // New project (the import left unsaved changes: don't save them) while drawing.
  await draw.click();
  await page
    .getByRole('navigation', { name: 'Project' })
    .getByRole('button', { name: 'New', exact: true })
    .click();
  await page.getByRole('button', { name: "Don't save" }).click();
  await expect(message).toHaveText('New project');
  await expect(select).toHaveAttribute('aria-checked', 'true');
  expect(await hooks(page).tool()).toBe('select');
  expect(errors).toEqual([]);
});
