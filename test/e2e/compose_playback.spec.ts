import { expect, test, type Page } from '@playwright/test';
import { collectErrors, openStudio } from './studio_steps.ts';
import { webHostUnderTest } from './web_host_env.ts';

/**
 * Playback on the Compose screen, in Chromium through the web host: the sampled piano loads
 * from the app itself, the playhead moves with the audio clock and Stop brings it back, Space
 * plays and pauses, a placed playhead is where play starts, the BPM field edits the tempo, the
 * loop wraps, and an offline render with the sampler is not silent.
 */

const host = webHostUnderTest();
const PPQ = 480;

/** What the test reads from the page's `window.__continuo` hooks. */
interface Hooks {
  playheadSeconds(): number;
  pianoLoaded(): boolean;
  pianoLoadMs(): number;
  playing(): boolean;
  renderOffline(): Promise<{
    usedSamples: boolean;
    notes: number;
    seconds: number;
    peak: number;
    rms: number;
  }>;
  project(): { tempos: { tick: number; qpm: number }[]; tracks: { notes: unknown[] }[] };
  openProject(project: unknown): void;
  setPlayheadTick(tick: number): void;
}

/** Calls one of the page's test hooks (window.__continuo) with JSON arguments. */
async function call<K extends keyof Hooks>(
  page: Page,
  name: K,
  ...args: Parameters<Hooks[K]>
): Promise<Awaited<ReturnType<Hooks[K]>>> {
  return page.evaluate(
    ([hook, values]) => {
      const hooks = (globalThis as unknown as { __continuo: Record<string, (...a: unknown[]) => unknown> })
        .__continuo;
      return hooks[hook](...values);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<Hooks[K]>>>;
}

const playheadSeconds = (page: Page): Promise<number> => call(page, 'playheadSeconds');

/** Clicks the editor's ruler at a tick (which places the playhead). */
async function clickRuler(page: Page, tick: number): Promise<void> {
  const point = await page.evaluate(
    (t) =>
      (
        globalThis as unknown as {
          __continuo: { roll: { clientPoint(tick: number, pitch: number): { x: number } } };
        }
      ).__continuo.roll.clientPoint(t, 60),
    tick,
  );
  const ruler = page.getByRole('slider', { name: /^Ruler/ });
  const box = await ruler.boundingBox();
  if (!box) throw new Error('the ruler is not on screen');
  await page.mouse.click(point.x, box.y + box.height / 2);
}

/** Opens a two-bar phrase at 120 qpm: a C major scale in quarters over a held bass and a chord. */
async function openPhrase(page: Page): Promise<void> {
  await page.evaluate((ppq) => {
    const hooks = (globalThis as unknown as { __continuo: Hooks }).__continuo;
    const project = hooks.project() as unknown as {
      tracks: { notes: { id: string; pitch: number; velocity: number; start: number; duration: number }[] }[];
    };
    const scale = [60, 62, 64, 65, 67, 69, 71, 72];
    project.tracks[0].notes = [
      { id: 'bass', pitch: 36, velocity: 70, start: 0, duration: 8 * ppq },
      ...scale.map((pitch, i) => ({
        id: `s${i}`,
        pitch,
        velocity: 40 + i * 10,
        start: i * ppq,
        duration: ppq,
      })),
      ...[64, 67, 72].map((pitch) => ({
        id: `c${pitch}`,
        pitch,
        velocity: 100,
        start: 7 * ppq,
        duration: ppq,
      })),
    ].sort((a, b) => a.start - b.start || a.pitch - b.pitch);
    hooks.openProject(project);
  }, PPQ);
}

test('play, pause, stop, seek, tempo, loop and an offline render with the sampled piano', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const sampleRequests: { url: string; status: number }[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.mp3'))
      sampleRequests.push({ url: response.url(), status: response.status() });
  });
  await page.setViewportSize({ width: 1500, height: 900 });
  await openStudio(page, host.url);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Compose');
  await openPhrase(page);

  const transport = page.getByRole('toolbar', { name: 'Transport' });
  const position = transport.getByTestId('transport-position');
  const clock = transport.getByTestId('transport-time');
  await expect(position).toHaveText('1:1');
  await expect(clock).toHaveText('0:00.0');

  // The sampled piano loads from the app's own files (no network), all 30 samples.
  await expect.poll(() => call(page, 'pianoLoaded'), { timeout: 30_000 }).toBe(true);
  console.log(`piano samples fetched and decoded in ${await call(page, 'pianoLoadMs')} ms`);
  await expect(transport.getByTestId('piano-status')).toHaveText('Grand piano');
  const origin = new URL(host.url).origin;
  expect(sampleRequests).toHaveLength(30);
  for (const request of sampleRequests) {
    expect(request.url.startsWith(`${origin}/piano/`), request.url).toBe(true);
    expect(request.status).toBe(200);
  }

  // Play: the playhead advances with the audio clock; Stop returns it to where play started.
  await transport.getByRole('button', { name: 'Play' }).click();
  await expect(transport.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(() => playheadSeconds(page), { timeout: 5_000 }).toBeGreaterThan(0.5);
  // Measured in the page (no round trips): the playhead keeps time with the page's clock.
  const drift = await page.evaluate(async () => {
    const hooks = (globalThis as unknown as { __continuo: Hooks }).__continuo;
    const wall0 = performance.now();
    const head0 = hooks.playheadSeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { wall: (performance.now() - wall0) / 1000, moved: hooks.playheadSeconds() - head0 };
  });
  console.log(`playhead advanced ${drift.moved.toFixed(3)} s in ${drift.wall.toFixed(3)} s of page time`);
  expect(drift.moved / drift.wall).toBeGreaterThan(0.85);
  expect(drift.moved / drift.wall).toBeLessThan(1.15);
  await expect(position).not.toHaveText('1:1');
  await page.screenshot({ path: testInfo.outputPath('playing.png') });
  await transport.getByRole('button', { name: 'Stop' }).click();
  await expect(transport.getByRole('button', { name: 'Play' })).toBeVisible();
  expect(await playheadSeconds(page)).toBe(0);
  await page.waitForTimeout(400);
  expect(await playheadSeconds(page)).toBe(0);
  expect(await call(page, 'playing')).toBe(false);
  await expect(position).toHaveText('1:1');

  // Space plays and pauses (focus not in a text field); a pause keeps the position.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await expect.poll(() => playheadSeconds(page), { timeout: 5_000 }).toBeGreaterThan(0.4);
  await page.keyboard.press('Space');
  await expect.poll(() => call(page, 'playing')).toBe(false);
  const paused = await playheadSeconds(page);
  expect(paused).toBeGreaterThan(0.4);
  await page.waitForTimeout(300);
  expect(await playheadSeconds(page)).toBe(paused);
  // Space on a focused transport button toggles once (the button is not also pressed).
  await transport.getByRole('button', { name: 'Stop' }).focus();
  await page.keyboard.press('Space');
  await expect.poll(() => call(page, 'playing')).toBe(true);
  await page.waitForTimeout(200);
  expect(await call(page, 'playing')).toBe(true);
  await page.keyboard.press('Space');
  await expect.poll(() => call(page, 'playing')).toBe(false);
  expect(await playheadSeconds(page)).toBeGreaterThan(paused);

  // A playhead placed by the editor (a click on the ruler) is where play starts, and Stop's target.
  await clickRuler(page, 960);
  await expect(position).toHaveText('1:3');
  await expect.poll(() => playheadSeconds(page)).toBe(1);
  await transport.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => playheadSeconds(page), { timeout: 5_000 }).toBeGreaterThan(1.3);
  await transport.getByRole('button', { name: 'Stop' }).click();
  expect(await playheadSeconds(page)).toBe(1);

  // Typing in the BPM field does not play; the new tempo is an edit of the project.
  const bpm = transport.getByLabel('Tempo (BPM)');
  await expect(bpm).toHaveValue('120');
  await bpm.fill('240');
  await bpm.press('Enter');
  await expect.poll(() => call(page, 'project').then((p) => p.tempos)).toEqual([{ tick: 0, qpm: 240 }]);
  await bpm.focus();
  await page.keyboard.press('Space');
  expect(await call(page, 'playing')).toBe(false);
  await expect.poll(() => playheadSeconds(page)).toBe(0.5);
  await expect(clock).toHaveText('0:00.5');

  // Loop (4 bars from the playhead's bar = 4 s at 240 qpm): playing past its end wraps to its start.
  await transport.getByRole('button', { name: 'Metronome' }).click();
  await expect(transport.getByRole('button', { name: 'Metronome' })).toHaveAttribute('aria-pressed', 'true');
  await transport.getByRole('button', { name: 'Loop' }).click();
  await expect(transport.getByRole('button', { name: 'Loop' })).toHaveAttribute('aria-pressed', 'true');
  await call(page, 'setPlayheadTick', 3 * 4 * 480 + 480);
  await transport.getByRole('button', { name: 'Play' }).click();
  // 3.25 s to the loop's end at 4 s: poll often, or the 0.4 s window above 3.6 s can be missed
  // (the default poll waits up to 1 s between reads on a loaded machine).
  await expect.poll(() => playheadSeconds(page), { timeout: 5_000, intervals: [50] }).toBeGreaterThan(3.6);
  await expect.poll(() => playheadSeconds(page), { timeout: 5_000, intervals: [50] }).toBeLessThan(1);
  await page.screenshot({ path: testInfo.outputPath('looping.png') });
  await transport.getByRole('button', { name: 'Stop' }).click();
  await transport.getByRole('button', { name: 'Loop' }).click();
  await transport.getByRole('button', { name: 'Metronome' }).click();

  // Offline render with the sampler (not the fallback synth): a non-silent buffer.
  const render = await call(page, 'renderOffline');
  console.log(
    `offline render: ${render.notes} notes, ${render.seconds.toFixed(2)} s, peak ${render.peak.toFixed(3)}, rms ${render.rms.toFixed(4)}`,
  );
  expect(render.usedSamples).toBe(true);
  expect(render.notes).toBe(12);
  expect(render.peak).toBeGreaterThan(0.05);
  expect(render.peak).toBeLessThanOrEqual(1.5);
  expect(render.rms).toBeGreaterThan(0.005);

  // A muted track is not heard; solo brings it back.
  const tracks = page.getByRole('region', { name: 'Tracks' });
  await tracks.getByRole('button', { name: 'Mute Piano' }).click();
  const muted = await call(page, 'renderOffline');
  expect(muted.notes).toBe(0);
  expect(muted.peak).toBe(0);
  await tracks.getByRole('button', { name: 'Solo Piano' }).click();
  expect((await call(page, 'renderOffline')).notes).toBe(12);
  await tracks.getByRole('button', { name: 'Solo Piano' }).click();
  await tracks.getByRole('button', { name: 'Mute Piano' }).click();

  // The About box credits the piano samples.
  await transport.getByRole('button', { name: 'About' }).click();
  const about = page.getByRole('dialog', { name: 'About Continuo' });
  await expect(about).toBeVisible();
  await expect(about.getByTestId('piano-credit')).toContainText('Salamander Grand Piano');
  await expect(about.getByTestId('piano-credit')).toContainText('Alexander Holm');
  await expect(about.getByTestId('piano-credit')).toContainText('CC BY 3.0');
  await about.screenshot({ path: testInfo.outputPath('about.png') });
  await about.getByRole('button', { name: 'Close' }).click();
  await expect(about).toBeHidden();
  expect(errors).toEqual([]);
});
