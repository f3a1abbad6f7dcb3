import type { Page } from 'playwright-core';
import type { Benchmark, BenchFigures } from './benchmark.ts';
import { bigProject } from './editor/big_project.ts';
import * as probe from './editor/page_probe.ts';
import { openStudioPage } from './editor/web_session.ts';
import type { ProjectNote } from '../../shared/project/types.ts';

const NOTES = 20_000;
const SELECTED = 500;

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs one measured phase: frame stats reset before, summary and long tasks after. */
async function phase(
  page: Page,
  run: () => Promise<void>,
): Promise<{ frames: probe.FrameSummary; longTasks: number[] }> {
  const from = await page.evaluate(probe.resetFrames);
  await run();
  await page.evaluate(probe.settle);
  return {
    frames: await page.evaluate(probe.frameStats),
    longTasks: await page.evaluate(probe.longTasksSince, from),
  };
}

/** A tick window in the middle of the piece that `count` notes overlap. */
function windowOf(notes: readonly ProjectNote[], count: number): { from: number; to: number } {
  const middle = Math.floor(notes.length / 2);
  const from = notes[middle].start;
  for (let to = from + 1; ; to += 10) {
    const n = notes.filter((x) => x.start < to && x.start + x.duration > from).length;
    if (n >= count) return { from, to };
  }
}

/** The editor in Chromium on a 20,000-note MAESTRO project: first draw, then per-frame work. */
export const benchmark: Benchmark = {
  name: 'editor',
  description: `Piano-roll editor in headless Chromium, ${NOTES.toLocaleString('en')}-note MAESTRO project: first full draw; per-frame work (input + drawing) while scrolling, zooming and dragging ${SELECTED} selected notes`,
  reference: 'goals: first full draw < 1000 ms; frame work p95 <= 8 ms; no long task over 50 ms',
  async run(): Promise<BenchFigures> {
    const { project, text } = await bigProject(NOTES);
    const notes = project.tracks[0].notes;
    const studio = await openStudioPage();
    const { page } = studio;
    try {
      // Let the studio finish starting (piano samples, engine status) before measuring.
      await page.waitForTimeout(4000);
      await page.evaluate(probe.stashProjectText, text);
      await page.evaluate(probe.startLongTasks);
      // Open: parse the project file's JSON in the page, hand it to the session, wait for the draw.
      const openFrom = await page.evaluate(probe.resetFrames);
      const opened = await page.evaluate(probe.openAndDraw);
      await page.evaluate(probe.settle);
      const openLong = await page.evaluate(probe.longTasksSince, openFrom);
      const area = page.getByRole('application', { name: 'Piano roll notes' });
      const box = await area.boundingBox();
      if (!box) throw new Error('the piano roll is not on the page');
      const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await page.mouse.move(centre.x, centre.y);

      // Scroll: 150 wheel steps sideways (Shift), 80 up and down.
      const scroll = await phase(page, async () => {
        await page.keyboard.down('Shift');
        for (let i = 0; i < 150; i++) await page.mouse.wheel(0, 60);
        await page.keyboard.up('Shift');
        for (let i = 0; i < 80; i++) await page.mouse.wheel(0, i < 40 ? 30 : -30);
      });

      // Zoom: Ctrl+wheel out (to most of the piece in view) and back in.
      const zoom = await phase(page, async () => {
        await page.keyboard.down('Control');
        for (let i = 0; i < 60; i++) await page.mouse.wheel(0, 60);
        for (let i = 0; i < 60; i++) await page.mouse.wheel(0, -60);
        await page.keyboard.up('Control');
      });

      // The worst case: zoom to fit (all 20,000 notes in view), then zoom the pitch rows in and out
      // (Ctrl+Shift+wheel), each frame drawing every note.
      const whole = await phase(page, async () => {
        await page.keyboard.press('f');
        await page.keyboard.down('Control');
        await page.keyboard.down('Shift');
        for (let i = 0; i < 40; i++) await page.mouse.wheel(0, i < 20 ? -40 : 40);
        await page.keyboard.up('Shift');
        await page.keyboard.up('Control');
      });

      // Select 500 notes with a rubber band over a window of the piece shown whole, then drag them.
      const span = windowOf(notes, SELECTED);
      await page.evaluate(probe.showWindow, span);
      await page.evaluate(probe.settle);
      await page.keyboard.press('v');
      const from = await page.evaluate(probe.clientPoint, { tick: span.from, pitch: 127 });
      const to = await page.evaluate(probe.clientPoint, { tick: span.to, pitch: 0 });
      await page.mouse.move(from.x + 0.5, box.y + 2);
      await page.mouse.down();
      await page.mouse.move(to.x - 0.5, box.y + box.height - 2, { steps: 10 });
      await page.mouse.up();
      const selected = await page.evaluate(probe.selection);
      const chosen = new Set(selected);
      const grab = notes.filter((n) => chosen.has(n.id)).sort((a, b) => b.duration - a.duration)[0];
      if (!grab) throw new Error('the rubber band selected nothing');
      const grabAt = await page.evaluate(probe.clientPoint, {
        tick: grab.start + grab.duration / 2,
        pitch: grab.pitch,
      });
      const drag = await phase(page, async () => {
        await page.mouse.move(grabAt.x, grabAt.y);
        await page.mouse.down();
        for (let i = 1; i <= 120; i++)
          await page.mouse.move(grabAt.x + i * 2, grabAt.y + Math.round(Math.sin(i / 10) * 24));
        await page.mouse.up();
      });
      const notesAfter = await page.evaluate(probe.sessionNotes);

      const all = [scroll, zoom, whole, drag];
      const worstP95 = Math.max(...all.map((p) => p.frames.p95));
      const longTasks = [...openLong, ...all.flatMap((p) => p.longTasks)];
      return {
        notes: notes.length,
        'first full draw ms (JSON.parse + open + draw)': round(opened.firstDrawMs, 1),
        'JSON.parse ms': round(opened.parseMs, 1),
        'notes in first view': opened.notes,
        'scroll frames': scroll.frames.frames,
        'scroll frame work p50 / p95 / max ms': `${round(scroll.frames.p50)} / ${round(scroll.frames.p95)} / ${round(scroll.frames.max)}`,
        'zoom frames': zoom.frames.frames,
        'zoom frame work p50 / p95 / max ms': `${round(zoom.frames.p50)} / ${round(zoom.frames.p95)} / ${round(zoom.frames.max)}`,
        'whole piece in view: frames': whole.frames.frames,
        'whole piece in view: frame work p50 / p95 / max ms': `${round(whole.frames.p50)} / ${round(whole.frames.p95)} / ${round(whole.frames.max)}`,
        'whole piece in view: notes drawn': whole.frames.lastNotesDrawn,
        'selected for drag': selected.length,
        'drag frames': drag.frames.frames,
        'drag frame work p50 / p95 / max ms': `${round(drag.frames.p50)} / ${round(drag.frames.p95)} / ${round(drag.frames.max)}`,
        'worst p95 ms, all phases (goal <= 8)': round(worstP95),
        'long tasks > 50 ms': longTasks.length,
        'long tasks ms: open': openLong.join(', ') || 'none',
        'long tasks ms: scroll': scroll.longTasks.join(', ') || 'none',
        'long tasks ms: zoom': zoom.longTasks.join(', ') || 'none',
        'long tasks ms: whole piece': whole.longTasks.join(', ') || 'none',
        'long tasks ms: drag': drag.longTasks.join(', ') || 'none',
        'project notes after drag': notesAfter,
      };
    } finally {
      await studio.close();
    }
  },
};
