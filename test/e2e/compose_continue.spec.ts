import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { collectErrors, fillNewModel, importAbcDataset, openStudio, trainToEnd } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';
import { sharedData } from '../helpers/data.ts';

/**
 * "Continue from here" on the Compose screen with a model trained in the test (real engine):
 * the seed is the 8 bars before the playhead, shaded; the engine's own account of the seed it
 * decoded matches exactly the notes in that range (none from outside it); the takes land after
 * the playhead, one per variation; accepting one merges it; the project keeps it all.
 */

const host = webHostUnderTest();
const JIGS = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');
const PPQ = 480;
const EIGHTH = PPQ / 2;
/** A 6/8 bar: six eighths. */
const BAR = 6 * EIGHTH;

interface WireNote {
  id: string;
  pitch: number;
  velocity: number;
  start: number;
  duration: number;
}
interface WireTrack {
  id: string;
  name: string;
  kind: string;
  notes: WireNote[];
  take?: { generationId: string; variation: number };
}
interface WireProject {
  tempos: { tick: number; qpm: number }[];
  timeSignatures: { tick: number; numerator: number; denominator: number }[];
  key?: { tonic: number; mode: string };
  tracks: WireTrack[];
  history: {
    seed?: { startTick: number; endTick: number; trackIds: string[] };
    placedAt: number;
    takeTrackIds: string[];
    modelName: string;
  }[];
  generation: { seedBars: number; length: string; variations: number; modelId?: string };
}

async function project(page: Page): Promise<WireProject> {
  return page.evaluate(() =>
    (globalThis as unknown as { __continuo: { project(): WireProject } }).__continuo.project(),
  );
}

/**
 * A jig's melody from the Nottingham jigs, in straight eighths (so no note crosses a bar line):
 * 16 bars of 6/8 at 120 qpm, in the tune's key.
 */
function jigMelody(): { notes: WireNote[]; tonic: number } {
  const imported = parseAbcText(readFileSync(JIGS, 'utf8'), 'jigs.abc');
  const tune = imported.items.find((item) => item.sequence.notes.length >= 96);
  if (!tune) throw new Error('no jig with 96 notes in jigs.abc');
  const melody = [...tune.sequence.notes].sort((a, b) => a.startTime - b.startTime).slice(0, 96);
  const notes = melody.map((note, i) => ({
    id: `m${i}`,
    pitch: note.pitch,
    velocity: 90,
    start: i * EIGHTH,
    duration: EIGHTH,
  }));
  return { notes, tonic: tune.sequence.keySignatures[0]?.key ?? 0 };
}

test('continue from the playhead with a trained model: takes after the playhead, the exact seed, accept', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 1600, height: 950 });
  await openStudio(page, host.url);

  // A sketch model of the jigs, one short epoch (as a new user would make one).
  await page
    .getByRole('navigation', { name: 'Studio sections' })
    .getByRole('button', { name: 'Library' })
    .click();
  await importAbcDataset(page, JIGS, 'Jigs');
  const form = await fillNewModel(page, {
    dataset: 'Jigs (abc)',
    name: 'Jigs sketch',
    preset: 'Sketch',
    epochs: 1,
    stepsPerEpoch: 40,
  });
  await trainToEnd(page, form, 180_000);

  // Compose: a 16-bar jig melody, the playhead at bar 13.
  await page
    .getByRole('navigation', { name: 'Studio sections' })
    .getByRole('button', { name: 'Compose' })
    .click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
  const jig = jigMelody();
  await page.evaluate(
    ({ notes, tonic }) => {
      const hooks = (
        globalThis as unknown as {
          __continuo: {
            project(): WireProject;
            openProject(p: WireProject): void;
            setPlayheadTick(t: number): void;
          };
        }
      ).__continuo;
      const p = hooks.project();
      p.tempos = [{ tick: 0, qpm: 120 }];
      p.timeSignatures = [{ tick: 0, numerator: 6, denominator: 8 }];
      p.key = { tonic, mode: 'major' };
      p.tracks[0].name = 'Jig';
      p.tracks[0].notes = notes;
      hooks.openProject(p);
    },
    { notes: jig.notes, tonic: jig.tonic },
  );
  const playhead = 12 * BAR;
  await page.evaluate(
    (tick) =>
      (
        globalThis as unknown as { __continuo: { setPlayheadTick(t: number): void } }
      ).__continuo.setPlayheadTick(tick),
    playhead,
  );

  // The panel names the seed: the 8 bars before the playhead (bars 5-12, 12 s at 120 qpm in 6/8).
  const panel = page.getByRole('region', { name: 'Continue from here' });
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('continue-seed')).toContainText(
    'Seed: 48 notes from bar 5 to the playhead (12.0 s',
  );
  const settings = panel.getByRole('form', { name: 'Continue settings' });
  await expect(settings.getByLabel('Model')).toHaveValue(/.+/);
  await settings.getByLabel('Length').fill('4bars');
  await settings.getByLabel('Takes').fill('2');
  // Zoom to fit, so the shot shows the shaded seed, the playhead and what follows.
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.screenshot({ path: testInfo.outputPath('before-continue.png') });
  await settings.getByRole('button', { name: 'Continue from here' }).click();

  const status = panel.getByTestId('continue-status');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(status).toContainText('2 takes added at bar 13');
  await page.screenshot({ path: testInfo.outputPath('after-continue.png') });

  // The seed the engine received is exactly the shaded range: its notes, and no other.
  const seedStart = Number(await status.getAttribute('data-seed-start'));
  const seedEnd = Number(await status.getAttribute('data-seed-end'));
  expect(seedStart).toBe(4 * BAR);
  expect(seedEnd).toBe(playhead);
  const after = await project(page);
  const own = after.tracks.filter((t) => t.kind !== 'take');
  const inRange = own.flatMap((t) => t.notes).filter((n) => n.start >= seedStart && n.start < seedEnd);
  const beforePlayhead = own.flatMap((t) => t.notes).filter((n) => n.start < playhead);
  expect(inRange).toHaveLength(48);
  expect(beforePlayhead.length).toBeGreaterThan(inRange.length);
  const engineNotes = Number(await status.getAttribute('data-engine-seed-notes'));
  const engineStart = Number(await status.getAttribute('data-engine-seed-start'));
  const engineEnd = Number(await status.getAttribute('data-engine-seed-end'));
  console.log(`engine seed: ${engineNotes} notes, ${engineStart}-${engineEnd} s; shaded range 0-12 s`);
  expect(engineNotes).toBe(inRange.length);
  expect(engineStart).toBeGreaterThanOrEqual(0);
  expect(engineEnd - engineStart).toBeLessThanOrEqual(12 + 0.05);
  expect(engineEnd - engineStart).toBeGreaterThan(12 - 0.5 - 0.05);

  // Two take tracks, after the playhead; the musician's notes are all still there.
  const takes = after.tracks.filter((t) => t.kind === 'take');
  expect(takes).toHaveLength(2);
  expect(takes.map((t) => t.take?.variation)).toEqual([0, 1]);
  for (const take of takes) {
    expect(take.notes.length).toBeGreaterThan(0);
    expect(Math.min(...take.notes.map((n) => n.start))).toBeGreaterThanOrEqual(playhead);
  }
  expect(own).toHaveLength(1);
  expect(own[0].notes.map((n) => n.id)).toEqual(jig.notes.map((n) => n.id));
  // The history records the generation with the seed range the engine received.
  const record = after.history.at(-1);
  expect(record?.seed).toEqual({ startTick: seedStart, endTick: seedEnd, trackIds: [own[0].id] });
  expect(record?.placedAt).toBe(playhead);
  expect(record?.takeTrackIds).toEqual(takes.map((t) => t.id));
  expect(record?.modelName).toBe('Jigs sketch');
  expect(after.generation).toMatchObject({ length: '4bars', variations: 2, seedBars: 8 });

  // Accept the first take: it joins the jig track and its track goes.
  const takeList = panel.getByRole('list', { name: 'Takes' });
  await expect(takeList.getByRole('listitem')).toHaveCount(2);
  const firstNotes = takes[0].notes.length;
  await takeList.getByRole('button', { name: `Accept ${takes[0].name}`, exact: true }).click();
  await expect(takeList.getByRole('listitem')).toHaveCount(1);
  const accepted = await project(page);
  const jigTrack = accepted.tracks.find((t) => t.id === own[0].id);
  expect(jigTrack?.notes.length).toBe(96 + firstNotes);
  expect(accepted.tracks.filter((t) => t.kind === 'take').map((t) => t.id)).toEqual([takes[1].id]);
  await page.screenshot({ path: testInfo.outputPath('accepted.png') });

  // A second continuation from the end of the first: the previous take is kept, never replaced.
  await page.evaluate(
    (tick) =>
      (
        globalThis as unknown as { __continuo: { setPlayheadTick(t: number): void } }
      ).__continuo.setPlayheadTick(tick),
    16 * BAR,
  );
  await settings.getByLabel('Takes').fill('1');
  await settings.getByRole('button', { name: 'Continue from here' }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const again = await project(page);
  expect(again.tracks.filter((t) => t.kind === 'take')).toHaveLength(2);
  expect(again.tracks.some((t) => t.id === takes[1].id)).toBe(true);
  expect(again.history).toHaveLength(2);
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.screenshot({ path: testInfo.outputPath('second-continue.png') });

  // Saved, then reloaded and opened again: the takes, the accepted notes and the history are there.
  const menu = page.getByRole('navigation', { name: 'Project' });
  await menu.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByTestId('save-as-name').fill('Continued jig');
  await page.getByRole('dialog', { name: 'Save project as' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(/Saved .*continued-jig\.continuo/i)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('engine-status')).toHaveText(/Engine running/);
  await menu.getByText('Open', { exact: true }).click();
  await menu.getByTestId('recent-project').filter({ hasText: 'continued-jig.continuo' }).first().click();
  await expect.poll(async () => (await project(page)).tracks.length).toBe(again.tracks.length);
  const reopened = await project(page);
  expect(reopened.tracks.map((t) => [t.id, t.kind, t.notes.length])).toEqual(
    again.tracks.map((t) => [t.id, t.kind, t.notes.length]),
  );
  expect(reopened.history).toEqual(again.history);
  expect(reopened.tracks.find((t) => t.id === own[0].id)?.notes.length).toBe(96 + firstNotes);
  expect(errors).toEqual([]);
});
