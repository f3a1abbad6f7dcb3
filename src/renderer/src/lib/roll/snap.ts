import { barAtTick, barStartTick } from '../../../../shared/project/time.ts';
import { PPQ, type Ticks, type TimeSignatureEvent } from '../../../../shared/project/types.ts';

/** A grid the editor snaps to: a note value (straight or triplet), or none. */
export type GridChoice =
  | '1/1'
  | '1/2'
  | '1/4'
  | '1/8'
  | '1/16'
  | '1/32'
  | '1/64'
  | '1/2T'
  | '1/4T'
  | '1/8T'
  | '1/16T'
  | '1/32T'
  | 'off';

/** The choices in menu order, with their labels (T: triplet). */
export const GRID_CHOICES: readonly { value: GridChoice; label: string }[] = [
  { value: '1/1', label: '1/1' },
  { value: '1/2', label: '1/2' },
  { value: '1/4', label: '1/4' },
  { value: '1/8', label: '1/8' },
  { value: '1/16', label: '1/16' },
  { value: '1/32', label: '1/32' },
  { value: '1/64', label: '1/64' },
  { value: '1/2T', label: '1/2 T' },
  { value: '1/4T', label: '1/4 T' },
  { value: '1/8T', label: '1/8 T' },
  { value: '1/16T', label: '1/16 T' },
  { value: '1/32T', label: '1/32 T' },
  { value: 'off', label: 'Off' },
];

/** Ticks of one grid step, or null for no grid. A triplet step is 2/3 of the straight one. */
export function gridTicks(choice: GridChoice): Ticks | null {
  if (choice === 'off') return null;
  const triplet = choice.endsWith('T');
  const denominator = Number(choice.slice(2, triplet ? -1 : undefined));
  const straight = (PPQ * 4) / denominator;
  return triplet ? (straight * 2) / 3 : straight;
}

/** How a tick snaps: to the nearest line, or the line at or before it. */
export type SnapMode = 'nearest' | 'floor';

/**
 * Snaps `tick` to the grid, counted from the start of its bar (so a grid stays on the beat
 * after a time-signature change). `grid` null leaves it as it is, rounded to a whole tick.
 */
export function snapTick(
  timeSignatures: readonly TimeSignatureEvent[],
  tick: Ticks,
  grid: Ticks | null,
  mode: SnapMode = 'nearest',
): Ticks {
  if (grid === null || grid <= 0) return Math.max(0, Math.round(tick));
  const barStart = barStartTick(timeSignatures, barAtTick(timeSignatures, Math.max(0, tick)).bar);
  const steps = (tick - barStart) / grid;
  const snapped = barStart + (mode === 'floor' ? Math.floor(steps + 1e-9) : Math.round(steps)) * grid;
  return Math.max(0, Math.round(snapped));
}

/** Snaps a delta (a move) to whole grid steps; free when `grid` is null. */
export function snapDelta(delta: Ticks, grid: Ticks | null): Ticks {
  if (grid === null || grid <= 0) return Math.round(delta);
  return Math.round(Math.round(delta / grid) * grid);
}
