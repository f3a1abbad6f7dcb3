/**
 * Which note tokens may be written in the ABC grammar's current bar, and what they sound: the
 * spelling rules (abc_grammar_state.ts's module comment) over the key signature and the bar's
 * accidentals. Split from the bar arithmetic because it changes only when an accidental is
 * written or a bar starts, so one `Spelling` serves every step until then.
 */
import type { MidiNote } from '../../../../shared/music/units.ts';
import type { GrammarToken } from './abc_grammar_tokens.ts';

/** "No accidental" in per-letter and per-note accidental arrays. */
export const NO_ACCIDENTAL = 9;
/** A note token that may not be written here (a real pitch is never negative). */
export const NOT_WRITABLE = -1;

/** The vocabulary's note tokens as typed columns (index i describes token `ids[i]`). */
export interface NoteTable {
  ids: Int32Array;
  step: Int16Array;
  letter: Int8Array;
  /** The written accidental, or NO_ACCIDENTAL. */
  accidental: Int8Array;
  natural: Int16Array;
  /** Note indices by step (octave * 7 + letter), for ties. */
  byStep: ReadonlyMap<number, readonly number[]>;
  /** Note indices by letter (C..B), for an accidental that changes one letter. */
  byLetter: readonly (readonly number[])[];
  /** Tokens in the vocabulary. */
  vocabularySize: number;
}

export function noteTable(classes: readonly GrammarToken[]): NoteTable {
  const notes = classes.flatMap((c, id) => (c.kind === 'note' ? [{ c, id }] : []));
  const byStep = new Map<number, number[]>();
  const byLetter: number[][] = [[], [], [], [], [], [], []];
  notes.forEach(({ c }, i) => {
    byStep.set(c.step, [...(byStep.get(c.step) ?? []), i]);
    byLetter[c.letter].push(i);
  });
  return {
    ids: Int32Array.from(notes, (n) => n.id),
    step: Int16Array.from(notes, (n) => n.c.step),
    letter: Int8Array.from(notes, (n) => n.c.letter),
    accidental: Int8Array.from(notes, (n) => n.c.accidental ?? NO_ACCIDENTAL),
    natural: Int16Array.from(notes, (n) => n.c.natural),
    byStep,
    byLetter,
    vocabularySize: classes.length,
  };
}

/** The spelling context: key signature, its pitch classes, the bar's accidentals, the range. */
export interface SpellingContext {
  signature: readonly number[];
  keyClasses: Uint8Array;
  octaveAccidentals: ReadonlyMap<number, number>;
  letterAccidentals: Int8Array;
  pitchRange: { low: MidiNote; high: MidiNote } | null;
}

/**
 * The pitch note `i` of `notes` sounds when written here, or NOT_WRITABLE when it may not be
 * written (a needless accidental, a plain letter whose pitch ABC 2.1 and abc2midi disagree on,
 * outside the range).
 */
export function soundingPitch(notes: NoteTable, i: number, s: SpellingContext): number {
  const letter = notes.letter[i];
  const sig = s.signature[letter];
  const byOctave = s.octaveAccidentals.size === 0 ? sig : (s.octaveAccidentals.get(notes.step[i]) ?? sig);
  const carried = s.letterAccidentals[letter];
  const byLetter = carried === NO_ACCIDENTAL ? sig : carried;
  const accidental = notes.accidental[i];
  let pitch: number;
  if (accidental === NO_ACCIDENTAL) {
    if (byOctave !== byLetter) return NOT_WRITABLE;
    pitch = notes.natural[i] + byOctave;
  } else {
    if (accidental === byOctave && accidental === byLetter) return NOT_WRITABLE;
    pitch = notes.natural[i] + accidental;
    // A pitch of the key (F# in D, even spelt _g) is written plain unless it cancels an accidental.
    if (byOctave === sig && byLetter === sig && s.keyClasses[((pitch % 12) + 12) % 12] === 1)
      return NOT_WRITABLE;
  }
  const range = s.pitchRange;
  if (range && (pitch < range.low || pitch > range.high)) return NOT_WRITABLE;
  return pitch;
}

/** What every note token sounds in one spelling context (constraint-removed tokens: NOT_WRITABLE). */
export interface Spelling {
  /** By note index. */
  pitch: Int16Array;
  /** By token id: 1 for a note token that may be written here. */
  writable: Uint8Array;
  /** Distinct steps that can be written (counted up to 2: a chord needs two). */
  steps: number;
}

/** Every letter, for `spellLetters`. */
export const ALL_LETTERS = 0x7f;

/** A spelling with nothing writable, to fill in (`spellLetters`, `copySpelling`). */
export function emptySpelling(notes: NoteTable): Spelling {
  const pitch = new Int16Array(notes.ids.length).fill(NOT_WRITABLE);
  return { pitch, writable: new Uint8Array(notes.vocabularySize), steps: 0 };
}

/** Spells the notes of the letters in `letters` (a bit per letter, C = 1) again in context `s`, in place. */
export function spellLetters(
  notes: NoteTable,
  target: Spelling,
  letters: number,
  s: SpellingContext,
  allowed: Uint8Array | null,
): void {
  const { pitch, writable } = target;
  for (let letter = 0; letter < 7; letter++) {
    if ((letters & (1 << letter)) === 0) continue;
    for (const i of notes.byLetter[letter]) {
      const id = notes.ids[i];
      const p = allowed && allowed[id] === 0 ? NOT_WRITABLE : soundingPitch(notes, i, s);
      pitch[i] = p;
      writable[id] = p === NOT_WRITABLE ? 0 : 1;
    }
  }
  target.steps = countSteps(notes, pitch);
}

export function copySpelling(target: Spelling, from: Spelling): void {
  target.pitch.set(from.pitch);
  target.writable.set(from.writable);
  target.steps = from.steps;
}

function countSteps(notes: NoteTable, pitch: Int16Array): number {
  let first = -1;
  for (let i = 0; i < pitch.length; i++) {
    if (pitch[i] === NOT_WRITABLE) continue;
    if (first === -1) first = notes.step[i];
    else if (notes.step[i] !== first) return 2;
  }
  return first === -1 ? 0 : 1;
}

/** Some note of `step` sounds `pitch` under `spelling` (a tie's second note can be written). */
export function soundsAt(notes: NoteTable, spelling: Spelling, step: number, pitch: number): boolean {
  for (const i of notes.byStep.get(step) ?? []) if (spelling.pitch[i] === pitch) return true;
  return false;
}
