/**
 * Chords as a bass note and a shape: the intervals of the other notes above the bass
 * (transposition-invariant, as music21's normal order is), so one `S_` token serves a chord
 * in every key and the vocabulary stays small enough to learn.
 *
 * The shapes are a fixed table, not read from data, so every model of the codec has the same
 * vocabulary and any dataset encodes: two notes up to three octaves apart, three notes within
 * two octaves, four notes within an octave (532 shapes; on MAESTRO 2004 an event needs 1.09
 * pieces on average). A chord outside the table is split from the bass up into pieces that
 * are in it (a piece may be a single note), all starting together — so every note keeps its
 * exact pitch, start and duration.
 */
import type { Token } from '../codec.ts';
import type { MidiNote } from '../../../../shared/music/units.ts';

/** Widest two-note shape, three-note span and four-note span, in semitones. */
const MAX_DYAD = 36;
const MAX_TRIAD_SPAN = 24;
const MAX_TETRAD_SPAN = 12;

/** True when `intervals` (strictly increasing, above the bass) is a shape of the table. */
export function isKnownShape(intervals: readonly number[]): boolean {
  for (let i = 0; i < intervals.length; i++) {
    const previous = i === 0 ? 0 : intervals[i - 1];
    if (!Number.isInteger(intervals[i]) || intervals[i] <= previous) return false;
  }
  const top = intervals[intervals.length - 1];
  switch (intervals.length) {
    case 1:
      return top <= MAX_DYAD;
    case 2:
      return top <= MAX_TRIAD_SPAN;
    case 3:
      return top <= MAX_TETRAD_SPAN;
    default:
      return false;
  }
}

/** Token of a shape: `S_4.7` for a major triad in root position. */
export function shapeToken(intervals: readonly number[]): Token {
  return `S_${intervals.join('.')}`;
}

const SHAPE_PATTERN = /^S_(\d{1,2}(?:\.\d{1,2}){0,2})$/;

/** Intervals of an `S_` token of the table; undefined for any other token. */
export function parseShapeToken(token: Token): number[] | undefined {
  const match = SHAPE_PATTERN.exec(token);
  if (!match) return undefined;
  const intervals = match[1].split('.').map(Number);
  return isKnownShape(intervals) ? intervals : undefined;
}

/** Every shape token of the table: by size, then by intervals. */
export function allShapeTokens(): Token[] {
  const tokens: Token[] = [];
  for (let a = 1; a <= MAX_DYAD; a++) tokens.push(shapeToken([a]));
  for (let a = 1; a <= MAX_TRIAD_SPAN; a++)
    for (let b = a + 1; b <= MAX_TRIAD_SPAN; b++) tokens.push(shapeToken([a, b]));
  for (let a = 1; a <= MAX_TETRAD_SPAN; a++)
    for (let b = a + 1; b <= MAX_TETRAD_SPAN; b++)
      for (let c = b + 1; c <= MAX_TETRAD_SPAN; c++) tokens.push(shapeToken([a, b, c]));
  return tokens;
}

/** One piece of a chord: a bass and the intervals of the notes above it (maybe none). */
export interface ChordPiece {
  bass: MidiNote;
  intervals: number[];
}

/**
 * Splits sorted, distinct pitches into pieces of the table, from the bass up: each piece takes
 * as many of the next pitches as still form a known shape.
 */
export function splitChord(pitches: readonly MidiNote[]): ChordPiece[] {
  const pieces: ChordPiece[] = [];
  let at = 0;
  while (at < pitches.length) {
    const bass = pitches[at];
    const intervals: number[] = [];
    let next = at + 1;
    while (next < pitches.length && isKnownShape([...intervals, pitches[next] - bass])) {
      intervals.push(pitches[next] - bass);
      next++;
    }
    pieces.push({ bass, intervals });
    at = next;
  }
  return pieces;
}
