/**
 * Musical time of a project: ticks <-> seconds through the tempo map, and bars/beats through the
 * time signatures. Pure functions over the project's event lists (sorted by tick, first at 0).
 */
import { DEFAULT_QPM } from '../music/note_sequence.ts';
import type { Seconds } from '../music/units.ts';
import { PPQ, type TempoEvent, type Ticks, type TimeSignatureEvent } from './types.ts';

/** The time signature a project without one is in. */
const DEFAULT_TIME_SIGNATURE: TimeSignatureEvent = { tick: 0, numerator: 4, denominator: 4 };

/** The tempo list to use: the given one, or 120 qpm from tick 0 when it is empty. */
function tempoList(tempos: readonly TempoEvent[]): readonly TempoEvent[] {
  return tempos.length ? tempos : [{ tick: 0, qpm: DEFAULT_QPM }];
}

/** Seconds per tick at a tempo. */
function secondsPerTick(qpm: number): number {
  return 60 / (qpm * PPQ);
}

/** Time in seconds of `tick`, following the tempo map (120 qpm when it is empty). */
export function ticksToSeconds(tempos: readonly TempoEvent[], tick: Ticks): Seconds {
  const list = tempoList(tempos);
  let seconds = 0;
  let prevTick = 0;
  let qpm = list[0].qpm;
  for (const tempo of list) {
    if (tempo.tick >= tick) break;
    seconds += (Math.max(tempo.tick, 0) - prevTick) * secondsPerTick(qpm);
    prevTick = Math.max(tempo.tick, 0);
    qpm = tempo.qpm;
  }
  return seconds + (tick - prevTick) * secondsPerTick(qpm);
}

/** Tick at `seconds`, following the tempo map; not rounded. */
export function secondsToTicks(tempos: readonly TempoEvent[], seconds: Seconds): Ticks {
  const list = tempoList(tempos);
  let at = 0;
  let prevTick = 0;
  let qpm = list[0].qpm;
  for (const tempo of list) {
    const tick = Math.max(tempo.tick, 0);
    const segmentEnd = at + (tick - prevTick) * secondsPerTick(qpm);
    if (segmentEnd >= seconds && tick > prevTick) break;
    at = segmentEnd;
    prevTick = tick;
    qpm = tempo.qpm;
  }
  return prevTick + (seconds - at) / secondsPerTick(qpm);
}

/** Ticks of one bar of a time signature (a 6/8 bar is 3 quarters). */
export function ticksPerBar(ts: Pick<TimeSignatureEvent, 'numerator' | 'denominator'>): Ticks {
  return (ts.numerator * PPQ * 4) / ts.denominator;
}

/** Ticks of one beat (the signature's denominator note). */
function ticksPerBeat(ts: Pick<TimeSignatureEvent, 'denominator'>): Ticks {
  return (PPQ * 4) / ts.denominator;
}

/** A stretch of one time signature: where it starts, and the number of its first bar. */
interface MeterSegment {
  ts: TimeSignatureEvent;
  startTick: Ticks;
  /** End (exclusive), Infinity for the last. */
  endTick: Ticks;
  firstBar: number;
}

/**
 * The signatures as segments with bar numbers. A change in the middle of a bar starts a new bar
 * there (the cut bar is counted), as notation programs do.
 */
function meterSegments(timeSignatures: readonly TimeSignatureEvent[]): MeterSegment[] {
  const list = timeSignatures.length ? timeSignatures : [DEFAULT_TIME_SIGNATURE];
  const segments: MeterSegment[] = [];
  let bar = 1;
  for (let i = 0; i < list.length; i++) {
    const startTick = i === 0 ? 0 : list[i].tick;
    const next = list[i + 1];
    const endTick = next ? next.tick : Infinity;
    if (endTick <= startTick && next) continue; // replaced by a later change at the same tick
    segments.push({ ts: list[i], startTick, endTick, firstBar: bar });
    if (next) bar += Math.ceil((endTick - startTick) / ticksPerBar(list[i]));
  }
  return segments;
}

/** The segment holding `tick` (the first for negative ticks). */
function segmentAtTick(segments: readonly MeterSegment[], tick: Ticks): MeterSegment {
  let found = segments[0];
  for (const segment of segments) {
    if (segment.startTick <= tick) found = segment;
    else break;
  }
  return found;
}

/** Tick where a bar starts (bars are 1-based). */
export function barStartTick(timeSignatures: readonly TimeSignatureEvent[], bar: number): Ticks {
  const segments = meterSegments(timeSignatures);
  let found = segments[0];
  for (const segment of segments) {
    if (segment.firstBar <= bar) found = segment;
    else break;
  }
  return found.startTick + (bar - found.firstBar) * ticksPerBar(found.ts);
}

/** Bar (1-based), beat (1-based) and the ticks into that beat of `tick`. */
export function barAtTick(
  timeSignatures: readonly TimeSignatureEvent[],
  tick: Ticks,
): { bar: number; beat: number; tickInBeat: Ticks } {
  const segment = segmentAtTick(meterSegments(timeSignatures), tick);
  const barTicks = ticksPerBar(segment.ts);
  const beatTicks = ticksPerBeat(segment.ts);
  const offset = Math.max(tick - segment.startTick, 0);
  const barIndex = Math.floor(offset / barTicks);
  const inBar = offset - barIndex * barTicks;
  const beatIndex = Math.floor(inBar / beatTicks);
  return { bar: segment.firstBar + barIndex, beat: beatIndex + 1, tickInBeat: inBar - beatIndex * beatTicks };
}

/** One vertical line of the editor's grid. */
export interface GridLine {
  tick: Ticks;
  bar: number;
  /** 1-based beat the line is in. */
  beat: number;
  kind: 'bar' | 'beat' | 'sub';
}

/**
 * The grid lines between `fromTick` and `toTick` (both included): bar starts, beats and, with a
 * `subdivision`, every multiple of it from the bar start that is neither. Sorted by tick.
 */
export function gridLines(
  timeSignatures: readonly TimeSignatureEvent[],
  fromTick: Ticks,
  toTick: Ticks,
  subdivision: Ticks | null,
): GridLine[] {
  const lines: GridLine[] = [];
  const sub = subdivision !== null && subdivision > 0 ? subdivision : null;
  for (const segment of meterSegments(timeSignatures)) {
    if (segment.endTick <= fromTick) continue;
    if (segment.startTick > toTick) break;
    const barTicks = ticksPerBar(segment.ts);
    const beatTicks = ticksPerBeat(segment.ts);
    const firstIndex = Math.max(0, Math.floor((fromTick - segment.startTick) / barTicks));
    for (let index = firstIndex; ; index++) {
      const barStart = segment.startTick + index * barTicks;
      if (barStart > toTick || barStart >= segment.endTick) break;
      const bar = segment.firstBar + index;
      const barEnd = Math.min(barStart + barTicks, segment.endTick);
      const step = sub ?? beatTicks;
      for (let k = 0; ; k++) {
        const offset = k * step;
        const tick = barStart + offset;
        if (tick >= barEnd || tick > toTick) break;
        if (tick < fromTick) continue;
        const beatIndex = Math.floor(offset / beatTicks + 1e-9);
        const onBeat = Math.abs(offset - beatIndex * beatTicks) < 1e-6;
        if (!sub && !onBeat) continue;
        const kind = offset === 0 ? 'bar' : onBeat ? 'beat' : 'sub';
        lines.push({ tick, bar, beat: beatIndex + 1, kind });
      }
      // Beats that the subdivision steps over (e.g. a triplet grid) still get their lines.
      if (sub) {
        for (let beat = 1; beat * beatTicks < barEnd - barStart; beat++) {
          const tick = barStart + beat * beatTicks;
          if (tick < fromTick || tick > toTick) continue;
          if (Math.abs(Math.round((beat * beatTicks) / sub) * sub - beat * beatTicks) > 1e-6)
            lines.push({ tick, bar, beat: beat + 1, kind: 'beat' });
        }
      }
    }
  }
  lines.sort((a, b) => a.tick - b.tick);
  return lines;
}
