import type { MidiNote, Ticks } from '../../../../shared/project/types.ts';

/**
 * The piano roll's one coordinate transform. Every layer draws through it and every gesture hit
 * tests through it, so what is drawn and what is clicked always agree. Coordinates are CSS
 * pixels relative to the top-left of the note area (the keyboard and ruler are outside it).
 */
export interface RollViewport {
  /** Tick at the left edge. */
  scrollTick: Ticks;
  /** Pixels scrolled down from the top of pitch 127's row. */
  scrollY: number;
  /** Horizontal zoom: CSS pixels per tick. */
  pxPerTick: number;
  /** Vertical zoom: CSS pixels per semitone row. */
  rowHeight: number;
  /** Size of the note area in CSS pixels. */
  width: number;
  height: number;
}

/** The highest and lowest rows the roll shows (the whole MIDI range). */
export const TOP_PITCH = 127;
export const PITCH_ROWS = 128;

export const MIN_PX_PER_TICK = 0.0002;
export const MAX_PX_PER_TICK = 2;
export const MIN_ROW_HEIGHT = 4;
export const MAX_ROW_HEIGHT = 40;

export function tickToX(view: RollViewport, tick: Ticks): number {
  return (tick - view.scrollTick) * view.pxPerTick;
}

/** Tick under an x (not snapped, not rounded). */
export function xToTick(view: RollViewport, x: number): Ticks {
  return view.scrollTick + x / view.pxPerTick;
}

/** y of the top of a pitch's row (high pitches at the top). */
export function pitchToY(view: RollViewport, pitch: MidiNote): number {
  return (TOP_PITCH - pitch) * view.rowHeight - view.scrollY;
}

/** Pitch whose row holds a y, clamped to 0..127. */
export function yToPitch(view: RollViewport, y: number): MidiNote {
  const pitch = TOP_PITCH - Math.floor((y + view.scrollY) / view.rowHeight);
  return Math.min(TOP_PITCH, Math.max(0, pitch));
}

/** The ticks the note area shows, [from, to). */
export function visibleTicks(view: RollViewport): { from: Ticks; to: Ticks } {
  return { from: view.scrollTick, to: xToTick(view, view.width) };
}

/** The pitches with at least part of their row visible, inclusive. */
export function visiblePitches(view: RollViewport): { low: MidiNote; high: MidiNote } {
  return { low: yToPitch(view, view.height - 0.001), high: yToPitch(view, 0) };
}

/** Height of all 128 rows. */
export function contentHeight(view: RollViewport): number {
  return PITCH_ROWS * view.rowHeight;
}

/** Keeps the scroll inside the content: never before tick 0, never past the lowest row. */
export function clampViewport(view: RollViewport): RollViewport {
  const maxScrollY = Math.max(0, contentHeight(view) - view.height);
  return {
    ...view,
    pxPerTick: Math.min(MAX_PX_PER_TICK, Math.max(MIN_PX_PER_TICK, view.pxPerTick)),
    scrollTick: Math.max(0, view.scrollTick),
    scrollY: Math.min(maxScrollY, Math.max(0, view.scrollY)),
  };
}

/** Scrolls by pixels (positive: later / lower pitches). */
export function scrollBy(view: RollViewport, dx: number, dy: number): RollViewport {
  return clampViewport({
    ...view,
    scrollTick: view.scrollTick + dx / view.pxPerTick,
    scrollY: view.scrollY + dy,
  });
}

/** Zooms time by `factor` (>1 zooms in), keeping the tick under `anchorX` where it is. */
export function zoomTime(view: RollViewport, factor: number, anchorX = view.width / 2): RollViewport {
  const anchorTick = xToTick(view, anchorX);
  const pxPerTick = Math.min(MAX_PX_PER_TICK, Math.max(MIN_PX_PER_TICK, view.pxPerTick * factor));
  return clampViewport({ ...view, pxPerTick, scrollTick: anchorTick - anchorX / pxPerTick });
}

/** Zooms pitch rows by `factor` (>1 zooms in), keeping the row under `anchorY` where it is. */
export function zoomPitch(view: RollViewport, factor: number, anchorY = view.height / 2): RollViewport {
  const anchorRows = (anchorY + view.scrollY) / view.rowHeight;
  const rowHeight = Math.min(MAX_ROW_HEIGHT, Math.max(MIN_ROW_HEIGHT, view.rowHeight * factor));
  return clampViewport({ ...view, rowHeight, scrollY: anchorRows * rowHeight - anchorY });
}

/** Scrolls so `tick` sits `marginPx` from the left edge if it is out of view. */
export function revealTick(view: RollViewport, tick: Ticks, marginPx = 40): RollViewport {
  const x = tickToX(view, tick);
  if (x >= 0 && x <= view.width - marginPx) return view;
  return clampViewport({ ...view, scrollTick: tick - marginPx / view.pxPerTick });
}

/** Scrolls vertically so the rows `low..high` are centred. */
export function centrePitches(view: RollViewport, low: MidiNote, high: MidiNote): RollViewport {
  const middleRow = TOP_PITCH - (low + high) / 2 + 0.5;
  return clampViewport({ ...view, scrollY: middleRow * view.rowHeight - view.height / 2 });
}

/**
 * A viewport that shows `[fromTick, toTick)` and the pitches `low..high` whole, with a margin,
 * within the zoom limits.
 */
export function fitViewport(
  view: RollViewport,
  fromTick: Ticks,
  toTick: Ticks,
  low: MidiNote,
  high: MidiNote,
): RollViewport {
  const span = Math.max(1, toTick - fromTick);
  const pxPerTick = (view.width * 0.96) / span;
  const rows = Math.max(12, high - low + 3);
  const rowHeight = Math.min(MAX_ROW_HEIGHT, Math.max(MIN_ROW_HEIGHT, view.height / rows));
  const fitted = clampViewport({
    ...view,
    pxPerTick,
    rowHeight,
    scrollTick: fromTick - (view.width * 0.02) / pxPerTick,
  });
  return centrePitches(fitted, low, high);
}

/** Whether a pitch is a black key (drawn as a darker row). */
export function isBlackKey(pitch: MidiNote): boolean {
  const pc = ((pitch % 12) + 12) % 12;
  return pc === 1 || pc === 3 || pc === 6 || pc === 8 || pc === 10;
}

const PITCH_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Scientific pitch name: 60 -> C4. */
export function pitchName(pitch: MidiNote): string {
  return `${PITCH_NAMES[((pitch % 12) + 12) % 12]}${Math.floor(pitch / 12) - 1}`;
}
