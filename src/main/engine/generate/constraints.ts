/**
 * Token masks that keep generation in a key (scale) or a pitch range, built once per
 * vocabulary from `codec.pitchesOf`. Mask convention (as the sampler's): 1 = allowed, 0 = removed.
 * A token is allowed when every pitch it starts is allowed; tokens that start no note
 * (time shifts, velocities, bar lines...) are always allowed.
 *
 * Codecs whose notes are written under a key signature (`Codec.keySignatures`, ABC) are
 * different: what a note token sounds depends on the key token in force. For them a key mask
 * works in the written domain: the codec picks its key token for the requested key's
 * signature, the generator puts it in the prompt, the mask removes every other key token so
 * the key cannot change, and each note is judged by the pitch it sounds under that signature
 * (in ABC a natural `f` under K:Dmaj is F#; `=f` is F). A note carrying an accidental from
 * earlier in its bar sounds an allowed pitch (the accidental was judged when written), so
 * carrying never leads out of the scale; the codec's grammar plans with this mask.
 */
import type { Codec, Token } from '../codecs/codec.ts';
import { ABC_KEY_SIGNATURES } from '../codecs/abc/abc_key.ts';
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

/** The part of a codec the constraints need (so tests and tools can pass a small object). */
export type PitchCodec = Pick<Codec, 'name' | 'pitchesOf' | 'keySignatures'>;

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

/**
 * The key token of a key-signature vocabulary (ABC) to force for `key`: the one naming the
 * key itself (`K:Dmaj`), else one with the same signature. Null when the vocabulary has none.
 */
export function abcKeyTokenFor(vocabTokens: readonly Token[], key: string | Scale): Token | null {
  const scale = typeof key === 'string' ? parseScale(key) : key;
  return ABC_KEY_SIGNATURES.keyTokenFor(vocabTokens, scale.signature);
}

/** Pitches a token sounds: under `keyToken` for key-signature codecs (null: as written). */
function soundingPitches(token: Token, codec: PitchCodec, keyToken: Token | null): readonly MidiNote[] {
  if (keyToken === null || !codec.keySignatures) return codec.pitchesOf(token);
  return codec.keySignatures.pitchesUnder(token, keyToken);
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
  /** For key-signature codecs with a key: the key token the prompt must use (every other is masked). */
  keyToken: Token | null;
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

  let keyToken: Token | null = null;
  const writing = codec.keySignatures;
  if (scale && writing) {
    keyToken = writing.keyTokenFor(vocabTokens, scale.signature);
    if (keyToken === null) {
      const sharps = sharpsOfKey(scale.signature.key, scale.signature.mode);
      throw new ConstraintError(
        `The ${codec.name} vocabulary has no ${writing.keyTokenName} with the key signature of ${scale.name} ` +
          `(${Math.abs(sharps)} ${sharps < 0 ? 'flats' : 'sharps'}): cannot keep generation in that key`,
      );
    }
  }

  const mask = new Uint8Array(vocabTokens.length);
  let allowedCount = 0;
  for (let id = 0; id < vocabTokens.length; id++) {
    const token = vocabTokens[id];
    let allowed = true;
    if (keyToken !== null && token !== keyToken && writing?.isKeyToken(token)) allowed = false;
    else {
      for (const pitch of soundingPitches(token, codec, keyToken)) {
        if (scale && inScale[((pitch % 12) + 12) % 12] === 0) allowed = false;
        if (options.pitchRange && (pitch < options.pitchRange[0] || pitch > options.pitchRange[1]))
          allowed = false;
      }
    }
    mask[id] = allowed ? 1 : 0;
    if (allowed) allowedCount++;
  }
  return { mask, keyToken, allowedCount };
}

/**
 * Mask keeping generation in `key` (see the module comment for key-signature codecs: the
 * prompt must use the codec's key token, `constraintMask(...).keyToken`).
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
