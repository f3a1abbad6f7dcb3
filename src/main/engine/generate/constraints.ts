/**
 * Token masks that keep generation in a key (scale) or a pitch range, built once per
 * vocabulary from `codec.pitchesOf`. Mask convention (as the sampler's): 1 = allowed, 0 = removed.
 * A token is allowed when every pitch it starts is allowed; tokens that start no note
 * (time shifts, velocities, bar lines...) are always allowed.
 *
 * ABC is different: its note tokens are written notes, and what they sound depends on the
 * K: in force (`pitchesOf` gives them under no key signature, plus explicit accidentals). So
 * for ABC a key mask works in the written domain: `abcKeyTokenFor` picks the vocabulary's K:
 * token for the requested key's signature, the generator puts it in the prompt (header), the
 * mask removes every other K: token so the key cannot change, and each note is judged by the
 * pitch it sounds under that signature (a natural `f` under K:Dmaj is F#; `=f` is F). Notes
 * carrying an accidental from earlier in the bar are judged as written; since only in-scale
 * accidentals are allowed, carrying never leads out of the scale.
 */
import type { Codec, Token } from '../codecs/codec.ts';
import type { KeyMode } from '../../../shared/music/note_sequence.ts';
import type { MidiNote, PitchClass } from '../../../shared/music/units.ts';
import {
  FLAT_NAMES,
  keyName,
  keyPitchClasses,
  parseKeyName,
  SHARP_NAMES,
  sharpsOfKey,
} from '../../../shared/music/key_signatures.ts';
import {
  keyFifths,
  LETTERS,
  parseKeyToken,
  parseNoteToken,
  signatureAccidental,
} from '../codecs/abc/abc_fields.ts';

/** The part of a codec the constraints need (so tests and tools can pass a small object). */
export type PitchCodec = Pick<Codec, 'name' | 'pitchesOf'>;

/** Thrown for a key name or range that cannot be understood or honoured. */
export class ConstraintError extends Error {
  override name = 'ConstraintError';
}

/** A scale to stay in: its pitch classes and the key signature it is written under. */
export interface Scale {
  /** Readable name, e.g. "D major", "A minor pentatonic". */
  name: string;
  tonic: PitchClass;
  /** Allowed pitch classes, 0 = C. */
  pitchClasses: readonly PitchClass[];
  /** Key signature to write the scale under (ABC): a tonic and one of the seven modes. */
  signature: { key: PitchClass; mode: KeyMode };
}

/** Scales beyond the seven modes: name suffix, intervals above the tonic, signature mode. */
const EXTRA_SCALES: readonly { pattern: RegExp; name: string; intervals: number[]; mode: KeyMode }[] = [
  {
    pattern: /\s*(?:minor|min|m)\s*pent(?:atonic)?$/i,
    name: 'minor pentatonic',
    intervals: [0, 3, 5, 7, 10],
    mode: 'minor',
  },
  {
    pattern: /\s*(?:major|maj)?\s*pent(?:atonic)?$/i,
    name: 'pentatonic',
    intervals: [0, 2, 4, 7, 9],
    mode: 'major',
  },
  {
    pattern: /\s*harmonic\s*minor$/i,
    name: 'harmonic minor',
    intervals: [0, 2, 3, 5, 7, 8, 11],
    mode: 'minor',
  },
  { pattern: /\s*blues$/i, name: 'blues', intervals: [0, 3, 5, 6, 7, 10], mode: 'minor' },
  {
    pattern: /\s*chromatic$/i,
    name: 'chromatic',
    intervals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    mode: 'major',
  },
];

/** A bare tonic: letter and optional accidental. */
const TONIC_ONLY = /^\s*[A-Ga-g]\s*[#b♯♭]?\s*$/;

const SCALE_HELP =
  'expected a tonic A-G with an optional # or b and a mode: major, minor, dorian, phrygian, lydian, ' +
  'mixolydian, locrian, pentatonic, minor pentatonic, harmonic minor, blues or chromatic ' +
  '(e.g. "D major", "Dmaj", "D", "Bb minor", "F# dorian", "A minor pentatonic")';

/** Parses a key or scale name leniently; throws a ConstraintError naming the text otherwise. */
export function parseScale(text: string): Scale {
  const trimmed = text.trim();
  for (const extra of EXTRA_SCALES) {
    if (!extra.pattern.test(trimmed)) continue;
    const tonicText = trimmed.replace(extra.pattern, '');
    const tonic = TONIC_ONLY.test(tonicText) ? parseKeyName(tonicText) : null;
    if (!tonic) throw new ConstraintError(`Unknown key "${text}": ${SCALE_HELP}`);
    const mode = extra.mode;
    const names = sharpsOfKey(tonic.key, mode) < 0 ? FLAT_NAMES : SHARP_NAMES;
    return {
      name: `${names[tonic.key]} ${extra.name}`,
      tonic: tonic.key,
      pitchClasses: extra.intervals.map((i) => (tonic.key + i) % 12),
      signature: { key: tonic.key, mode },
    };
  }
  const parsed = parseKeyName(trimmed);
  if (!parsed) throw new ConstraintError(`Unknown key "${text}": ${SCALE_HELP}`);
  return {
    name: keyName(parsed.key, parsed.mode),
    tonic: parsed.key,
    pitchClasses: keyPitchClasses(parsed.key, parsed.mode),
    signature: parsed,
  };
}

const ABC_MODE: Record<KeyMode, string> = {
  major: 'maj',
  minor: 'min',
  dorian: 'dor',
  phrygian: 'phr',
  lydian: 'lyd',
  mixolydian: 'mix',
  locrian: 'loc',
};

/**
 * The K: token of an ABC vocabulary to force for `key`: the one naming the key itself
 * (`K:Dmaj`), else one with the same key signature (`K:Bmin`, `K:Edor`; enharmonic signatures
 * such as 6 sharps / 6 flats count too). Null when the vocabulary has none.
 */
export function abcKeyTokenFor(vocabTokens: readonly Token[], key: string | Scale): Token | null {
  const scale = typeof key === 'string' ? parseScale(key) : key;
  const { key: tonic, mode } = scale.signature;
  const sharps = sharpsOfKey(tonic, mode);
  let best: Token | null = null;
  let bestScore = -1;
  for (const token of vocabTokens) {
    const parsed = parseKeyToken(token);
    if (!parsed) continue;
    const fifths = keyFifths(parsed);
    if ((((fifths - sharps) % 12) + 12) % 12 !== 0) continue;
    const letterPc = [0, 2, 4, 5, 7, 9, 11][LETTERS.indexOf(parsed.letter as (typeof LETTERS)[number])];
    const sameKey = (letterPc + parsed.accidental + 12) % 12 === tonic && parsed.mode === ABC_MODE[mode];
    const score = (sameKey ? 2 : 0) + (fifths === sharps ? 1 : 0);
    if (score > bestScore) {
      best = token;
      bestScore = score;
    }
  }
  return best;
}

/** Pitches a token sounds: for ABC under a signature of `abcFifths` sharps (null: as written). */
function soundingPitches(token: Token, codec: PitchCodec, abcFifths: number | null): readonly MidiNote[] {
  const pitches = codec.pitchesOf(token);
  if (codec.name !== 'abc' || abcFifths === null || pitches.length === 0) return pitches;
  const note = parseNoteToken(token);
  if (!note || note.accidental !== null) return pitches;
  const shift = signatureAccidental(abcFifths, LETTERS[note.step]);
  return pitches.map((p) => p + shift);
}

/** Options of `constraintMask`. */
export interface ConstraintOptions {
  /** Key or scale name ("D major", "A minor pentatonic") or a parsed Scale. */
  key?: string | Scale;
  /** Lowest and highest allowed MIDI pitch, inclusive. */
  pitchRange?: readonly [MidiNote, MidiNote];
}

/** A combined mask and what the generator must do for it to hold. */
export interface ConstraintMask {
  /** 1 = allowed, 0 = removed, one entry per vocabulary token. */
  mask: Uint8Array;
  /** For ABC with a key: the K: token the prompt must use (every other K: is masked). */
  abcKeyToken: Token | null;
  /** How many tokens the mask allows. */
  allowedCount: number;
}

function checkRange(range: readonly [MidiNote, MidiNote]): void {
  const [lo, hi] = range;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 127 || lo > hi)
    throw new ConstraintError(
      `Pitch range [${lo}, ${hi}] must be whole MIDI notes with 0 <= lo <= hi <= 127`,
    );
}

/**
 * The mask for a key and/or a pitch range over `vocabTokens` (a Vocabulary's tokens, in id
 * order). Throws a ConstraintError for an unknown key, a bad range, or an ABC vocabulary
 * with no K: token for the key's signature.
 */
export function constraintMask(
  vocabTokens: readonly Token[],
  codec: PitchCodec,
  options: ConstraintOptions,
): ConstraintMask {
  const scale =
    options.key === undefined
      ? null
      : typeof options.key === 'string'
        ? parseScale(options.key)
        : options.key;
  if (options.pitchRange) checkRange(options.pitchRange);
  const inScale = new Uint8Array(12);
  for (const pc of scale?.pitchClasses ?? []) inScale[pc] = 1;

  let abcKeyToken: Token | null = null;
  let abcFifths: number | null = null;
  if (scale && codec.name === 'abc') {
    abcKeyToken = abcKeyTokenFor(vocabTokens, scale);
    const parsed = abcKeyToken === null ? undefined : parseKeyToken(abcKeyToken);
    if (!parsed) {
      const sharps = sharpsOfKey(scale.signature.key, scale.signature.mode);
      throw new ConstraintError(
        `The ABC vocabulary has no K: token with the key signature of ${scale.name} ` +
          `(${Math.abs(sharps)} ${sharps < 0 ? 'flats' : 'sharps'}): cannot keep ABC generation in that key`,
      );
    }
    abcFifths = keyFifths(parsed);
  }

  const mask = new Uint8Array(vocabTokens.length);
  let allowedCount = 0;
  for (let id = 0; id < vocabTokens.length; id++) {
    const token = vocabTokens[id];
    let allowed = true;
    if (abcKeyToken !== null && token !== abcKeyToken && parseKeyToken(token)) allowed = false;
    else {
      for (const pitch of soundingPitches(token, codec, abcFifths)) {
        if (scale && inScale[((pitch % 12) + 12) % 12] === 0) allowed = false;
        if (options.pitchRange && (pitch < options.pitchRange[0] || pitch > options.pitchRange[1]))
          allowed = false;
      }
    }
    mask[id] = allowed ? 1 : 0;
    if (allowed) allowedCount++;
  }
  return { mask, abcKeyToken, allowedCount };
}

/**
 * Mask keeping generation in `key` (see the module comment for ABC: the prompt must use
 * `abcKeyTokenFor(vocabTokens, key)`).
 */
export function keyMaskForVocabulary(
  vocabTokens: readonly Token[],
  codec: PitchCodec,
  key: string | Scale,
): Uint8Array {
  return constraintMask(vocabTokens, codec, { key }).mask;
}

/**
 * Mask keeping pitches in [lo, hi]. For ABC without a key this judges notes as written
 * (under no signature), which can be a semitone off the sounding pitch: pass both key and
 * range to `constraintMask` to judge sounding pitches.
 */
export function rangeMaskForVocabulary(
  vocabTokens: readonly Token[],
  codec: PitchCodec,
  lo: MidiNote,
  hi: MidiNote,
): Uint8Array {
  return constraintMask(vocabTokens, codec, { pitchRange: [lo, hi] }).mask;
}

/** The element-wise AND of masks of equal length (a new array). */
export function combineMasks(...masks: Uint8Array[]): Uint8Array {
  if (masks.length === 0) throw new ConstraintError('combineMasks needs at least one mask');
  const out = Uint8Array.from(masks[0]);
  for (const mask of masks.slice(1)) {
    if (mask.length !== out.length)
      throw new ConstraintError(`Masks differ in length: ${out.length} and ${mask.length}`);
    for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 && mask[i] !== 0 ? 1 : 0;
  }
  return out;
}
