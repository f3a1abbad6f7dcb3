import { expect, test, type Page } from '@playwright/test';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  effectiveTime,
  emitBurst,
  FAKE_OUTPUT,
  installFakeMidi,
  pageNow,
  sentMessages,
  type FakeMidiGlobal,
  type SentMessage,
} from './fake_midi.ts';
import type { NoteWire, PayloadOf } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';
import { engineGenerate } from './engine_socket.ts';
import { collectErrors, fillNewModel, trainToEnd } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();
const MAESTRO_2004 = sharedData('maestro', '2004');
/** The eight smallest MAESTRO 2004 performances (enough for a train split, quick to import). */
const MAESTRO_FILES = readdirSync(MAESTRO_2004)
  .filter((name) => name.endsWith('.midi'))
  .map((name) => path.join(MAESTRO_2004, name))
  .sort((a, b) => statSync(a).size - statSync(b).size)
  .slice(0, 8);

/** A project as the session hook gives it (only what these tests read). */
interface ProjectView {
  tempos: { tick: number; qpm: number }[];
  tracks: {
    name: string;
    kind: string;
    notes: { pitch: number; velocity: number; start: number; duration: number }[];
    controllers: { tick: number; controller: number; value: number }[];
  }[];
}

function project(page: Page): Promise<ProjectView> {
  return page.evaluate(() =>
    (globalThis as unknown as { __continuo: { project(): ProjectView } }).__continuo.project(),
  );
}

/** Opens the studio on Compose with the fake MIDI and waits for the ports. */
async function openWithFakeMidi(page: Page): Promise<void> {
  await installFakeMidi(page);
  await page.goto(host.url);
  await expect(page.getByTestId('midi-status')).toHaveText(/1 input, 1 output/);
}

function midiPanel(page: Page) {
  return page.getByRole('region', { name: 'MIDI', exact: true });
}

async function chooseOutput(page: Page, name: string, chosen = true): Promise<void> {
  const box = midiPanel(page).getByRole('list', { name: 'MIDI outputs' }).getByRole('checkbox', { name });
  if (chosen) await box.check();
  else await box.uncheck();
}

/** Ticks at 120 qpm (480 per quarter = 960 per second) of ms. */
const ticks = (ms: number): number => Math.round((ms / 1000) * 960);

const noteOns = (sent: SentMessage[]) => sent.filter((m) => (m.data[0] & 0xf0) === 0x90 && m.data[2] > 0);

test('a played phrase (bursts with their own timestamps, pedal) becomes the seed track; thru sends each note', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await openWithFakeMidi(page);
  await chooseOutput(page, FAKE_OUTPUT.name);
  const t0 = (await pageNow(page)) + 20;
  // Delivered in three bursts, each message stamped with when it was played.
  await emitBurst(page, [
    { data: [0x90, 60, 100], time: t0 },
    { data: [0x90, 64, 80], time: t0 + 10 },
    { data: [0xb0, 64, 127], time: t0 + 100 },
  ]);
  await page.waitForTimeout(150);
  await emitBurst(page, [
    { data: [0x80, 60, 0], time: t0 + 400 },
    { data: [0x90, 64, 0], time: t0 + 420 },
    { data: [0x90, 67, 90], time: t0 + 500 },
  ]);
  await page.waitForTimeout(150);
  await emitBurst(page, [
    { data: [0x80, 67, 0], time: t0 + 800 },
    { data: [0xb0, 64, 0], time: t0 + 900 },
  ]);

  // Thru: each note (and the pedal) went to the output on channel 1, at once.
  const sent = await sentMessages(page);
  expect(noteOns(sent).map((m) => m.data)).toEqual([
    [0x90, 60, 100],
    [0x90, 64, 80],
    [0x90, 67, 90],
  ]);
  expect(sent.filter((m) => (m.data[0] & 0xf0) === 0x80).map((m) => m.data[1])).toEqual([60, 64, 67]);
  expect(sent.filter((m) => m.data[0] === 0xb0).map((m) => m.data.slice(1))).toEqual([
    [64, 127],
    [64, 0],
  ]);

  await midiPanel(page).getByRole('button', { name: 'Use what I just played' }).click();
  await expect(page.getByTestId('capture-notice')).toContainText('3 notes');
  const view = await project(page);
  expect(view.tempos[0].qpm).toBe(120);
  const seed = view.tracks.find((t) => t.kind === 'seed');
  expect(
    seed?.notes.map(({ pitch, velocity, start, duration }) => ({ pitch, velocity, start, duration })),
  ).toEqual([
    { pitch: 60, velocity: 100, start: 0, duration: ticks(400) },
    { pitch: 64, velocity: 80, start: ticks(10), duration: ticks(420) - ticks(10) },
    { pitch: 67, velocity: 90, start: ticks(500), duration: ticks(800) - ticks(500) },
  ]);
  expect(seed?.controllers).toEqual([
    { tick: ticks(100), controller: 64, value: 127 },
    { tick: ticks(900), controller: 64, value: 0 },
  ]);
  await page.screenshot({ path: testInfo.outputPath('midi-seed-track.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('hot-plug: a port added and removed shows and disappears; the remembered choice comes back', async ({
  page,
}) => {
  await openWithFakeMidi(page);
  const outputs = midiPanel(page).getByRole('list', { name: 'MIDI outputs' });
  await page.evaluate(() =>
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.addPort('output', 'hot-1', 'Hotplug Synth'),
  );
  await expect(outputs.getByRole('checkbox', { name: 'Hotplug Synth' })).toBeVisible();
  await chooseOutput(page, 'Hotplug Synth');
  await page.evaluate(() =>
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.addPort('input', 'hot-in', 'Hotplug Keys'),
  );
  await expect(page.getByTestId('midi-status')).toHaveText(/2 inputs, 2 outputs/);
  await page.evaluate(() => {
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.removePort('hot-1');
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.removePort('hot-in');
  });
  await expect(outputs.getByRole('checkbox', { name: 'Hotplug Synth' })).toHaveCount(0);
  await expect(page.getByTestId('midi-status')).toHaveText(/1 input, 1 output/);
  // It comes back (under a new id, as after a replug): chosen again, by its name.
  await page.evaluate(() =>
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.addPort('output', 'hot-2', 'Hotplug Synth'),
  );
  await expect(outputs.getByRole('checkbox', { name: 'Hotplug Synth' })).toBeChecked();
  // And the choice survives a restart (settings.json).
  await page.waitForTimeout(600);
  await page.reload();
  await expect(page.getByTestId('midi-status')).toHaveText(/1 input, 1 output/);
  await page.evaluate(() =>
    (globalThis as unknown as FakeMidiGlobal).__fakeMidi.addPort('output', 'hot-3', 'Hotplug Synth'),
  );
  await expect(outputs.getByRole('checkbox', { name: 'Hotplug Synth' })).toBeChecked();
  await chooseOutput(page, 'Hotplug Synth', false);
});

test('panic sends all-notes-off and reset-controllers on every channel of the chosen output', async ({
  page,
}) => {
  await openWithFakeMidi(page);
  await chooseOutput(page, FAKE_OUTPUT.name);
  await midiPanel(page).getByRole('button', { name: 'Panic' }).click();
  await expect(page.getByTestId('panic-notice')).toContainText('16 channels');
  const sent = (await sentMessages(page)).filter((m) => m.port === FAKE_OUTPUT.id);
  for (let ch = 0; ch < 16; ch++) {
    expect(sent.some((m) => m.data.join() === [0xb0 | ch, 123, 0].join())).toBe(true);
    expect(sent.some((m) => m.data.join() === [0xb0 | ch, 121, 0].join())).toBe(true);
  }
  await chooseOutput(page, FAKE_OUTPUT.name, false);
});

test('musical typing records a phrase as a MIDI keyboard does', async ({ page }) => {
  await openWithFakeMidi(page);
  await chooseOutput(page, FAKE_OUTPUT.name);
  await midiPanel(page).getByRole('button', { name: 'Musical typing' }).click();
  await expect(page.getByTestId('typing-state')).toContainText('octave 4');
  const press = async (key: string, ms: number): Promise<void> => {
    await page.keyboard.down(key);
    await page.waitForTimeout(ms);
    await page.keyboard.up(key);
  };
  await press('KeyA', 200); // C4
  await press('KeyE', 150); // D#4
  await page.keyboard.press('KeyX'); // octave up
  await page.keyboard.press('KeyV'); // louder
  await press('KeyA', 250); // C5
  await expect(page.getByTestId('typing-state')).toContainText('octave 5');
  const sent = noteOns(await sentMessages(page)).map((m) => m.data);
  expect(sent).toEqual([
    [0x90, 60, 96],
    [0x90, 63, 96],
    [0x90, 72, 112],
  ]);
  await midiPanel(page).getByRole('button', { name: 'Use what I just played' }).click();
  const seed = (await project(page)).tracks.find((t) => t.kind === 'seed');
  expect(seed?.notes.map((n) => [n.pitch, n.velocity])).toEqual([
    [60, 96],
    [63, 96],
    [72, 112],
  ]);
  const [c4, ds4, c5] = seed?.notes ?? [];
  // Held at least about 200, 150 and 250 ms (960 ticks per second; key events arrive a little late), in order.
  expect(c4.duration).toBeGreaterThan(ticks(150));
  expect(c4.duration).toBeLessThan(ticks(1000));
  expect(ds4.start).toBeGreaterThanOrEqual(c4.start + c4.duration);
  expect(c5.duration).toBeGreaterThan(ticks(200));
  await midiPanel(page).getByRole('button', { name: 'Musical typing' }).click();
  await chooseOutput(page, FAKE_OUTPUT.name, false);
});

/** The jam's last answer, as the page reports it. */
interface AnswerReport {
  payload: PayloadOf<'generation.start'>;
  engineNotes: NoteWire[];
  continuation: NoteWire[];
  limited: boolean;
  startMs: number;
  silenceEndMs: number;
}

interface JamProbe {
  state: string;
  calls: number;
  answers: number;
  last: AnswerReport | undefined;
}

function jamProbe(page: Page): Promise<JamProbe> {
  return page.evaluate(
    () =>
      (globalThis as unknown as { __continuoMidi: { probe(): { jam: JamProbe } } }).__continuoMidi.probe()
        .jam,
  );
}

/** Note-ons and note-offs sent at or after `fromMs`, in effective-time order. */
function answerTraffic(sent: SentMessage[], fromMs: number) {
  const notes = sent
    .filter(
      (m) => effectiveTime(m) >= fromMs - 0.5 && ((m.data[0] & 0xf0) === 0x90 || (m.data[0] & 0xf0) === 0x80),
    )
    .map((m) => ({
      on: (m.data[0] & 0xf0) === 0x90 && m.data[2] > 0,
      pitch: m.data[1],
      velocity: m.data[2],
      at: effectiveTime(m),
    }));
  return notes.sort((a, b) => a.at - b.at);
}

/** Every note-on has a later note-off of its pitch (none left hanging). */
function expectNoneHanging(traffic: ReturnType<typeof answerTraffic>): void {
  const open = new Map<number, number>();
  for (const event of traffic) {
    const count = open.get(event.pitch) ?? 0;
    if (event.on) open.set(event.pitch, count + 1);
    else if (count > 0) open.set(event.pitch, count - 1);
  }
  expect([...open.entries()].filter(([, count]) => count > 0)).toEqual([]);
}

test("jam: a phrase, then silence, gives the engine's answer on the output; playing over it stops it; both tracks recorded", async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  page.on('console', (message) => {
    if (message.type() === 'warning') console.log(`page warning: ${message.text()}`);
  });
  await openWithFakeMidi(page);
  // A sketch performance model, trained briefly on eight short MAESTRO performances.
  await page
    .getByRole('navigation', { name: 'Studio sections' })
    .getByRole('button', { name: 'Library' })
    .click();
  await page.getByLabel('Files or folders to import').fill(MAESTRO_FILES.join('\n'));
  await page.getByLabel('Codec').selectOption('performance');
  await page.getByRole('textbox', { name: /^Name/ }).fill('Piano');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Imported “Piano”' })).toBeVisible({
    timeout: 120_000,
  });
  const form = await fillNewModel(page, {
    dataset: 'Piano (performance)',
    name: 'Jam sketch',
    preset: 'Sketch',
    epochs: 1,
    stepsPerEpoch: 10,
  });
  await trainToEnd(page, form, 180_000);

  await page
    .getByRole('navigation', { name: 'Studio sections' })
    .getByRole('button', { name: 'Compose' })
    .click();
  await chooseOutput(page, FAKE_OUTPUT.name);
  const jamPanel = page.getByRole('region', { name: 'Jam' });
  const jamSettings = jamPanel.getByRole('form', { name: 'Jam settings' });
  // The model this test trained, not whatever another spec left on the shared host.
  await jamSettings.getByLabel('Model', { exact: true }).selectOption({ label: 'Jam sketch (performance)' });
  await jamSettings.getByRole('radio').nth(1).check();
  await jamSettings.getByLabel('Answer seconds').fill('2');
  await jamPanel.getByRole('button', { name: 'Start jam' }).click();
  await expect(page.getByTestId('jam-state')).toHaveAttribute('data-state', 'listening');

  // Call 1: four notes in two bursts, with a pedal press.
  const t0 = (await pageNow(page)) + 20;
  await emitBurst(page, [
    { data: [0x90, 60, 90], time: t0 },
    { data: [0xb0, 64, 127], time: t0 + 50 },
    { data: [0x80, 60, 0], time: t0 + 200 },
    { data: [0x90, 64, 70], time: t0 + 250 },
  ]);
  await emitBurst(page, [
    { data: [0x80, 64, 0], time: t0 + 450 },
    { data: [0x90, 67, 100], time: t0 + 500 },
    { data: [0x80, 67, 0], time: t0 + 700 },
    { data: [0x90, 72, 80], time: t0 + 750 },
    { data: [0x80, 72, 0], time: t0 + 900 },
    { data: [0xb0, 64, 0], time: t0 + 950 },
  ]);
  const silenceEnd = t0 + 950 + 600;
  await expect.poll(async () => (await jamProbe(page)).answers, { timeout: 60_000 }).toBe(1);
  const first = (await jamProbe(page)).last;
  expect(first).toBeDefined();
  const answer = first as AnswerReport;
  expect(answer.silenceEndMs).toBeCloseTo(silenceEnd, 3);
  expect(answer.payload.randomSeed).toBe(1);
  expect(answer.payload.seed?.kind).toBe('sequence');
  expect(answer.continuation.length).toBeGreaterThan(0);

  // The same seed and random seed, asked of the engine directly, gives the same notes.
  const reference = await engineGenerate(host, answer.payload);
  expect(reference.outcome).toBe('done');
  // (A long answer stops at its note limit: then it is the start of the engine's continuation.)
  const referenceNotes = reference.variations[0].sequence.notes;
  const seedEnd = answer.payload.seed?.kind === 'sequence' ? answer.payload.seed.sequence.totalTime : 0;
  const referenceContinuation = referenceNotes.filter((n) => n.startTime >= seedEnd - 0.006);
  if (answer.limited) {
    expect(referenceContinuation.slice(0, answer.continuation.length)).toEqual(answer.continuation);
  } else {
    expect(referenceNotes).toEqual(answer.engineNotes);
    expect(referenceContinuation).toEqual(answer.continuation);
  }
  console.log(`jam answer: ${answer.continuation.length} notes${answer.limited ? ' (note limit)' : ''}`);

  // Its note-ons reached the output, in timestamp order, each with a note-off.
  const traffic = answerTraffic(await sentMessages(page), silenceEnd);
  const ons = traffic.filter((e) => e.on);
  expect(ons.map((e) => [e.pitch, e.velocity])).toEqual(
    answer.continuation.map((n) => [n.pitch, n.velocity]),
  );
  const t0s = answer.continuation[0].startTime;
  // In time, give or take the page's timer jitter (a note is sent late only if a tick was late).
  ons.forEach((event, i) =>
    expect(Math.abs(event.at - ons[0].at - (answer.continuation[i].startTime - t0s) * 1000)).toBeLessThan(25),
  );
  expectNoneHanging(traffic);
  console.log(`jam answer: first note-on ${(ons[0].at - silenceEnd).toFixed(1)} ms after the silence ended`);

  // Call 2, then play over its answer: it stops, no note left hanging, nothing sent after.
  const t1 = (await pageNow(page)) + 20;
  await emitBurst(page, [
    { data: [0x90, 62, 90], time: t1 },
    { data: [0x80, 62, 0], time: t1 + 300 },
    { data: [0x90, 65, 90], time: t1 + 350 },
    { data: [0x80, 65, 0], time: t1 + 900 },
  ]);
  await expect(page.getByTestId('jam-state')).toHaveAttribute('data-state', 'answering', { timeout: 30_000 });
  await page.waitForTimeout(150);
  const cut = await pageNow(page);
  await emitBurst(page, [{ data: [0x90, 48, 100], time: cut }]);
  await expect.poll(async () => (await jamProbe(page)).answers).toBe(2);
  await page.waitForTimeout(400);
  const afterCut = answerTraffic(await sentMessages(page), t1 + 900 + 600);
  expectNoneHanging(afterCut.filter((e) => e.pitch !== 48));
  expect(afterCut.filter((e) => e.on && e.pitch !== 48 && e.at > cut + 1)).toEqual([]);
  await emitBurst(page, [{ data: [0x80, 48, 0], time: cut + 200 }]);
  await jamPanel.getByRole('button', { name: 'Stop jam' }).click();
  await expect(page.getByTestId('jam-state')).toHaveAttribute('data-state', 'off');
  await page.screenshot({ path: testInfo.outputPath('midi-jam.png'), fullPage: true });

  // The jam's two tracks: the calls and the answers as they sounded, in time.
  const view = await project(page);
  const calls = view.tracks.find((t) => t.name === 'Jam: you');
  const answers = view.tracks.find((t) => t.name === 'Jam: model');
  expect(calls?.notes.map((n) => n.pitch)).toEqual([60, 64, 67, 72, 62, 65, 48]);
  expect(calls?.notes.map((n) => n.velocity).slice(0, 4)).toEqual([90, 70, 100, 80]);
  expect(calls?.controllers.map((c) => c.value)).toEqual([127, 0]);
  const answered = answers?.notes ?? [];
  expect(answered.length).toBeGreaterThanOrEqual(answer.continuation.length);
  expect(answered.slice(0, answer.continuation.length).map((n) => n.pitch)).toEqual(
    answer.continuation.map((n) => n.pitch),
  );
  // The first answer starts after the end of the first call, in the project's time.
  const callEnd = Math.max(...(calls?.notes.slice(0, 4).map((n) => n.start + n.duration) ?? [0]));
  expect(answered[0].start).toBeGreaterThanOrEqual(callEnd);
  expect(errors).toEqual([]);
});
