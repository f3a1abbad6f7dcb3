import type { GenerationSeed } from '../../../../shared/ipc/index.ts';
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import type { Token } from '../../codecs/codec.ts';
import type { GenerateOptions } from '../../generate/generator.ts';
import type { GenerationModel } from '../../generate/load_model.ts';
import { checkInVocabulary, readSeedFile, SeedError } from '../../generate/seed.ts';
import { parseAbcText } from '../../music/abc/index.ts';
import type { MusicItem } from '../../music/music_item.ts';

/**
 * The seed of a `generation.start` request as generator options: a file read from disk, ABC
 * text parsed (its first tune), or notes. A codec that does not encode notes itself (its
 * `seedKind` is not 'notes') turns them into seed tokens its own way (`Codec.seedFromNotes`:
 * ABC writes them under their key, with durations and notes its vocabulary knows). Throws
 * SeedError with a clear message.
 */
export async function seedOptions(
  seed: GenerationSeed,
  model: GenerationModel,
): Promise<Pick<GenerateOptions, 'seed' | 'seedTokens'>> {
  if (seed.kind === 'file') return { seed: await readSeedFile(seed.path) };
  if (seed.kind === 'abc') return { seed: abcItem(seed.text, 'the ABC seed') };
  const sequence: NoteSequence = { ...seed.sequence, source: { ...seed.sequence.source } };
  const { codec, vocabulary } = model;
  if (codec.seedKind === 'notes' || !codec.seedFromNotes) return { seed: { sequence } };
  let tokens: Token[];
  try {
    tokens = codec.seedFromNotes(sequence, vocabulary);
  } catch (error) {
    throw new SeedError(
      `The ${codec.name} model cannot encode these seed notes: ${(error as Error).message}`,
    );
  }
  return { seedTokens: checkInVocabulary(tokens, vocabulary) };
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
