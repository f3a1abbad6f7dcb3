/**
 * Normalised ABC header tokens (M:, L:, K:) and the key arithmetic the ABC codec needs
 * (sounding pitch of a written note, diatonic transposition of keys).
 */
import type { MidiNote } from '../../../../shared/music/units.ts';

/** Normalised key modes, as written in `K:` tokens. */
export const KEY_MODES = ['maj', 'min', 'mix', 'dor', 'phr', 'lyd', 'loc'] as const;
export type KeyModeName = (typeof KEY_MODES)[number];

/** A parsed key: tonic letter (upper case), tonic accidental in semitones (-1, 0, 1), mode. */
export interface AbcKey {
  letter: string;
  accidental: number;
  mode: KeyModeName;
}

/** Letters in scale order and their natural pitch classes. */
export const LETTERS = ['C', 'D', 'E', 'F', 'G', 'A', 'B'] as const;
const NATURAL_PC = [0, 2, 4, 5, 7, 9, 11];
/** Position of each letter's major key on the circle of fifths. */
const LETTER_FIFTHS: Record<string, number> = { C: 0, D: 2, E: 4, F: -1, G: 1, A: 3, B: 5 };
/** Offset of each mode's key signature from the major key of the same tonic. */
const MODE_FIFTHS: Record<KeyModeName, number> = {
  maj: 0,
  min: -3,
  mix: -1,
  dor: -2,
  phr: -4,
  lyd: 1,
  loc: -5,
};
/** Order in which sharps are added to a key signature (flats: the reverse). */
const SHARP_ORDER = ['F', 'C', 'G', 'D', 'A', 'E', 'B'];

/** The key token string, e.g. `K:F#min`. */
export function keyToken(key: AbcKey): string {
  const accidental = key.accidental > 0 ? '#' : key.accidental < 0 ? 'b' : '';
  return `K:${key.letter}${accidental}${key.mode}`;
}

/**
 * Parses a K: value ("G", "Am", "D Mixolydian", "AMix", "Bb", "none"...). Unknown mode
 * words (clef=..., typos) count as major; "none", "HP" and empty values as C major.
 */
export function parseKeyValue(value: string): AbcKey {
  const match = /^\s*([A-Ga-g])([#b]?)\s*([A-Za-z]*)/.exec(value);
  if (!match) return /^\s*Hp/.test(value) ? { letter: 'A', accidental: 0, mode: 'mix' } : C_MAJOR;
  const word = match[3].toLowerCase();
  let mode: KeyModeName = 'maj';
  if (word === 'm' || word.startsWith('min') || word.startsWith('aeo')) mode = 'min';
  else {
    const prefix = word.slice(0, 3);
    if ((KEY_MODES as readonly string[]).includes(prefix)) mode = prefix as KeyModeName;
  }
  return {
    letter: match[1].toUpperCase(),
    accidental: match[2] === '#' ? 1 : match[2] === 'b' ? -1 : 0,
    mode,
  };
}

const C_MAJOR: AbcKey = { letter: 'C', accidental: 0, mode: 'maj' };

/** Parses a normalised `K:` token; undefined when it is not one. */
export function parseKeyToken(token: string): AbcKey | undefined {
  const match = /^K:([A-G])([#b]?)(maj|min|mix|dor|phr|lyd|loc)$/.exec(token);
  if (!match) return undefined;
  return {
    letter: match[1],
    accidental: match[2] === '#' ? 1 : match[2] === 'b' ? -1 : 0,
    mode: match[3] as KeyModeName,
  };
}

/** Sharps (> 0) or flats (< 0) in the key signature. */
export function keyFifths(key: AbcKey): number {
  return LETTER_FIFTHS[key.letter] + 7 * key.accidental + MODE_FIFTHS[key.mode];
}

/** The accidental (-1, 0, 1) the key signature gives a letter. */
export function signatureAccidental(fifths: number, letter: string): number {
  const index = SHARP_ORDER.indexOf(letter);
  if (fifths > 0) return index < fifths ? 1 : 0;
  if (fifths < 0) return 6 - index < -fifths ? -1 : 0;
  return 0;
}

/** Normalises an M: value: C -> 4/4, C| -> 2/2, no spaces, empty -> none. */
export function normaliseMeter(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (compact === 'C') return '4/4';
  if (compact === 'C|') return '2/2';
  if (compact === '' || compact.toLowerCase() === 'none') return 'none';
  return compact;
}

/** Normalises an L: value to `n/d` (1/8 when unreadable). */
export function normaliseUnit(value: string): string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) return '1/8';
  return `${Number(match[1])}/${Number(match[2])}`;
}

/** The ABC default unit length for a meter: 1/16 below 3/4, else 1/8. */
export function defaultUnit(meter: string): string {
  const match = /^(\d+)\/(\d+)$/.exec(meter);
  if (match && Number(match[1]) / Number(match[2]) < 0.75) return '1/16';
  return '1/8';
}

/** A written note: explicit accidental (semitones, or null when none), letter index 0..6, octave (C = 0, c = 1). */
export interface WrittenNote {
  accidental: number | null;
  step: number;
  octave: number;
}

const NOTE_PATTERN = /^(\^\^|\^|__|_|=)?([A-Ga-g])([,']*)$/;
const ACCIDENTAL_VALUES: Record<string, number> = { '^^': 2, '^': 1, '=': 0, _: -1, __: -2 };
const ACCIDENTAL_TEXT: Record<number, string> = { 2: '^^', 1: '^', 0: '=', [-1]: '_', [-2]: '__' };

/** Parses a note token such as `^c'` or `B,,`; undefined when it is not one. */
export function parseNoteToken(token: string): WrittenNote | undefined {
  const match = NOTE_PATTERN.exec(token);
  if (!match) return undefined;
  const letter = match[2];
  const lower = letter === letter.toLowerCase();
  let octave = lower ? 1 : 0;
  for (const mark of match[3]) octave += mark === "'" ? 1 : -1;
  return {
    accidental: match[1] === undefined ? null : ACCIDENTAL_VALUES[match[1]],
    step: LETTERS.indexOf(letter.toUpperCase() as (typeof LETTERS)[number]),
    octave,
  };
}

/** The canonical token of a written note (lower case from c up, octave marks). */
export function noteToken(note: WrittenNote): string {
  const accidental = note.accidental === null ? '' : (ACCIDENTAL_TEXT[note.accidental] ?? '');
  const letter = LETTERS[note.step];
  if (note.octave >= 1) return accidental + letter.toLowerCase() + "'".repeat(note.octave - 1);
  return accidental + letter + ','.repeat(-note.octave);
}

/** MIDI pitch of a written letter without accidental (C = 60, c = 72). */
export function naturalPitch(step: number, octave: number): MidiNote {
  return 60 + 12 * octave + NATURAL_PC[step];
}

/** Pitch a note token sounds under C major with its explicit accidental; undefined for other tokens. */
export function abcTokenPitch(token: string): MidiNote | undefined {
  const note = parseNoteToken(token);
  if (!note) return undefined;
  return naturalPitch(note.step, note.octave) + (note.accidental ?? 0);
}
