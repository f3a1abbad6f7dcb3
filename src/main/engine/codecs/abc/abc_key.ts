/**
 * Keys for ABC's key constraint: ABC note tokens are written notes, and what they sound
 * depends on the K: in force. A key constraint picks the vocabulary's K: token for the key's
 * signature, keeps it in force, and judges each note by the pitch it sounds under it (a
 * natural `f` under K:Dmaj is F#; `=f` is F).
 */
import type { KeyMode } from '../../../../shared/music/note_sequence.ts';
import type { MidiNote, PitchClass } from '../../../../shared/music/units.ts';
import { sharpsOfKey } from '../../../../shared/music/key_signatures.ts';
import type { KeySignatureWriting, Token } from '../codec.ts';
import { keyFifths, LETTERS, parseKeyToken, parseNoteToken, signatureAccidental } from './abc_fields.ts';
import { lastKeyToken } from './abc_prompt.ts';

const ABC_MODE: Record<KeyMode, string> = {
  major: 'maj',
  minor: 'min',
  dorian: 'dor',
  phrygian: 'phr',
  lydian: 'lyd',
  mixolydian: 'mix',
  locrian: 'loc',
};

const NATURAL_PC = [0, 2, 4, 5, 7, 9, 11];

/**
 * The K: token of an ABC vocabulary for a key: the one naming the key itself (`K:Dmaj`),
 * else one with the same key signature (`K:Bmin`, `K:Edor`; enharmonic signatures such as
 * 6 sharps / 6 flats count too). Null when the vocabulary has none.
 */
export function abcKeyTokenForSignature(
  vocabTokens: readonly Token[],
  signature: { key: PitchClass; mode: KeyMode },
): Token | null {
  const sharps = sharpsOfKey(signature.key, signature.mode);
  let best: Token | null = null;
  let bestScore = -1;
  for (const token of vocabTokens) {
    const parsed = parseKeyToken(token);
    if (!parsed) continue;
    const fifths = keyFifths(parsed);
    if ((((fifths - sharps) % 12) + 12) % 12 !== 0) continue;
    const letterPc = NATURAL_PC[LETTERS.indexOf(parsed.letter as (typeof LETTERS)[number])];
    const sameKey =
      (letterPc + parsed.accidental + 12) % 12 === signature.key && parsed.mode === ABC_MODE[signature.mode];
    const score = (sameKey ? 2 : 0) + (fifths === sharps ? 1 : 0);
    if (score > bestScore) {
      best = token;
      bestScore = score;
    }
  }
  return best;
}

/** The pitch a note token sounds under `keyToken`'s signature; [] for other tokens. */
export function abcPitchesUnder(token: Token, keyToken: Token): readonly MidiNote[] {
  const note = parseNoteToken(token);
  const key = parseKeyToken(keyToken);
  if (!note) return [];
  const written = 60 + 12 * note.octave + NATURAL_PC[note.step];
  if (note.accidental !== null) return [written + note.accidental];
  return [written + (key ? signatureAccidental(keyFifths(key), LETTERS[note.step]) : 0)];
}

/** ABC's key-signature capability (see KeySignatureWriting). */
export const ABC_KEY_SIGNATURES: KeySignatureWriting = {
  keyTokenName: 'K: token',
  keyTokenFor: abcKeyTokenForSignature,
  isKeyToken: (token) => parseKeyToken(token) !== undefined,
  pitchesUnder: abcPitchesUnder,
  withKey: (prompt, keyToken) => (lastKeyToken(prompt) === keyToken ? [...prompt] : [...prompt, keyToken]),
};
