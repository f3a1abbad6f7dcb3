import { expect, test, type Page } from '@playwright/test';
import ToneMidi from '@tonejs/midi';
import { readFile } from 'node:fs/promises';
import { collectErrors, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const PPQ = 480;

// Each test drives many mouse gestures on a small shared machine.
test.describe.configure({ timeout: 120_000 });

/** A note as the checks compare it. */
interface NoteShape {
  pitch: number;
  start: number;
  duration: number;
  velocity: number;
}

/** The parts of `window.__continuo` these tests use (the editor's and the session's hooks). */
interface Hooks {
  project(): {
    tracks: {
      id: string;
      name: string;
      kind: string;
      mute: boolean;
      solo: boolean;
      notes: (NoteShape & { id: string })[];
    }[];
  };
  activeTrackId(): string;
  selection(): string[];
  openProject(project: unknown): void;
  roll: {
    clientPoint(tick: number, pitch: number): { x: number; y: number };
    laneClientPoint(tick: number, velocity: number): { x: number; y: number };
  };
}

async function point(page: Page, tick: number, pitch: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([t, p]) => (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.clientPoint(t, p),
    [tick, pitch],
  );
}

/** The active track's notes, without ids, in start order. */
async function notes(page: Page): Promise<NoteShape[]> {
  return page.evaluate(() => {
    const hooks = (globalThis as unknown as { __continuo: Hooks }).__continuo;
    const track = hooks.project().tracks.find((t) => t.id === hooks.activeTrackId());
    return (track?.notes ?? []).map(({ pitch, start, duration, velocity }) => ({
      pitch,
      start,
      duration,
      velocity,
    }));
  });
}

async function drag(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
  modifiers: ('Alt' | 'Control' | 'Shift')[] = [],
): Promise<void> {
  for (const key of modifiers) await page.keyboard.down(key);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
  for (const key of modifiers) await page.keyboard.up(key);
}

/** Opens the studio on the Compose screen with the editor drawn. */
async function openCompose(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1600, height: 900 });
  await openStudio(page, host.url);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
  await expect(page.getByRole('application', { name: 'Piano roll notes' })).toBeVisible();
  await page.waitForFunction(
    () => 'roll' in ((globalThis as unknown as { __continuo?: object }).__continuo ?? {}),
  );
}

test('draw, move, resize and re-velocity a note with the mouse; undo and redo each step; quantize an off-grid phrase', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openCompose(page);
  const tools = page.getByRole('radiogroup', { name: 'Tool' });

  // Draw: press on bar 2 (tick 1920) at C4 and drag two beats right.
  await tools.getByRole('radio', { name: 'Draw' }).click();
  await drag(page, await point(page, 1920 + 10, 60), await point(page, 1920 + 2 * PPQ, 60));
  const drawn = { pitch: 60, start: 1920, duration: 2 * PPQ, velocity: 96 };
  expect(await notes(page)).toEqual([drawn]);

  // Move: grab its body and drag it two beats later and a tone up (snapped to the 1/16 grid).
  await tools.getByRole('radio', { name: 'Select' }).click();
  await drag(page, await point(page, 1920 + PPQ, 60), await point(page, 1920 + PPQ + 2 * PPQ + 17, 62));
  const moved = { ...drawn, pitch: 62, start: 1920 + 2 * PPQ };
  expect(await notes(page)).toEqual([moved]);

  // Resize: grab its right edge and drag it a beat longer.
  const endEdge = await point(page, moved.start + moved.duration, 62);
  const longer = await point(page, moved.start + moved.duration + PPQ, 62);
  await drag(page, { x: endEdge.x - 2, y: endEdge.y }, { x: longer.x - 2, y: longer.y });
  const resized = { ...moved, duration: 3 * PPQ };
  expect(await notes(page)).toEqual([resized]);

  // Velocity: press in the lane at the note's stem, drag down to 40.
  const laneFrom = await page.evaluate(
    ([t]) => (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.laneClientPoint(t, 100),
    [resized.start],
  );
  const laneTo = await page.evaluate(
    ([t]) => (globalThis as unknown as { __continuo: Hooks }).__continuo.roll.laneClientPoint(t, 40),
    [resized.start],
  );
  await drag(page, laneFrom, laneTo);
  const [softened] = await notes(page);
  expect(softened.velocity).toBeGreaterThanOrEqual(39);
  expect(softened.velocity).toBeLessThanOrEqual(41);
  expect({ ...softened, velocity: resized.velocity }).toEqual(resized);
  await page.screenshot({ path: testInfo.outputPath('one-note.png') });

  // Undo each step (Ctrl+Z), then redo each (Ctrl+Shift+Z, then Ctrl+Y).
  const states = [[], [drawn], [moved], [resized], [softened]];
  for (let step = states.length - 2; step >= 0; step--) {
    await page.keyboard.press('Control+z');
    expect(await notes(page)).toEqual(states[step]);
  }
  for (let step = 1; step < states.length; step++) {
    await page.keyboard.press(step % 2 ? 'Control+Shift+Z' : 'Control+y');
    expect(await notes(page)).toEqual(states[step]);
  }
  await expect(page.getByRole('button', { name: 'Undo' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Redo' })).toBeDisabled();

  // An off-grid phrase: snap off, four notes drawn between grid lines.
  await page.getByLabel('Snap to grid').selectOption('off');
  await tools.getByRole('radio', { name: 'Draw' }).click();
  // Scroll right (Shift+wheel) so bar 5 is in view.
  const area = page.getByRole('application', { name: 'Piano roll notes' });
  const areaBox = (await area.boundingBox())!;
  await page.mouse.move(areaBox.x + areaBox.width / 2, areaBox.y + areaBox.height / 2);
  const before = await point(page, 4 * 1920, 64);
  await page.keyboard.down('Shift');
  await page.mouse.wheel(0, before.x - areaBox.x - 100);
  await page.keyboard.up('Shift');
  expect((await point(page, 4 * 1920, 64)).x).toBeCloseTo(areaBox.x + 100, 0);
  const phrase = [
    { tick: 4 * 1920 + 37, pitch: 64 },
    { tick: 4 * 1920 + PPQ - 43, pitch: 65 },
    { tick: 4 * 1920 + 2 * PPQ + 61, pitch: 67 },
    { tick: 4 * 1920 + 3 * PPQ - 52, pitch: 69 },
  ];
  for (const { tick, pitch } of phrase) {
    await drag(page, await point(page, tick, pitch), await point(page, tick + PPQ / 2 + 11, pitch));
  }
  const offGrid = await notes(page);
  expect(offGrid).toHaveLength(5);
  const phraseNotes = offGrid.filter((n) => n.pitch !== 62);
  expect(phraseNotes.map((n) => n.pitch)).toEqual([64, 65, 67, 69]);
  expect(phraseNotes.filter((n) => n.start % (PPQ / 4) !== 0).length).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: testInfo.outputPath('off-grid.png') });

  // Select all and quantize (Q): starts to the 1/16 grid at 100 %, lengths kept.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('q');
  const quantized = await notes(page);
  const expected = offGrid
    .map((n) => ({ ...n, start: Math.round(n.start / (PPQ / 4)) * (PPQ / 4) }))
    .sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  expect(quantized).toEqual(expected);
  await page.keyboard.press('Control+z');
  expect(await notes(page)).toEqual(offGrid);
  await page.keyboard.press('Control+y');
  expect(await notes(page)).toEqual(expected);

  // Export MIDI through the project menu (a download in the browser) and check every note.
  await page.getByText('Export', { exact: true }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'MIDI: whole project' }).click();
  const file = testInfo.outputPath('export.mid');
  await (await downloading).saveAs(file);
  const midi = new ToneMidi.Midi(await readFile(file));
  expect(midi.header.ppq).toBe(PPQ);
  const exported = midi.tracks
    .flatMap((t) => t.notes)
    .map((n) => ({
      pitch: n.midi,
      start: n.ticks,
      duration: n.durationTicks,
      velocity: Math.round(n.velocity * 127),
    }))
    .sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  expect(exported).toEqual(expected);

  await page.getByRole('application', { name: 'Piano roll notes' }).focus();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Piano roll shortcuts' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('shortcuts.png') });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Piano roll shortcuts' })).toBeHidden();
  expect(errors).toEqual([]);
});

test('keyboard editing: transpose, duplicate, copy and paste at the playhead, delete', async ({ page }) => {
  const errors = collectErrors(page);
  await openCompose(page);
  await page.getByRole('radiogroup', { name: 'Tool' }).getByRole('radio', { name: 'Draw' }).click();
  await drag(page, await point(page, 10, 60), await point(page, PPQ, 60));
  await drag(page, await point(page, PPQ + 10, 64), await point(page, 2 * PPQ, 64));
  await page.keyboard.press('Control+a');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Shift+ArrowUp');
  expect((await notes(page)).map((n) => n.pitch)).toEqual([73, 77]);
  await page.keyboard.press('Control+d');
  expect((await notes(page)).map((n) => [n.pitch, n.start])).toEqual([
    [73, 0],
    [77, PPQ],
    [73, 2 * PPQ],
    [77, 3 * PPQ],
  ]);
  await page.keyboard.press('Control+c');
  // Click the ruler at bar 3 to place the playhead, then paste there.
  const ruler = page.getByRole('slider', { name: /Ruler/ });
  const bar3 = await point(page, 2 * 1920, 60);
  const box = (await ruler.boundingBox())!;
  await page.mouse.click(bar3.x, box.y + box.height / 2);
  expect(
    await page.evaluate(() =>
      (globalThis as unknown as { __continuo: { playheadTick(): number } }).__continuo.playheadTick(),
    ),
  ).toBe(2 * 1920);
  await page.getByRole('application', { name: 'Piano roll notes' }).focus();
  await page.keyboard.press('Control+v');
  expect((await notes(page)).map((n) => n.start)).toEqual([0, PPQ, 2 * PPQ, 3 * PPQ, 3840, 4320]);
  await page.keyboard.press('Delete');
  expect(await notes(page)).toHaveLength(4);
  await page.keyboard.press('Control+x');
  expect(await notes(page)).toHaveLength(4);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+x');
  expect(await notes(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('tracks panel: seed, take and own notes in their colours; mute, solo, rename, accept a take, delete, undo', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openCompose(page);
  const note = (id: string, pitch: number, start: number) => ({
    id,
    pitch,
    velocity: 80,
    start,
    duration: PPQ,
  });
  const track = (id: string, name: string, kind: string, colour: string, notes: unknown[]) => ({
    id,
    name,
    colour,
    kind,
    program: 0,
    mute: false,
    solo: false,
    notes,
    controllers: [],
  });
  await page.evaluate(
    (tracks) => {
      const hooks = (globalThis as unknown as { __continuo: Hooks & { project(): Record<string, unknown> } })
        .__continuo;
      hooks.openProject({ ...hooks.project(), id: 'e2e-tracks', name: 'Tracks test', tracks });
    },
    [
      track('seed', 'Seed', 'seed', '#8a9bb4', [note('s1', 60, 0), note('s2', 62, PPQ)]),
      track('mine', 'Piano', 'user', '#4f8cff', [note('m1', 48, 0)]),
      {
        ...track('take', 'Take 1', 'take', '#f5a524', [note('t1', 64, 2 * PPQ), note('t2', 65, 3 * PPQ)]),
        take: { generationId: 'g1', variation: 0 },
      },
    ],
  );
  const rows = page.getByTestId('track-row');
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole('button', { name: 'Piano', exact: true })).toHaveAttribute(
    'aria-current',
    'true',
  );
  await page.screenshot({ path: testInfo.outputPath('tracks.png') });

  await page.getByRole('button', { name: 'Mute Seed' }).click();
  await page.getByRole('button', { name: 'Solo Take 1' }).click();
  const props = async () =>
    page.evaluate(() =>
      (globalThis as unknown as { __continuo: Hooks }).__continuo
        .project()
        .tracks.map((t) => `${t.name}:${t.mute ? 'M' : ''}${t.solo ? 'S' : ''}`),
    );
  expect(await props()).toEqual(['Seed:M', 'Piano:', 'Take 1:S']);

  await page.getByRole('button', { name: 'Rename Piano' }).click();
  await page.getByLabel('Track name').fill('Left hand');
  await page.getByLabel('Track name').press('Enter');
  await page.getByRole('button', { name: 'Accept into Left hand' }).click();
  await expect(rows).toHaveCount(2);
  const merged = await notes(page);
  expect(merged.map((n) => n.pitch)).toEqual([48, 64, 65]);

  await page.getByRole('button', { name: 'Delete Seed' }).click();
  await expect(rows).toHaveCount(1);
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(rows).toHaveCount(3);
  expect(await props()).toEqual(['Seed:M', 'Left hand:', 'Take 1:S']);
  expect(errors).toEqual([]);
});
