/**
 * Seeds and prompts: reading a seed file (MIDI, or the first tune of an ABC file) and turning
 * it, through the model's codec and vocabulary, into the tokens that prime the network.
 *
 * Without a seed:
 * - ABC starts from `<s>` and a header: meter (M:), unit (L:) and key (K:) tokens. Each is
 *   taken from the options when given, else chosen by the model itself (its most likely token
 *   of that kind after what precedes, so a jigs model starts in 6/8); a key constraint forces
 *   its K: token.
 * - Performance and notes have no start token; the network is primed with a neutral event
 *   that is not part of the output: `SHIFT_100` (one second of silence, Magenta's default
 *   event for the performance encoding) and `T_<one quarter>` (a quarter rest) respectively.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Codec, Token } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import { ABC_END, ABC_START } from '../codecs/abc.ts';
import {
  keyToken,
  normaliseMeter,
  normaliseUnit,
  parseKeyToken,
  parseKeyValue,
} from '../codecs/abc_fields.ts';
import type { MusicItem } from '../music/music_item.ts';
import { importMidiBytes } from '../music/midi_io.ts';
import { parseAbcText } from '../music/abc/index.ts';
import type { TimeContext } from './length.ts';

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

/** One ABC header token to put after `<s>`: given, or chosen by the model among `candidates`. */
export type HeaderSlot = { token: Token } | { kind: 'M' | 'L' | 'K'; candidates: Token[] };

/** What primes the network, and what of it belongs to the output. */
export interface Prompt {
  /** Tokens fed to the network, in order (header slots come after these, ABC without seed). */
  prime: Token[];
  /** ABC without a seed: header tokens still to feed (given or chosen by the model). */
  header: HeaderSlot[];
  /** How many leading `prime` tokens are a neutral primer, not music (left out of the output). */
  primerLength: number;
}

/** Options of `buildPrompt`. */
export interface PromptOptions {
  /** ABC without a seed: the meter, e.g. "6/8" (default: the model's choice). */
  meter?: string;
  /** ABC without a seed: the unit note length, e.g. "1/8" (default: the model's choice). */
  unit?: string;
  /** ABC without a seed: a key, e.g. "Dmaj" or "K:Dmaj" (default: the model's choice). */
  abcKey?: string;
  /** ABC: the K: token a key constraint needs (see constraints.ts); overrides `abcKey`. */
  forcedKeyToken?: Token | null;
}

/** The tokens of a seed: encoded by the codec, the ABC end token removed. Throws SeedError. */
export function encodeSeed(codec: Codec, item: MusicItem, vocabulary: Vocabulary): Token[] {
  let tokens: Token[];
  try {
    tokens = codec.encode(item);
  } catch (error) {
    throw new SeedError(`The ${codec.name} model cannot encode this seed: ${(error as Error).message}`);
  }
  while (tokens.length > 0 && tokens[tokens.length - 1] === ABC_END) tokens.pop();
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

/** The header token of `kind` for a user value, e.g. meter "6/8" -> "M:6/8"; must be in the vocabulary. */
function headerToken(kind: 'M' | 'L' | 'K', value: string, vocabulary: Vocabulary): Token {
  const bare = value.replace(/^\s*[MLK]:\s*/i, '');
  const normal =
    kind === 'K'
      ? keyToken(parseKeyValue(bare))
      : `${kind}:${kind === 'M' ? normaliseMeter(bare) : normaliseUnit(bare)}`;
  const candidates = vocabulary.tokens.filter((t) => t.startsWith(`${kind}:`));
  const wanted = candidates.find((t) => t === normal);
  if (wanted) return wanted;
  const name = { M: 'meter', L: 'unit length', K: 'key' }[kind];
  throw new SeedError(
    `The model's vocabulary has no ${name} "${value}" (it has: ${candidates.map((t) => t.slice(2)).join(', ') || 'none'})`,
  );
}

/** The prompt for a codec, from seed tokens (see `encodeSeed`) or none. */
export function buildPrompt(
  codec: Codec,
  vocabulary: Vocabulary,
  seedTokens: readonly Token[] | undefined,
  options: PromptOptions = {},
): Prompt {
  const forced = options.forcedKeyToken ?? null;
  if (seedTokens && seedTokens.length > 0) {
    const prime = [...seedTokens];
    if (codec.name === 'abc' && forced !== null && lastKeyToken(prime) !== forced) prime.push(forced);
    return { prime, header: [], primerLength: 0 };
  }
  if (codec.name === 'abc') {
    if (!vocabulary.has(ABC_START)) throw new SeedError(`The ABC vocabulary has no start token ${ABC_START}`);
    const slot = (kind: 'M' | 'L' | 'K', value: string | undefined): HeaderSlot => {
      if (value !== undefined) return { token: headerToken(kind, value, vocabulary) };
      const candidates = vocabulary.tokens.filter((t) =>
        kind === 'K' ? parseKeyToken(t) !== undefined : t.startsWith(`${kind}:`),
      );
      if (candidates.length === 0) throw new SeedError(`The ABC vocabulary has no ${kind}: token`);
      return { kind, candidates };
    };
    const key: HeaderSlot = forced !== null ? { token: forced } : slot('K', options.abcKey);
    return {
      prime: [ABC_START],
      header: [slot('M', options.meter), slot('L', options.unit), key],
      primerLength: 0,
    };
  }
  const primer = neutralPrimer(codec, vocabulary);
  return { prime: [primer], header: [], primerLength: 1 };
}

/** The neutral primer token of a performance or notes vocabulary (see the module comment). */
export function neutralPrimer(codec: Codec, vocabulary: Vocabulary): Token {
  const quarter = 'stepsPerQuarter' in codec ? Number(codec.stepsPerQuarter) : 4;
  const preferred = codec.name === 'performance' ? ['SHIFT_100'] : [`T_${quarter}`];
  const found =
    preferred.find((t) => vocabulary.has(t)) ??
    vocabulary.tokens.find((t) => /^(SHIFT|T)_\d+$/.test(t)) ??
    vocabulary.tokens[0];
  return found;
}

/** The last K: token of an ABC stream, or undefined. */
export function lastKeyToken(tokens: readonly Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (parseKeyToken(tokens[i])) return tokens[i];
  return undefined;
}

/** The ABC header in force at the end of `tokens`: `<s>` and its last M:, L: and K: tokens. */
export function abcHeaderAtEnd(tokens: readonly Token[]): Token[] {
  let meter: Token | undefined;
  let unit: Token | undefined;
  for (const t of tokens) {
    if (/^M:\S+$/.test(t)) meter = t;
    else if (/^L:\S+$/.test(t)) unit = t;
  }
  const key = lastKeyToken(tokens);
  return [ABC_START, ...[meter, unit, key].filter((t): t is Token => t !== undefined)];
}

/** Meter and tempo of a prompt: ABC from its M: token (Q:1/4=120), MIDI from the seed (4/4, 120). */
export function timeContext(codec: Codec, promptTokens: readonly Token[], seed?: MusicItem): TimeContext {
  if (codec.name === 'abc') {
    const meter = abcHeaderAtEnd(promptTokens).find((t) => t.startsWith('M:'));
    const match = meter ? /^M:(\d+)\/(\d+)$/.exec(meter) : null;
    return { qpm: 120, meter: match ? [Number(match[1]), Number(match[2])] : [4, 4] };
  }
  const ts = seed?.sequence.timeSignatures[0];
  const meter: [number, number] =
    ts && ts.numerator > 0 && ts.denominator > 0 ? [ts.numerator, ts.denominator] : [4, 4];
  // The notes codec plays its grid at its own tempo; performance time is the seed's own.
  const qpm =
    codec.name === 'notes' && 'qpm' in codec ? Number(codec.qpm) : (seed?.sequence.tempos[0]?.qpm ?? 120);
  return { qpm: qpm > 0 ? qpm : 120, meter };
}
