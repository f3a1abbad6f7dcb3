/**
 * Pure helpers over NoteSequence, in the spirit of magenta-js `sequences.ts`.
 * Every function leaves its arguments untouched and returns a new sequence (or value).
 */
import {
  DEFAULT_QPM,
  type KeySignature,
  type Note,
  type NoteSequence,
  type SequenceSource,
  type TempoChange,
  type TimeSignature,
} from './note_sequence.ts';
import type { MidiNote, Seconds } from './units.ts';

/** A sequence with no notes, the default tempo (empty tempo list = 120 qpm) and nothing else. */
export function emptySequence(source: SequenceSource): NoteSequence {
  return {
    notes: [],
    tempos: [],
    timeSignatures: [],
    keySignatures: [],
    instruments: [],
    totalTime: 0,
    source: { ...source },
  };
}

/** A deep copy: changing the copy never changes the original. */
export function cloneSequence(ns: NoteSequence): NoteSequence {
  const copy: NoteSequence = {
    notes: ns.notes.map((n) => ({ ...n })),
    tempos: ns.tempos.map((t) => ({ ...t })),
    timeSignatures: ns.timeSignatures.map((t) => ({ ...t })),
    keySignatures: ns.keySignatures.map((k) => ({ ...k })),
    instruments: ns.instruments.map((i) => ({ ...i })),
    totalTime: ns.totalTime,
    source: { ...ns.source },
  };
  if (ns.quantization) copy.quantization = { ...ns.quantization };
  return copy;
}

/** Order of `NoteSequence.notes`: start time, then pitch, then end time, then instrument. */
export function compareNotes(a: Note, b: Note): number {
  return (
    a.startTime - b.startTime || a.pitch - b.pitch || a.endTime - b.endTime || a.instrument - b.instrument
  );
}

/** A copy with the notes in the canonical order (start time, then pitch). */
export function sortNotes(ns: NoteSequence): NoteSequence {
  const copy = cloneSequence(ns);
  copy.notes.sort(compareNotes);
  return copy;
}

/** A copy of a note without its quantized steps (after its times changed). */
function unquantizedCopy(n: Note): Note {
  const copy = { ...n };
  delete copy.quantizedStartStep;
  delete copy.quantizedEndStep;
  return copy;
}

/** End of the last note, 0 for none. */
function lastNoteEnd(notes: readonly Note[]): Seconds {
  let end = 0;
  for (const n of notes) if (n.endTime > end) end = n.endTime;
  return end;
}

/** Options of `transpose`: notes outside [minPitch, maxPitch] after transposing are dropped. */
export interface TransposeOptions {
  minPitch?: MidiNote;
  maxPitch?: MidiNote;
}

/** What `transpose` gives: the new sequence and how many notes fell out of range. */
export interface TransposeResult {
  sequence: NoteSequence;
  dropped: number;
}

/**
 * Transpose pitched notes and key signatures by `semitones`. Drum notes are untouched
 * (a drum pitch names an instrument). Notes pushed outside [minPitch, maxPitch] (default 0..127)
 * are dropped and counted.
 */
export function transpose(ns: NoteSequence, semitones: number, opts: TransposeOptions = {}): TransposeResult {
  const minPitch = opts.minPitch ?? 0;
  const maxPitch = opts.maxPitch ?? 127;
  const copy = cloneSequence(ns);
  let dropped = 0;
  const kept: Note[] = [];
  for (const n of copy.notes) {
    if (!n.isDrum) {
      n.pitch += semitones;
      if (n.pitch < minPitch || n.pitch > maxPitch) {
        dropped++;
        continue;
      }
    }
    kept.push(n);
  }
  copy.notes = kept;
  for (const k of copy.keySignatures) k.key = (((k.key + semitones) % 12) + 12) % 12;
  return { sequence: copy, dropped };
}

/** The tempo in force at time `t` (last change at or before it), or the default. */
function tempoAt(tempos: readonly TempoChange[], t: Seconds): TempoChange {
  let found: TempoChange = { time: 0, qpm: tempos[0]?.qpm ?? DEFAULT_QPM };
  for (const tc of tempos) {
    if (tc.time <= t) found = tc;
    else break;
  }
  return found;
}

/** Events with a `time` field: the one in force at `start` moved to 0, the later ones before `end` shifted. */
function sliceTimed<T extends { time: Seconds }>(events: readonly T[], start: Seconds, end: Seconds): T[] {
  const out: T[] = [];
  let inForce: T | undefined;
  for (const e of events) {
    if (e.time <= start) inForce = e;
    else if (e.time < end) out.push({ ...e, time: e.time - start });
  }
  if (inForce) out.unshift({ ...inForce, time: 0 });
  return out;
}

/**
 * The part of a sequence between `start` and `end` seconds, moved to start at 0.
 * Notes overlapping the window are clipped to it; the tempo, time and key signature in force at
 * `start` are kept at time 0. Quantized steps are dropped (the grid no longer lines up).
 */
export function sliceByTime(ns: NoteSequence, start: Seconds, end: Seconds): NoteSequence {
  if (!(end > start)) throw new RangeError(`sliceByTime: end (${end}) must be after start (${start})`);
  const notes: Note[] = [];
  for (const n of ns.notes) {
    if (n.endTime <= start || n.startTime >= end) {
      // A zero-length note exactly at `start` still belongs to the window.
      if (!(n.startTime === start && n.endTime === start)) continue;
    }
    notes.push({
      ...unquantizedCopy(n),
      startTime: Math.max(n.startTime, start) - start,
      endTime: Math.min(n.endTime, end) - start,
    });
  }
  const tempos = ns.tempos.length ? sliceTimed(ns.tempos, start, end) : [];
  if (tempos.length && tempos[0].time > 0) tempos.unshift({ time: 0, qpm: tempoAt(ns.tempos, start).qpm });
  return {
    notes,
    tempos,
    timeSignatures: sliceTimed(ns.timeSignatures, start, end),
    keySignatures: sliceTimed(ns.keySignatures, start, end),
    instruments: ns.instruments.map((i) => ({ ...i })),
    totalTime: Math.max(Math.min(end, Math.max(ns.totalTime, start)) - start, lastNoteEnd(notes)),
    source: { ...ns.source },
  };
}

/**
 * Both sequences played together. The notes of `b` get instrument numbers after those of `a`;
 * tempos, time and key signatures come from `a` (from `b` when `a` has none). The source is `a`'s.
 */
export function merge(a: NoteSequence, b: NoteSequence): NoteSequence {
  let offset = 0;
  for (const i of a.instruments) offset = Math.max(offset, i.instrument + 1);
  for (const n of a.notes) offset = Math.max(offset, n.instrument + 1);
  const merged = cloneSequence(a);
  delete merged.quantization;
  merged.notes = [
    ...a.notes.map(unquantizedCopy),
    ...b.notes.map((n) => ({ ...unquantizedCopy(n), instrument: n.instrument + offset })),
  ];
  merged.notes.sort(compareNotes);
  merged.instruments = [
    ...a.instruments.map((i) => ({ ...i })),
    ...b.instruments.map((i) => ({ ...i, instrument: i.instrument + offset })),
  ];
  if (!a.tempos.length) merged.tempos = b.tempos.map((t) => ({ ...t }));
  if (!a.timeSignatures.length) merged.timeSignatures = b.timeSignatures.map((t) => ({ ...t }));
  if (!a.keySignatures.length) merged.keySignatures = b.keySignatures.map((k) => ({ ...k }));
  merged.totalTime = Math.max(a.totalTime, b.totalTime);
  return merged;
}

/** Append events shifted by `offset`, skipping one that repeats what is already in force. */
function appendShifted<T extends { time: Seconds }>(
  into: T[],
  events: readonly T[],
  offset: Seconds,
  same: (x: T, y: T) => boolean,
): void {
  for (const e of events) {
    const prev = into[into.length - 1];
    if (prev && same(prev, e)) continue;
    const shifted = { ...e, time: e.time + offset };
    if (prev && prev.time === shifted.time) into[into.length - 1] = shifted;
    else into.push(shifted);
  }
}

/**
 * The sequences one after another: each starts at the previous one's `totalTime`.
 * Instrument numbers are kept (the same part continues); instruments are the union by number.
 * The source is the first sequence's. Throws on an empty list.
 */
export function concatenate(seqs: readonly NoteSequence[]): NoteSequence {
  if (!seqs.length) throw new RangeError('concatenate: no sequences');
  const out = emptySequence(seqs[0].source);
  const sameTempo = (x: TempoChange, y: TempoChange): boolean => x.qpm === y.qpm;
  const sameTs = (x: TimeSignature, y: TimeSignature): boolean =>
    x.numerator === y.numerator && x.denominator === y.denominator;
  const sameKey = (x: KeySignature, y: KeySignature): boolean => x.key === y.key && x.mode === y.mode;
  const seen = new Set<number>();
  const anyTempo = seqs.some((s) => s.tempos.length > 0);
  let offset = 0;
  for (const ns of seqs) {
    for (const n of ns.notes) {
      out.notes.push({ ...unquantizedCopy(n), startTime: n.startTime + offset, endTime: n.endTime + offset });
    }
    // A sequence without tempos plays at the default tempo, which must be stated once others have tempos.
    if (anyTempo) {
      const tempos = ns.tempos.length ? ns.tempos : [{ time: 0, qpm: DEFAULT_QPM }];
      appendShifted(out.tempos, tempos, offset, sameTempo);
    }
    appendShifted(out.timeSignatures, ns.timeSignatures, offset, sameTs);
    appendShifted(out.keySignatures, ns.keySignatures, offset, sameKey);
    for (const i of ns.instruments) {
      if (!seen.has(i.instrument)) out.instruments.push({ ...i });
      seen.add(i.instrument);
    }
    offset += Math.max(ns.totalTime, lastNoteEnd(ns.notes));
  }
  out.totalTime = offset;
  return out;
}

/**
 * Play `factor` times as long (2 = half speed): every time is multiplied by `factor` and
 * every tempo divided by it, so the music stays on the same beats. Quantized steps are kept.
 */
export function stretch(ns: NoteSequence, factor: number): NoteSequence {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`stretch: bad factor ${factor}`);
  const copy = cloneSequence(ns);
  for (const n of copy.notes) {
    n.startTime *= factor;
    n.endTime *= factor;
  }
  for (const t of copy.tempos) {
    t.time *= factor;
    t.qpm /= factor;
  }
  for (const t of copy.timeSignatures) t.time *= factor;
  for (const k of copy.keySignatures) k.time *= factor;
  copy.totalTime *= factor;
  return copy;
}

/**
 * A compiled tempo map: seconds <-> quarter notes. Built once, then each conversion scans the
 * (usually one or two) tempo segments.
 */
export class TempoMap {
  /** Segment starts in seconds, in quarters, and each segment's tempo. */
  private readonly secs: number[] = [];
  private readonly quarters: number[] = [];
  private readonly qpms: number[] = [];

  constructor(tempos: readonly TempoChange[]) {
    const list = tempos.length ? tempos : [{ time: 0, qpm: DEFAULT_QPM }];
    let q = 0;
    let prevTime = 0;
    let prevQpm = list[0].qpm;
    for (const tc of list) {
      const time = Math.max(tc.time, 0);
      q += ((time - prevTime) * prevQpm) / 60;
      // A later change at the same time replaces the earlier one.
      if (this.secs.length && this.secs[this.secs.length - 1] === time) {
        this.qpms[this.qpms.length - 1] = tc.qpm;
      } else {
        this.secs.push(time);
        this.quarters.push(q);
        this.qpms.push(tc.qpm);
      }
      prevTime = time;
      prevQpm = tc.qpm;
    }
  }

  private segmentBySeconds(t: Seconds): number {
    const secs = this.secs;
    let lo = 0;
    let hi = secs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (secs[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentByQuarters(q: number): number {
    const quarters = this.quarters;
    let lo = 0;
    let hi = quarters.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (quarters[mid] <= q) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Quarter notes elapsed at time `t`. */
  secondsToQuarters(t: Seconds): number {
    const i = this.segmentBySeconds(t);
    return this.quarters[i] + ((t - this.secs[i]) * this.qpms[i]) / 60;
  }

  /** Time at which `q` quarter notes have elapsed. */
  quartersToSeconds(q: number): Seconds {
    const i = this.segmentByQuarters(q);
    return this.secs[i] + ((q - this.quarters[i]) * 60) / this.qpms[i];
  }
}

/** Quarter notes elapsed at time `t`, following the sequence's tempo map (120 qpm if it has none). */
export function secondsToQuarters(ns: Pick<NoteSequence, 'tempos'>, t: Seconds): number {
  return new TempoMap(ns.tempos).secondsToQuarters(t);
}

/** Time at which `q` quarter notes have elapsed, following the sequence's tempo map. */
export function quartersToSeconds(ns: Pick<NoteSequence, 'tempos'>, q: number): Seconds {
  return new TempoMap(ns.tempos).quartersToSeconds(q);
}

/** Nudge so that values a hair under a step boundary (float noise) round like the exact value. */
const STEP_EPSILON = 1e-6;

/**
 * A copy with every note placed on a grid of `stepsPerQuarter` steps per quarter note, following the
 * tempo map: sets `quantizedStartStep` / `quantizedEndStep` (rounded to the nearest step; a note
 * never ends on its start step) and `quantization`. Times in seconds are left as they are.
 */
export function quantize(ns: NoteSequence, stepsPerQuarter: number): NoteSequence {
  if (!(stepsPerQuarter > 0) || !Number.isInteger(stepsPerQuarter)) {
    throw new RangeError(`quantize: stepsPerQuarter must be a positive integer, got ${stepsPerQuarter}`);
  }
  const copy = cloneSequence(ns);
  const map = new TempoMap(ns.tempos);
  const toStep = (t: Seconds): number =>
    Math.round(map.secondsToQuarters(t) * stepsPerQuarter + STEP_EPSILON);
  for (const n of copy.notes) {
    const start = toStep(n.startTime);
    const end = toStep(n.endTime);
    n.quantizedStartStep = start;
    n.quantizedEndStep = end > start ? end : start + 1;
  }
  copy.quantization = { stepsPerQuarter };
  return copy;
}

/** Summary figures of a sequence (`sequenceStats`). */
export interface SequenceStats {
  notes: number;
  /** Length of the piece (`totalTime`). */
  seconds: Seconds;
  /** Lowest / highest pitch of the pitched (non-drum) notes; null when there are none. */
  minPitch: MidiNote | null;
  maxPitch: MidiNote | null;
  drumNotes: number;
  /** Instruments (parts) that have at least one note. */
  instruments: number;
  /** Mean velocity of all notes; 0 when there are none. */
  meanVelocity: number;
  /** Most notes sounding at the same moment. */
  maxPolyphony: number;
  tempoChanges: number;
}

/** Counts and ranges of a sequence, for listings and checks. */
export function sequenceStats(ns: NoteSequence): SequenceStats {
  let minPitch: number | null = null;
  let maxPitch: number | null = null;
  let drumNotes = 0;
  let velocitySum = 0;
  const parts = new Set<number>();
  for (const n of ns.notes) {
    velocitySum += n.velocity;
    parts.add(n.instrument);
    if (n.isDrum) {
      drumNotes++;
      continue;
    }
    if (minPitch === null || n.pitch < minPitch) minPitch = n.pitch;
    if (maxPitch === null || n.pitch > maxPitch) maxPitch = n.pitch;
  }
  return {
    notes: ns.notes.length,
    seconds: ns.totalTime,
    minPitch,
    maxPitch,
    drumNotes,
    instruments: parts.size,
    meanVelocity: ns.notes.length ? velocitySum / ns.notes.length : 0,
    maxPolyphony: maxPolyphony(ns.notes),
    tempoChanges: Math.max(0, ns.tempos.length - 1),
  };
}

/** Most notes sounding together; a note ending exactly when another starts does not overlap it. */
function maxPolyphony(notes: readonly Note[]): number {
  const n = notes.length;
  if (!n) return 0;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = notes[i].startTime;
    ends[i] = notes[i].endTime;
  }
  starts.sort();
  ends.sort();
  let best = 0;
  let sounding = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (j < n && ends[j] <= starts[i]) {
      j++;
      sounding--;
    }
    sounding++;
    if (sounding > best) best = sounding;
  }
  return best;
}
