/**
 * Notes (e.g. a range of the piano roll) as an ABC model's seed: written as ABC under the
 * key the notes are in (the sequence's key signature, else the signature that needs the
 * fewest accidentals), so a seed in D is spelt with F# and C# from K:, never re-spelt in C
 * with explicit accidentals; then tokenised, and each duration or note the vocabulary lacks
 * replaced by the nearest one it knows.
 */
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import { keyFromSharps, keyPitchClasses } from '../../../../shared/music/key_signatures.ts';
import { CodecError, type Codec, type Token } from '../codec.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { sequenceToAbc } from '../../music/abc/from_sequence.ts';
import { parseAbcText } from '../../music/abc/import_text.ts';
import { abcKeyTokenForSignature } from './abc_key.ts';
import { ABC_END } from './abc_prompt.ts';
import { abcTokenPitch, defaultUnit, parseNoteToken } from './abc_fields.ts';
import { durationValue } from './abc_lexer.ts';

/** The key signature the notes are written under: their own, else the one needing fewest accidentals. */
export function seedSignature(sequence: NoteSequence): {
  key: number;
  mode: NoteSequence['keySignatures'][number]['mode'];
} {
  const own = [...sequence.keySignatures].sort((a, b) => a.time - b.time)[0];
  if (own) return { key: own.key, mode: own.mode };
  let best = { key: 0, mode: 'major' as const, outside: Infinity, size: Infinity };
  for (let sharps = -6; sharps <= 6; sharps++) {
    const key = keyFromSharps(sharps, false);
    const scale = new Set(keyPitchClasses(key, 'major'));
    const outside = sequence.notes.filter((n) => !scale.has(((n.pitch % 12) + 12) % 12)).length;
    if (outside < best.outside || (outside === best.outside && Math.abs(sharps) < best.size))
      best = { key, mode: 'major', outside, size: Math.abs(sharps) };
  }
  return { key: best.key, mode: best.mode };
}

/** `tokens` with each ABC duration the vocabulary lacks replaced by its nearest one (by ratio). */
export function nearestDurations(tokens: readonly Token[], vocabulary: Vocabulary): Token[] {
  // '' stands for the unit length, which has no token.
  const known = ['', ...vocabulary.tokens.filter((t) => durationValue(t) > 0)];
  const out: Token[] = [];
  for (const token of tokens) {
    const value = durationValue(token);
    if (vocabulary.has(token) || !(value > 0)) {
      out.push(token);
      continue;
    }
    let best = '';
    let bestDistance = Infinity;
    for (const candidate of known) {
      const distance = Math.abs(Math.log(durationValue(candidate) / value));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best !== '') out.push(best);
  }
  return out;
}

/**
 * `tokens` with each ABC note the vocabulary lacks replaced by a known one: a note with an
 * explicit accidental (absolute, whatever the key) by a known one with an explicit accidental
 * sounding the same pitch, else the nearest; a note without one (read in the key) by the same
 * letter in the nearest known octave.
 */
export function nearestNotes(tokens: readonly Token[], vocabulary: Vocabulary): Token[] {
  const notes = vocabulary.tokens.flatMap((token) => {
    const note = parseNoteToken(token);
    const pitch = abcTokenPitch(token);
    return note && pitch !== undefined ? [{ token, note, pitch }] : [];
  });
  return tokens.map((token) => {
    const note = parseNoteToken(token);
    const pitch = abcTokenPitch(token);
    if (!note || pitch === undefined || vocabulary.has(token)) return token;
    const candidates = notes.filter((known) =>
      note.accidental !== null
        ? known.note.accidental !== null
        : known.note.accidental === null && known.note.step === note.step,
    );
    let best = token;
    let bestDistance = Infinity;
    for (const known of candidates.length > 0 ? candidates : notes) {
      const distance = Math.abs(known.pitch - pitch);
      if (distance < bestDistance) {
        best = known.token;
        bestDistance = distance;
      }
    }
    return best;
  });
}

/** The seed tokens of `sequence` for an ABC codec over `vocabulary` (see the module comment). */
export function abcSeedFromNotes(codec: Codec, sequence: NoteSequence, vocabulary: Vocabulary): Token[] {
  const keyToken = abcKeyTokenForSignature(vocabulary.tokens, seedSignature(sequence));
  const first = sequence.timeSignatures[0];
  const meter = first ? `${first.numerator}/${first.denominator}` : '4/4';
  const unit = defaultUnit(meter);
  // A seed goes on: its closing `|]` would be a token tune books rarely have mid-tune.
  const text = sequenceToAbc(sequence, {
    title: 'Seed',
    meter,
    unitLength: vocabulary.has(`L:${unit}`) ? unit : '1/8',
    ...(keyToken ? { key: keyToken.slice(2) } : {}),
  }).replace(/\|\]\s*$/, '|');
  const item = parseAbcText(text, 'seed.abc').items[0];
  if (!item?.abc) throw new CodecError('The seed notes give no ABC tune (no notes?)');
  const tokens = codec.encode(item);
  while (tokens.length > 0 && tokens[tokens.length - 1] === ABC_END) tokens.pop();
  return nearestNotes(nearestDurations(tokens, vocabulary), vocabulary);
}
