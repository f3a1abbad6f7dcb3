/**
 * Writing a melody NoteSequence as an ABC tune (export of generated music). Monophonic or
 * simple chordal: notes starting together become a chord [CEG] lasting as long as the shortest.
 * Times are rounded to a grid of a quarter of the unit length; notes crossing a bar line are
 * split and tied; gaps become rests.
 */
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import { parseTuneTree } from './parse.ts';
import { keyShifts } from './pitch.ts';

/** Header choices for `sequenceToAbc`. */
export interface SequenceToAbcOptions {
  /** T: title; default the sequence's source title or 'Untitled'. */
  title?: string;
  /** M: meter such as '4/4' or '6/8'; default the first time signature, else 4/4. */
  meter?: string;
  /** K: key such as 'G', 'Dm', 'Ador'; default 'C'. */
  key?: string;
  /** L: unit note length such as '1/8'; default '1/8'. */
  unitLength?: string;
  /** X: number; default 1. */
  number?: number;
}

/** Grid steps per unit length. */
const STEPS_PER_UNIT = 4;
const SHARP_SPELLING: [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
  [2, 0],
  [3, 0],
  [3, 1],
  [4, 0],
  [4, 1],
  [5, 0],
  [5, 1],
  [6, 0],
];
const FLAT_SPELLING: [number, number][] = [
  [0, 0],
  [1, -1],
  [1, 0],
  [2, -1],
  [2, 0],
  [3, 0],
  [4, -1],
  [4, 0],
  [5, -1],
  [5, 0],
  [6, -1],
  [6, 0],
];

function fraction(text: string, fallback: number): number {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[2]) === 0) return fallback;
  return Number(m[1]) / Number(m[2]);
}

/** Note name for a diatonic step (0 = middle C) in ABC octave notation. */
function stepName(step: number): string {
  const octave = Math.floor(step / 7);
  const letter = 'CDEFGAB'[step - octave * 7];
  if (octave <= 0) return letter + ','.repeat(-octave);
  return letter.toLowerCase() + "'".repeat(octave - 1);
}

/** Length in units (steps / STEPS_PER_UNIT) as ABC: '', '2', '/2', '3/4'... */
function lengthText(steps: number): string {
  let num = steps;
  let den = STEPS_PER_UNIT;
  const g = gcd(num, den);
  num /= g;
  den /= g;
  if (den === 1) return num === 1 ? '' : String(num);
  return `${num === 1 ? '' : num}/${den}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The key signature's semitone shift per letter, read with abcjs. */
function keySignature(key: string): number[] {
  try {
    const tree = parseTuneTree(`X:1\nK:${key}\nC|\n`);
    return keyShifts(tree?.lines[0]?.staff?.[0]?.key?.accidentals);
  } catch {
    return [0, 0, 0, 0, 0, 0, 0];
  }
}

/** A melody (instrument 0, or all notes when it has none) as ABC text for one tune. */
export function sequenceToAbc(ns: NoteSequence, options: SequenceToAbcOptions = {}): string {
  const firstMeter = ns.timeSignatures[0];
  const meter = options.meter ?? (firstMeter ? `${firstMeter.numerator}/${firstMeter.denominator}` : '4/4');
  const key = options.key ?? 'C';
  const unitLength = options.unitLength ?? '1/8';
  const title = options.title ?? ns.source.title ?? 'Untitled';
  const qpm = ns.tempos[0]?.qpm ?? 120;
  const unitQuarters = fraction(unitLength, 1 / 8) * 4;
  const stepQuarters = unitQuarters / STEPS_PER_UNIT;
  const barSteps = Math.max(1, Math.round((fraction(meter, 1) * 4) / stepQuarters));
  const toStep = (seconds: number): number => Math.round((seconds * qpm) / 60 / stepQuarters);
  const signature = keySignature(key);
  const useFlats = signature.some((s) => s < 0);

  const melody = ns.notes.some((n) => n.instrument === 0)
    ? ns.notes.filter((n) => n.instrument === 0)
    : ns.notes;
  // Chords by onset step; each lasts until its shortest note ends or the next onset.
  const onsets = new Map<number, { pitches: number[]; end: number }>();
  for (const n of melody) {
    const start = toStep(n.startTime);
    const end = Math.max(start + 1, toStep(n.endTime));
    const chord = onsets.get(start);
    if (chord) {
      if (!chord.pitches.includes(n.pitch)) chord.pitches.push(n.pitch);
      chord.end = Math.min(chord.end, end);
    } else onsets.set(start, { pitches: [n.pitch], end });
  }
  const starts = [...onsets.keys()].sort((a, b) => a - b);

  const barAccidentals = new Map<number, number>();
  const spell = (pitch: number): string => {
    const octave = Math.floor(pitch / 12) - 5;
    const [letter, shift] = (useFlats ? FLAT_SPELLING : SHARP_SPELLING)[pitch % 12];
    const step = octave * 7 + letter;
    const inForce = barAccidentals.get(step) ?? signature[letter];
    let acc = '';
    if (shift !== inForce) {
      acc = shift === 1 ? '^' : shift === -1 ? '_' : '=';
      barAccidentals.set(step, shift);
    }
    return acc + stepName(step);
  };

  let out = '';
  let time = 0;
  let barCount = 0;
  /** Writes one sound (chord pitches, or null for a rest) from `time` for `steps`, split at bar lines. */
  const emit = (pitches: number[] | null, steps: number): void => {
    let left = steps;
    while (left > 0) {
      const room = barSteps - (time % barSteps);
      const take = Math.min(left, room);
      let sound: string;
      if (!pitches) sound = 'z';
      else {
        const names = [...pitches].sort((a, b) => a - b).map(spell);
        sound = names.length === 1 ? names[0] : `[${names.join('')}]`;
      }
      out += sound + lengthText(take);
      left -= take;
      time += take;
      if (pitches && left > 0) out += '-';
      if (time % barSteps === 0) {
        barAccidentals.clear();
        barCount++;
        out += barCount % 4 === 0 ? '|\n' : '|';
      } else out += ' ';
    }
  };
  starts.forEach((start, i) => {
    if (start > time) emit(null, start - time);
    const chord = onsets.get(start);
    if (!chord) return;
    const next = starts[i + 1] ?? Number.POSITIVE_INFINITY;
    const end = Math.min(chord.end, next);
    if (end > time)
      emit(
        chord.pitches.filter((p) => p >= 0 && p <= 127),
        end - Math.max(time, start),
      );
  });
  if (time % barSteps !== 0) emit(null, barSteps - (time % barSteps));
  const body = out.replace(/\|\n?$/, '|]').trim();
  const header = [
    `X:${options.number ?? 1}`,
    `T:${title}`,
    `M:${meter}`,
    `L:${unitLength}`,
    `Q:1/4=${Math.round(qpm)}`,
    `K:${key}`,
  ];
  return `${header.join('\n')}\n${body}\n`;
}
