import type { NoteWire } from '../../../shared/ipc/index.ts';

/**
 * The piano roll's one coordinate transform: time -> x, pitch -> y over a visible window.
 * Drawing and (later) editing both go through it, so they always agree.
 */
export interface RollView {
  /** Visible time window, seconds. */
  timeStart: number;
  timeEnd: number;
  /** Visible pitch range, inclusive. */
  pitchLow: number;
  pitchHigh: number;
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
}

/** x of a time. */
export function timeToX(view: RollView, time: number): number {
  return ((time - view.timeStart) / Math.max(1e-9, view.timeEnd - view.timeStart)) * view.width;
}

/** Height of one pitch row. */
export function rowHeight(view: RollView): number {
  return view.height / (view.pitchHigh - view.pitchLow + 1);
}

/** y of the top of a pitch's row (high pitches at the top). */
export function pitchToY(view: RollView, pitch: number): number {
  return (view.pitchHigh - pitch) * rowHeight(view);
}

/** Time at an x (for later editing and hit tests). */
export function xToTime(view: RollView, x: number): number {
  return view.timeStart + (x / view.width) * (view.timeEnd - view.timeStart);
}

/** A view that shows `notes` whole: their pitch range with a margin, from 0 to the end. */
export function fitView(
  notes: readonly NoteWire[],
  totalTime: number,
  width: number,
  height: number,
): RollView {
  let low = 127;
  let high = 0;
  for (const note of notes) {
    low = Math.min(low, note.pitch);
    high = Math.max(high, note.pitch);
  }
  if (notes.length === 0) [low, high] = [60, 72];
  return {
    timeStart: 0,
    timeEnd: Math.max(1, totalTime),
    pitchLow: Math.max(0, low - 2),
    pitchHigh: Math.min(127, high + 2),
    width,
    height,
  };
}

/** The notes that overlap the visible window (only those are drawn). */
export function visibleNotes(view: RollView, notes: readonly NoteWire[]): NoteWire[] {
  return notes.filter(
    (note) =>
      note.endTime >= view.timeStart &&
      note.startTime <= view.timeEnd &&
      note.pitch >= view.pitchLow &&
      note.pitch <= view.pitchHigh,
  );
}
