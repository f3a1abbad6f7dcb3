import type { GenerationSeed } from '../../../../shared/ipc/index.ts';
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import type { Token } from '../../codecs/codec.ts';
import { ABC_END, abcTokenPitch } from '../../codecs/abc/abc.ts';
import { parseNoteToken } from '../../codecs/abc/abc_fields.ts';
import { durationValue } from '../../codecs/abc/abc_lexer.ts';
import type { Vocabulary } from '../../codecs/vocabulary.ts';
import type { GenerateOptions } from '../../generate/generator.ts';
import type { GenerationModel } from '../../generate/load_model.ts';
import { checkInVocabulary, readSeedFile, SeedError } from '../../generate/seed.ts';
import { parseAbcText, sequenceToAbc } from '../../music/abc/index.ts';
import type { MusicItem } from '../../music/music_item.ts';

/**
 * The seed of a `generation.start` request as generator options: a file read from disk, ABC
 * text parsed (its first tune), or notes. An ABC model gets notes written as ABC (its codec
 * encodes ABC text); notes clipped by a time range may then have durations the model never saw,
 * and the writer may spell a pitch as the model never did (`^D,` for `_E,`), so each such
 * duration or note becomes the nearest one it knows. Throws SeedError with a clear message.
 */
export async function seedOptions(
  seed: GenerationSeed,
  model: GenerationModel,
): Promise<Pick<GenerateOptions, 'seed' | 'seedTokens'>> {
  if (seed.kind === 'file') return { seed: await readSeedFile(seed.path) };
  if (seed.kind === 'abc') return { seed: abcItem(seed.text, 'the ABC seed') };
  const sequence: NoteSequence = { ...seed.sequence, source: { ...seed.sequence.source } };
  const { codec, vocabulary } = model;
  if (codec.name !== 'abc') return { seed: { sequence } };
  // A seed goes on: its closing `|]` would be a token tune books rarely have mid-tune.
  const text = sequenceToAbc(sequence, { title: 'Seed' }).replace(/\|\]\s*$/, '|');
  const item = abcItem(text, 'the seed notes');
  let tokens: Token[];
  try {
    tokens = codec.encode(item);
  } catch (error) {
    throw new SeedError(`The abc model cannot encode these seed notes: ${(error as Error).message}`);
  }
  while (tokens.length > 0 && tokens[tokens.length - 1] === ABC_END) tokens.pop();
  const known = nearestNotes(nearestDurations(tokens, vocabulary), vocabulary);
  return { seedTokens: checkInVocabulary(known, vocabulary) };
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

function abcItem(text: string, what: string): MusicItem {
  const imported = parseAbcText(text, 'seed.abc');
  const item = imported.items[0];
  if (!item?.abc) {
    const reason = imported.issues.find((i) => i.severity === 'error')?.reason ?? 'no tune found';
    throw new SeedError(`Cannot use ${what} as a seed (${reason})`);
  }
  return item;
}
