/**
 * Comparing two readings of a melody note for note: the same pitches start at the same onsets,
 * whatever order the notes of a chord or of nearby onsets come in.
 *
 * abc2midi (4.84, at 480 ticks per quarter) does not start a chord's notes together: the k-th
 * sounding note of a chord (in written order) starts 10·k ticks after the first, except when a
 * chord note is tied to the next note (then none is staggered), and every note starts 1 tick
 * late. With notes down to a 1/64 (30 ticks) and tuplets of them (20 ticks), a staggered chord
 * note lands a tick or two from the next onset, so sorted lists do not line up. Here notes are
 * matched to onsets instead: each `got` note must belong to an onset of `expected` with its
 * pitch, at that onset plus a whole number of staggers, and the notes of one onset must be
 * either unstaggered or one each at 0, 1, 2… staggers. Any other difference fails.
 */

/** A melody note for comparison: MIDI pitch and onset in quarter notes. */
export interface BeatNote {
  pitch: number;
  beat: number;
}

/** How far `got` may be from `expected`, in quarter notes. */
export interface OnsetTolerance {
  /** How late `got` starts every note (abc2midi: 1 tick). */
  lag: number;
  /** A `got` note this close to its (staggered, lagged) onset is on it. */
  tolerance: number;
  /** Delay between successive notes of a chord in `got`; 0 when chords start together. */
  chordStagger: number;
}

/** abc2midi's delay between successive notes of a chord, in its MIDI ticks. */
export const ABC2MIDI_CHORD_STAGGER_TICKS = 10;

/**
 * Tolerance for abc2midi's MIDI at its resolution: its 1-tick late start, a tick of rounding
 * (a 1/64 in a (4 tuplet is 22.5 ticks; abc2midi carries the remainder), and its chord stagger.
 */
export function abc2midiTolerance(ticksPerBeat: number): OnsetTolerance {
  return {
    lag: 1 / ticksPerBeat,
    tolerance: 1 / ticksPerBeat + FLOAT_NOISE,
    chordStagger: ABC2MIDI_CHORD_STAGGER_TICKS / ticksPerBeat,
  };
}

/** Tolerance for a MIDI file without a stagger: every onset rounded to the nearest tick. */
export function midiTolerance(ticksPerBeat: number): OnsetTolerance {
  return { lag: 0, tolerance: 0.5 / ticksPerBeat + FLOAT_NOISE, chordStagger: 0 };
}

/** Onsets computed in floating point (seconds to beats) differ by about this much. */
const FLOAT_NOISE = 1e-6;

/** Tolerance for two exact readings (onsets computed in floating point). */
export const EXACT: OnsetTolerance = { lag: 0, tolerance: FLOAT_NOISE, chordStagger: 0 };

/** Where two readings part: the earliest onset whose notes differ. */
export interface OnsetMismatch {
  /** What is wrong there. */
  reason: 'missing or different note' | 'extra note' | 'chord stagger pattern' | 'search gave up';
  /** The onset (quarter notes) where the readings first differ. */
  beat: number;
  /** Pitches `expected` starts at that onset (empty for an extra note). */
  expected: number[];
  /** The `got` notes at that onset or within its chord's stagger. */
  got: BeatNote[];
  expectedCount: number;
  gotCount: number;
}

/** Notes of `expected` starting together (within EXACT), in time order. */
interface Onset {
  beat: number;
  pitches: number[];
}

/** Steps of the matching search before it gives up (only many nearby equal pitches need many). */
const SEARCH_BUDGET = 200_000;

function onsetsOf(notes: readonly BeatNote[]): Onset[] {
  const sorted = [...notes].sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
  const onsets: Onset[] = [];
  for (const note of sorted) {
    const last = onsets.at(-1);
    if (last && note.beat - last.beat <= EXACT.tolerance) last.pitches.push(note.pitch);
    else onsets.push({ beat: note.beat, pitches: [note.pitch] });
  }
  return onsets;
}

/** The notes of an onset are unstaggered, or one each at 0, 1, 2… staggers. */
function staggerPatternOk(offsets: number[], tolerance: OnsetTolerance): boolean {
  const sorted = [...offsets].sort((a, b) => a - b);
  const together = sorted.every((o) => Math.abs(o) <= tolerance.tolerance);
  const staggered = sorted.every((o, k) => Math.abs(o - k * tolerance.chordStagger) <= tolerance.tolerance);
  return together || staggered;
}

/** True when `offset` from an onset of `size` notes is on one of its stagger slots. */
function onSlot(offset: number, size: number, tolerance: OnsetTolerance): boolean {
  for (let k = 0; k < size; k++) {
    if (Math.abs(offset - k * tolerance.chordStagger) <= tolerance.tolerance) return true;
    if (tolerance.chordStagger === 0) break;
  }
  return false;
}

/**
 * Compares `got` with `expected` (an exact reading: the roll or the sheet music). Returns null
 * when every onset has the same pitches (as a multiset), else the earliest onset that differs.
 */
export function compareOnsets(
  expected: readonly BeatNote[],
  gotNotes: readonly BeatNote[],
  tolerance: OnsetTolerance,
): OnsetMismatch | null {
  const onsets = onsetsOf(expected);
  // Matched without their lag; reported as given.
  const got = gotNotes
    .map((n) => ({ pitch: n.pitch, beat: n.beat - tolerance.lag }))
    .sort((a, b) => a.beat - b.beat || a.pitch - b.pitch);
  const lastBeat = (o: Onset): number =>
    o.beat + (o.pitches.length - 1) * tolerance.chordStagger + tolerance.tolerance;
  const widest = Math.max(0, ...onsets.map((o) => o.pitches.length - 1)) * tolerance.chordStagger;
  const remaining = onsets.map((o) => {
    const counts = new Map<number, number>();
    for (const p of o.pitches) counts.set(p, (counts.get(p) ?? 0) + 1);
    return counts;
  });
  const offsets: number[][] = onsets.map(() => []);
  // Before matching got[i], every onset whose last slot is before it must be complete.
  const dueBefore: number[][] = got.map(() => []);
  onsets.forEach((o, c) => {
    const i = firstIndexFrom(got, lastBeat(o), true);
    if (i < got.length) dueBefore[i].push(c);
  });
  let steps = 0;
  const assign = (i: number): boolean => {
    if (++steps > SEARCH_BUDGET) return false;
    for (const c of dueBefore[i] ?? []) if (offsets[c].length < onsets[c].pitches.length) return false;
    if (i === got.length) return true;
    const g = got[i];
    for (
      let c = firstIndexFrom(onsets, g.beat - widest - tolerance.tolerance, false);
      c < onsets.length;
      c++
    ) {
      const onset = onsets[c];
      if (onset.beat > g.beat + tolerance.tolerance) break;
      const left = remaining[c].get(g.pitch) ?? 0;
      const offset = g.beat - onset.beat;
      if (left === 0 || !onSlot(offset, onset.pitches.length, tolerance)) continue;
      remaining[c].set(g.pitch, left - 1);
      offsets[c].push(offset);
      const complete = offsets[c].length === onset.pitches.length;
      if ((!complete || staggerPatternOk(offsets[c], tolerance)) && assign(i + 1)) return true;
      offsets[c].pop();
      remaining[c].set(g.pitch, left);
    }
    return false;
  };
  if (got.length === expected.length && assign(0)) return null;
  return firstMismatch(onsets, got, tolerance, expected.length, steps > SEARCH_BUDGET);
}

/** The first index of `sorted` (by beat) with beat >= `beat`, or > `beat` when `after`. */
function firstIndexFrom(sorted: readonly { beat: number }[], beat: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].beat < beat || (after && sorted[mid].beat === beat)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The earliest onset that cannot be matched, found greedily (for the message only). */
function firstMismatch(
  onsets: Onset[],
  got: BeatNote[],
  tolerance: OnsetTolerance,
  expectedCount: number,
  gaveUp: boolean,
): OnsetMismatch {
  const used = new Set<number>();
  const mismatch = (reason: OnsetMismatch['reason'], beat: number, pitches: number[]): OnsetMismatch => {
    const span = Math.max(0, pitches.length - 1) * tolerance.chordStagger + tolerance.tolerance;
    return {
      reason,
      beat,
      expected: pitches,
      got: got
        .filter((g) => g.beat >= beat - tolerance.tolerance && g.beat <= beat + span)
        .map((g) => ({ pitch: g.pitch, beat: g.beat + tolerance.lag })),
      expectedCount,
      gotCount: got.length,
    };
  };
  let next = 0;
  let stagger: Onset | undefined;
  for (const onset of onsets) {
    // A got note before this onset that no earlier onset took is an extra note.
    for (; next < got.length && got[next].beat < onset.beat - tolerance.tolerance; next++) {
      if (!used.has(next)) return mismatch('extra note', got[next].beat, []);
    }
    const offsets: number[] = [];
    for (const pitch of onset.pitches) {
      const k = got.findIndex(
        (n, j) =>
          j >= next &&
          !used.has(j) &&
          n.pitch === pitch &&
          onSlot(n.beat - onset.beat, onset.pitches.length, tolerance),
      );
      if (k < 0) return mismatch('missing or different note', onset.beat, onset.pitches);
      used.add(k);
      offsets.push(got[k].beat - onset.beat);
    }
    if (!stagger && !staggerPatternOk(offsets, tolerance)) stagger = onset;
  }
  const extra = got.findIndex((_, j) => !used.has(j));
  if (extra >= 0) return mismatch('extra note', got[extra].beat, []);
  if (stagger && !gaveUp) return mismatch('chord stagger pattern', stagger.beat, stagger.pitches);
  return mismatch('search gave up', onsets[0]?.beat ?? 0, onsets[0]?.pitches ?? []);
}
