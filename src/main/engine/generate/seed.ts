/**
 * Seeds and prompts: reading a seed file (MIDI, or the first tune of an ABC file) and turning
 * it, through the model's codec and vocabulary, into the tokens that prime the network.
 * Without a seed each codec gives its own prompt (`Codec.unseededPrompt`): ABC a start token
 * and header slots the model may fill, performance and notes a neutral event (a rest) that is
 * not part of the output.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Codec, HeaderSlot, PromptChoices, Token, UnseededPrompt } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import type { MusicItem } from '../music/music_item.ts';
import { importMidiBytes } from '../music/midi_io.ts';
import { parseAbcText } from '../music/abc/index.ts';

/** Thrown for a seed that cannot be read or that the model's codec cannot encode. */
export class SeedError extends Error {
  override name = 'SeedError';
}

/** Reads a seed file: a MIDI file, or the first tune of an ABC file. Throws SeedError. */
export async function readSeedFile(file: string): Promise<MusicItem> {
  const ext = path.extname(file).toLowerCase();
  if (!['.mid', '.midi', '.abc'].includes(ext))
    throw new SeedError(`${file}: a seed must be a .mid, .midi or .abc file`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new SeedError(
      `${file}: cannot read seed (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const imported =
    ext === '.abc'
      ? parseAbcText(bytes.toString('utf8'), file)
      : importMidiBytes(new Uint8Array(bytes), file);
  const item = imported.items[0];
  if (!item) {
    const reason = imported.issues.find((i) => i.severity === 'error')?.reason ?? 'no music found';
    throw new SeedError(`${file}: cannot use as a seed (${reason})`);
  }
  return item;
}

/** What primes the network, and what of it belongs to the output. */
export interface Prompt extends UnseededPrompt {
  /** Header tokens still to feed after `prime` (given or chosen by the model). */
  header: HeaderSlot[];
}

/** Options of `buildPrompt` (what the musician fixed for a prompt without a seed). */
export type PromptOptions = PromptChoices;

/** The tokens of a seed: encoded by the codec, the ABC end token removed. Throws SeedError. */
export function encodeSeed(codec: Codec, item: MusicItem, vocabulary: Vocabulary): Token[] {
  let tokens: Token[];
  try {
    tokens = codec.encode(item);
  } catch (error) {
    throw new SeedError(`The ${codec.name} model cannot encode this seed: ${(error as Error).message}`);
  }
  while (tokens.length > 0 && tokens[tokens.length - 1] === codec.endToken) tokens.pop();
  return checkInVocabulary(tokens, vocabulary);
}

/** `tokens` when all are in the vocabulary; else a SeedError naming a few that are not. */
export function checkInVocabulary(tokens: Token[], vocabulary: Vocabulary): Token[] {
  const unknown = [...new Set(tokens.filter((t) => !vocabulary.has(t)))];
  if (unknown.length > 0) {
    const shown = unknown
      .slice(0, 5)
      .map((t) => `"${t}"`)
      .join(', ');
    throw new SeedError(
      `The seed has ${unknown.length} token${unknown.length > 1 ? 's' : ''} outside the model's ${vocabulary.codec} ` +
        `vocabulary (${shown}${unknown.length > 5 ? ', ...' : ''}), never seen in training`,
    );
  }
  if (tokens.length === 0) throw new SeedError('The seed encodes to no tokens (no notes?)');
  return tokens;
}

/**
 * The prompt for a codec, from seed tokens (see `encodeSeed`) or none (the codec's own:
 * a neutral primer, or a start token and header slots). A forced key token is put in force
 * after a seed. Throws SeedError when the codec cannot build it.
 */
export function buildPrompt(
  codec: Codec,
  vocabulary: Vocabulary,
  seedTokens: readonly Token[] | undefined,
  options: PromptOptions = {},
): Prompt {
  const forced = options.forcedKeyToken ?? null;
  if (seedTokens && seedTokens.length > 0) {
    const prime =
      forced !== null && codec.keySignatures
        ? codec.keySignatures.withKey(seedTokens, forced)
        : [...seedTokens];
    return { prime, header: [], primerLength: 0 };
  }
  try {
    return codec.unseededPrompt(vocabulary, options);
  } catch (error) {
    throw new SeedError((error as Error).message);
  }
}
