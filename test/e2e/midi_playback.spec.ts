/**
 * The project's playback on the chosen MIDI output: notes sent just in time (timestamped, a short
 * look-ahead ahead), in order, each with its note-off; pausing leaves nothing hanging and nothing
 * is sent afterwards. Uses the fake Web MIDI (fake_midi.ts) on the real studio and web host.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  emitBurst,
  FAKE_OUTPUT,
  installFakeMidi,
  pageNow,
  sentMessages,
  type SentMessage,
} from './fake_midi.ts';
import { collectErrors } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();

/** The phrase: pitch, velocity, start and end (ms from its first note). */
// The second note is long, so the pause the test clicks while it sounds cuts it well before its end
// even when the page is slow to handle the click.
const PHRASE = [
  { pitch: 60, velocity: 100, start: 0, end: 200 },
  { pitch: 62, velocity: 90, start: 300, end: 900 },
  { pitch: 64, velocity: 80, start: 1000, end: 1200 },
  { pitch: 65, velocity: 70, start: 1300, end: 1500 },
];
/** How far ahead of its time a message may be sent: the sender's 50 ms look-ahead plus a tick or two. */
const MAX_AHEAD_MS = 75;
/** Timing slack for the audio clock's render quantum and the tick-to-ms rounding. */
const SLACK_MS = 15;

function midiPanel(page: Page) {
  return page.getByRole('region', { name: 'MIDI', exact: true });
}

function transport(page: Page) {
  return page.getByRole('toolbar', { name: 'Transport' });
}

function isPlaying(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    (globalThis as unknown as { __continuo: { playing(): boolean } }).__continuo.playing(),
  );
}

function playheadTick(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (
        globalThis as unknown as { __continuoMidi: { probe(): { playheadTick: number } } }
      ).__continuoMidi.probe().playheadTick,
  );
}

/** Note-ons and note-offs on channel 1, from the messages sent since `from`. */
function notesOf(sent: SentMessage[]) {
  const ons = sent.filter((m) => m.data[0] === 0x90 && m.data[2] > 0);
  const offs = sent.filter((m) => m.data[0] === 0x80 || (m.data[0] === 0x90 && m.data[2] === 0));
  return { ons, offs };
}

/** For each note-on, the first note-off of its pitch sent after it; fails when one is missing. */
function pairs(sent: SentMessage[]): { on: SentMessage; off: SentMessage }[] {
  const { ons, offs } = notesOf(sent);
  const used = new Set<SentMessage>();
  return ons.map((on) => {
    const off = offs.find(
      (m) => !used.has(m) && m.data[1] === on.data[1] && sent.indexOf(m) > sent.indexOf(on),
    );
    expect(off, `a note-off for the note-on of ${on.data[1]}`).toBeDefined();
    if (!off) throw new Error('unreachable');
    used.add(off);
    return { on, off };
  });
}

test('playback goes to the chosen MIDI output just in time; pausing leaves no note hanging', async ({
  page,
}, testInfo) => {
  const errors = collectErrors(page);
  await installFakeMidi(page);
  await page.goto(host.url);
  await expect(page.getByTestId('midi-status')).toHaveText(/1 input, 1 output/);
  await midiPanel(page)
    .getByRole('list', { name: 'MIDI outputs' })
    .getByRole('checkbox', { name: FAKE_OUTPUT.name })
    .check();

  // A project with a few notes: a phrase played on the fake keyboard (already past), captured as the seed.
  const t0 = (await pageNow(page)) - 1900;
  await emitBurst(
    page,
    PHRASE.flatMap((n) => [
      { data: [0x90, n.pitch, n.velocity], time: t0 + n.start },
      { data: [0x80, n.pitch, 0], time: t0 + n.end },
    ]).sort((a, b) => a.time - b.time),
  );
  await page.waitForTimeout(100);
  await midiPanel(page).getByRole('button', { name: 'Use what I just played' }).click();
  await expect(page.getByTestId('capture-notice')).toContainText('4 notes');
  // Back to the start of the project (Stop when stopped returns to where play started: bar 1).
  await transport(page).getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => playheadTick(page)).toBe(0);

  // Play it through: playback stops by itself after the last note.
  const before = (await sentMessages(page)).length;
  await transport(page).getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => isPlaying(page), { timeout: 10_000 }).toBe(false);
  const played = (await sentMessages(page)).slice(before);
  const { ons, offs } = notesOf(played);
  expect(ons.map((m) => m.data.slice(1))).toEqual(PHRASE.map((n) => [n.pitch, n.velocity]));
  expect(offs).toHaveLength(PHRASE.length);
  const first = ons[0].timestamp;
  const found = pairs(played);
  found.forEach(({ on, off }, index) => {
    // Timestamps keep the phrase's timing.
    expect(Math.abs(on.timestamp - first - PHRASE[index].start)).toBeLessThanOrEqual(SLACK_MS);
    expect(Math.abs(off.timestamp - first - PHRASE[index].end)).toBeLessThanOrEqual(SLACK_MS);
    // Just in time: sent a little ahead, never far ahead (nothing for a MIDIOutput to take back).
    for (const message of [on, off]) {
      expect(message.timestamp).toBeGreaterThanOrEqual(message.at);
      expect(message.timestamp - message.at).toBeLessThanOrEqual(MAX_AHEAD_MS);
    }
  });
  console.log(
    `MIDI playback: note-on offsets ${ons.map((m) => (m.timestamp - first).toFixed(1)).join(', ')} ms; ` +
      `sent ahead by ${played.map((m) => (m.timestamp - m.at).toFixed(1)).join(', ')} ms`,
  );

  // Play again and pause while the second note sounds.
  await transport(page).getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => playheadTick(page)).toBe(0);
  const before2 = (await sentMessages(page)).length;
  await transport(page).getByRole('button', { name: 'Play' }).click();
  await expect
    .poll(async () => notesOf((await sentMessages(page)).slice(before2)).ons.length, { timeout: 5000 })
    .toBeGreaterThanOrEqual(2);
  const pause = await page.evaluate(async () => {
    // Typed by hand: the e2e files compile without DOM types.
    const win = globalThis as unknown as {
      document: { querySelector(s: string): { click(): void } | null };
    };
    const button = win.document.querySelector(
      '[role="toolbar"][aria-label="Transport"] [aria-label="Pause"]',
    );
    const fake = (globalThis as unknown as { __fakeMidi: { sent: { timestamp: number }[] } }).__fakeMidi;
    const secondOn = fake.sent.filter((m) => m.timestamp > 0).at(-1)?.timestamp ?? performance.now();
    // Until the second note sounds (its note-on may have been sent up to 50 ms early).
    while (performance.now() < secondOn + 50) await new Promise((resolve) => setTimeout(resolve, 5));
    const at = performance.now();
    button?.click();
    return { at, after: performance.now(), clicked: button !== null };
  });
  expect(pause.clicked).toBe(true);
  await page.waitForTimeout(800);
  expect(await isPlaying(page)).toBe(false);
  const paused = (await sentMessages(page)).slice(before2);
  const pausedNotes = notesOf(paused);
  expect(pausedNotes.ons.map((m) => m.data[1])).toEqual(
    PHRASE.slice(0, pausedNotes.ons.length).map((n) => n.pitch),
  );
  expect(pausedNotes.ons.length).toBeGreaterThanOrEqual(2);
  expect(pausedNotes.ons.length).toBeLessThan(PHRASE.length);
  // Every note-on has its note-off, after it; none left hanging.
  const cut = pairs(paused);
  expect(pausedNotes.offs).toHaveLength(pausedNotes.ons.length);
  for (const { on, off } of cut) expect(off.timestamp).toBeGreaterThan(on.timestamp);
  // The second note was cut at the pause, not at its end.
  const second = cut[1];
  expect(second.off.timestamp - second.on.timestamp).toBeLessThan(PHRASE[1].end - PHRASE[1].start - 50);
  // Nothing sent after the pause.
  for (const message of paused) expect(message.at).toBeLessThanOrEqual(pause.after);
  await page.screenshot({ path: testInfo.outputPath('midi-playback.png'), fullPage: true });
  expect(errors).toEqual([]);
});
