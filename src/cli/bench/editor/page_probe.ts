/**
 * The editor benchmark's code that runs inside the studio page (passed to page.evaluate, so each
 * function is self-contained). The Node program has no DOM types: the few page globals used are
 * declared here, in this module only.
 */
import type { FrameSummary } from '../../../renderer/src/lib/roll/frame_stats.ts';

declare const window: unknown;
declare function requestAnimationFrame(callback: () => void): number;
declare const performance: { now(): number };
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): { startTime: number; duration: number }[] }) => void);
  observe(options: { type: string; buffered?: boolean }): void;
}

/** Per-frame work figures the editor records (ms): the editor's own type. */
export type { FrameSummary };

interface RollViewLike {
  scrollTick: number;
  scrollY: number;
  pxPerTick: number;
  rowHeight: number;
  width: number;
  height: number;
}

/** What the studio page exposes on `window.__continuo` that the benchmark uses. */
interface EditorHooks {
  openProject(project: unknown): void;
  selection(): string[];
  frameStats(): FrameSummary;
  resetFrameStats(): void;
  sessionStats(): { notes: number; selected: number };
  roll: {
    view(): RollViewLike;
    setView(view: Partial<RollViewLike>): void;
    clientPoint(tick: number, pitch: number): { x: number; y: number };
  };
}

interface ProbeWindow {
  __continuo: EditorHooks;
  __projectText?: string;
  __longTasks?: { start: number; duration: number }[];
}

/** Starts collecting long tasks (PerformanceObserver 'longtask'). */
export function startLongTasks(): void {
  const target = window as ProbeWindow;
  target.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      target.__longTasks?.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask' });
}

/** Durations of the long tasks over 50 ms since page time `since`. */
export function longTasksSince(since: number): number[] {
  return ((window as ProbeWindow).__longTasks ?? [])
    .filter((t) => t.start >= since && t.duration > 50)
    .map((t) => Math.round(t.duration));
}

/** Resolves after two animation frames (the last input has been drawn). */
export function settle(): Promise<void> {
  return new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

/** Resets the frame statistics; returns the page time. */
export function resetFrames(): number {
  (window as ProbeWindow).__continuo.resetFrameStats();
  return performance.now();
}

export function frameStats(): FrameSummary {
  return (window as ProbeWindow).__continuo.frameStats();
}

export function selection(): string[] {
  return (window as ProbeWindow).__continuo.selection();
}

export function sessionNotes(): number {
  return (window as ProbeWindow).__continuo.sessionStats().notes;
}

export function clientPoint({ tick, pitch }: { tick: number; pitch: number }): { x: number; y: number } {
  return (window as ProbeWindow).__continuo.roll.clientPoint(tick, pitch);
}

/**
 * Hands the project file's text to the page ahead of the measurement: moving 2 MB through the
 * DevTools protocol is itself a long task (of the harness, not of the studio).
 */
export function stashProjectText(json: string): void {
  (window as ProbeWindow).__projectText = json;
}

/**
 * Opens the stashed project file text: JSON.parse, hand it to the session, wait for the editor's
 * next full draw. Returns the time from the start to the end of that draw, and the parse alone.
 */
export async function openAndDraw(): Promise<{ firstDrawMs: number; parseMs: number; notes: number }> {
  const hooks = (window as ProbeWindow).__continuo;
  const json = (window as ProbeWindow).__projectText ?? '';
  const before = hooks.frameStats().fullDraws;
  const t0 = performance.now();
  const parsed: unknown = JSON.parse(json);
  const parseMs = performance.now() - t0;
  hooks.openProject(parsed);
  for (;;) {
    await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
    const stats = hooks.frameStats();
    if (stats.fullDraws > before)
      return { firstDrawMs: stats.lastFullDrawAt - t0, parseMs, notes: stats.lastNotesDrawn };
  }
}

/** Shows ticks [from, to) across the middle 60 % of the roll, every piano pitch in view. */
export function showWindow({ from, to }: { from: number; to: number }): void {
  const roll = (window as ProbeWindow).__continuo.roll;
  const view = roll.view();
  const pxPerTick = (view.width * 0.6) / (to - from);
  const rowHeight = Math.max(4, Math.min(6, view.height / 92));
  roll.setView({
    pxPerTick,
    scrollTick: from - (view.width * 0.2) / pxPerTick,
    rowHeight,
    scrollY: (127 - 110) * rowHeight,
  });
}
