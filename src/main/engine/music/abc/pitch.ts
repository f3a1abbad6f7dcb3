/** Pitches: key signatures, accidentals and their carrying within a bar. */
import type { KeyMode } from '../../../../shared/music/note_sequence.ts';
import type { AbcAccidental, AbcKey, AbcKeyAccidental } from './tree.ts';

/** Semitones above C of the letters C D E F G A B. */
const LETTER_SEMITONES = [0, 2, 4, 5, 7, 9, 11];
const LETTERS = 'cdefgab';

/** Semitone shift of an accidental; quarter tones round to the nearest semitone below (0). */
export function accidentalShift(acc: AbcAccidental | string | undefined): number {
  switch (acc) {
    case 'sharp':
      return 1;
    case 'flat':
      return -1;
    case 'dblsharp':
      return 2;
    case 'dblflat':
      return -2;
    default:
      return 0;
  }
}

/** Semitone shift per letter (index 0 = C) that a key signature applies. */
export function keyShifts(accidentals: AbcKeyAccidental[] | undefined): number[] {
  const shifts = [0, 0, 0, 0, 0, 0, 0];
  for (const a of accidentals ?? []) {
    const letter = LETTERS.indexOf(a.note.toLowerCase());
    if (letter >= 0) shifts[letter] = accidentalShift(a.acc);
  }
  return shifts;
}

/** MIDI pitch of a diatonic step (0 = middle C) with a semitone shift. */
export function midiPitch(step: number, shift: number): number {
  const octave = Math.floor(step / 7);
  const letter = step - octave * 7;
  return 60 + octave * 12 + LETTER_SEMITONES[letter] + shift;
}

/** How far a written accidental reaches in its bar: the same octave (ABC 2.1) or every octave. */
export type AccidentalScope = 'octave' | 'letter';

/**
 * Tracks the accidental in force for each written note in the current bar.
 * ABC 2.1: an accidental holds to the end of the bar for the same letter in the same octave.
 */
export class BarAccidentals {
  private readonly bar = new Map<number, number>();
  private key: number[];
  /** 'letter' carries an accidental into every octave of the bar, as abc2midi does. */
  private readonly scope: AccidentalScope;

  constructor(key: number[], scope: AccidentalScope = 'octave') {
    this.key = key;
    this.scope = scope;
  }

  /** A new key signature (K: field): also ends the bar's accidentals. */
  setKey(key: number[]): void {
    this.key = key;
    this.bar.clear();
  }

  /** A bar line. */
  newBar(): void {
    this.bar.clear();
  }

  /** The semitone shift of a written note, remembering an explicit accidental for the rest of the bar. */
  shift(step: number, accidental: AbcAccidental | undefined): number {
    const slot = this.scope === 'letter' ? ((step % 7) + 7) % 7 : step;
    if (accidental !== undefined) {
      const s = accidentalShift(accidental);
      this.bar.set(slot, s);
      return s;
    }
    const carried = this.bar.get(slot);
    if (carried !== undefined) return carried;
    return this.key[((step % 7) + 7) % 7];
  }
}

const TONICS: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const MODES: Record<string, KeyMode> = {
  '': 'major',
  maj: 'major',
  m: 'minor',
  min: 'minor',
  aeo: 'minor',
  dor: 'dorian',
  phr: 'phrygian',
  lyd: 'lydian',
  mix: 'mixolydian',
  loc: 'locrian',
  ion: 'major',
};

/** Tonic pitch class and mode of an abcjs key, or null for K:none / HP. */
export function keyOf(key: Pick<AbcKey, 'root' | 'acc' | 'mode'>): { key: number; mode: KeyMode } | null {
  const tonic = TONICS[key.root?.toUpperCase() ?? ''];
  if (tonic === undefined) return null;
  const shift = key.acc === '#' ? 1 : key.acc === 'b' ? -1 : 0;
  const mode =
    MODES[(key.mode ?? '').toLowerCase().slice(0, 3)] ?? MODES[(key.mode ?? '').toLowerCase()] ?? 'major';
  return { key: (tonic + shift + 12) % 12, mode };
}
