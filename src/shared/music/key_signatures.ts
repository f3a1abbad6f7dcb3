/**
 * Keys and modes: names, pitch-class sets and the MIDI sharps/flats encoding.
 * Pure helpers, no I/O.
 */
import type { KeyMode } from './note_sequence.ts';
import type { PitchClass } from './units.ts';

/** Every mode a `KeySignature` can carry, in the order of their scale degree within the major scale. */
export const KEY_MODES: readonly KeyMode[] = [
  'major',
  'dorian',
  'phrygian',
  'lydian',
  'mixolydian',
  'minor',
  'locrian',
];

/** Semitones from the relative major's tonic up to each mode's tonic. */
const MODE_OFFSET: Record<KeyMode, number> = {
  major: 0,
  dorian: 2,
  phrygian: 4,
  lydian: 5,
  mixolydian: 7,
  minor: 9,
  locrian: 11,
};

const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];

/** Pitch-class names with sharps, index = pitch class. */
export const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
/** Pitch-class names with flats, index = pitch class. */
export const FLAT_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'Gb', 'G', 'Ab', 'A', 'Bb', 'B'] as const;

const mod12 = (n: number): number => ((n % 12) + 12) % 12;

/** Tonic of the major key that shares its notes with `key` in `mode` (C for A minor or D dorian). */
export function relativeMajor(key: PitchClass, mode: KeyMode): PitchClass {
  return mod12(key - MODE_OFFSET[mode]);
}

/** The seven pitch classes of a key, starting at its tonic (D dorian: D E F G A B C). */
export function keyPitchClasses(key: PitchClass, mode: KeyMode): PitchClass[] {
  const major = relativeMajor(key, mode);
  const start = MAJOR_SCALE.indexOf(MODE_OFFSET[mode]);
  return MAJOR_SCALE.map((_, i) => mod12(major + MAJOR_SCALE[(start + i) % 7]));
}

/**
 * Sharps (> 0) or flats (< 0) of a key signature, -6..6 (F# rather than Gb, Db rather than C#),
 * as stored in a MIDI key-signature event.
 */
export function sharpsOfKey(key: PitchClass, mode: KeyMode): number {
  const major = relativeMajor(key, mode);
  // Each sharp moves the major tonic a fifth (7 semitones) up; 7 * 7 = 49 = 1 (mod 12).
  const sharps = mod12(major * 7);
  return sharps > 6 ? sharps - 12 : sharps;
}

/** Tonic of the key written with `sharps` (negative: flats), major or minor, as in a MIDI key signature. */
export function keyFromSharps(sharps: number, minor: boolean): PitchClass {
  return mod12(sharps * 7 + (minor ? MODE_OFFSET.minor : 0));
}

/** A readable name: "D major", "F# minor", "Bb mixolydian" (flats for keys written with flats). */
export function keyName(key: PitchClass, mode: KeyMode): string {
  const names = sharpsOfKey(key, mode) < 0 ? FLAT_NAMES : SHARP_NAMES;
  return `${names[mod12(key)]} ${mode}`;
}

const MODE_ALIASES: Record<string, KeyMode> = {
  '': 'major',
  maj: 'major',
  major: 'major',
  ion: 'major',
  ionian: 'major',
  m: 'minor',
  min: 'minor',
  minor: 'minor',
  aeo: 'minor',
  aeolian: 'minor',
  dor: 'dorian',
  dorian: 'dorian',
  phr: 'phrygian',
  phrygian: 'phrygian',
  lyd: 'lydian',
  lydian: 'lydian',
  mix: 'mixolydian',
  mixolydian: 'mixolydian',
  loc: 'locrian',
  locrian: 'locrian',
};

/**
 * Parse a key name such as "D major", "F#m", "Bb minor", "Ador" or "G mixolydian" (ABC K: style too).
 * Returns null when the text names no key.
 */
export function parseKeyName(text: string): { key: PitchClass; mode: KeyMode } | null {
  const m = /^\s*([A-Ga-g])\s*([#b♯♭]?)\s*([A-Za-z]*)\s*$/.exec(text);
  if (!m) return null;
  const letter = SHARP_NAMES.indexOf(m[1].toUpperCase() as (typeof SHARP_NAMES)[number]);
  const accidental = m[2] === '#' || m[2] === '♯' ? 1 : m[2] === 'b' || m[2] === '♭' ? -1 : 0;
  const modeText = m[3] === 'M' ? 'maj' : m[3].toLowerCase();
  // "m" alone means minor, but "M" / "maj" means major; only the first three letters of long names count in ABC.
  const mode = MODE_ALIASES[modeText] ?? MODE_ALIASES[modeText.slice(0, 3)];
  if (mode === undefined) return null;
  return { key: mod12(letter + accidental), mode };
}
