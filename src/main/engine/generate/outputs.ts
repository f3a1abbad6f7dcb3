/**
 * Generated tokens as music: each variation decoded to a NoteSequence (and ABC text for ABC
 * models), seed + continuation and the continuation alone; written as .mid or .abc files,
 * numbered when there are several (`out-1.mid`, `out-2.mid`...), each written atomically.
 */
import path from 'node:path';
import { writeFileAtomic } from '../storage/atomic.ts';
import type { Codec, Token } from '../codecs/codec.ts';
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import { noteSequenceToMidi } from '../music/midi_io.ts';
import { sequenceToAbc } from '../music/abc/index.ts';
import type { VariationTokens } from './generator.ts';

/** Music decoded from tokens. */
export interface DecodedPart {
  sequence: NoteSequence;
  /** ABC text (ABC models only). */
  abc?: string;
  tokens: Token[];
}

/** One variation as music: the whole piece and the continuation alone. */
export interface DecodedVariation {
  variation: number;
  /** Seed (or ABC header) followed by the continuation. */
  full: DecodedPart;
  /** The continuation alone (ABC: under the header in force at the end of the seed). */
  continuation: DecodedPart;
}

/** Decodes a token list, keeping the tokens. */
export function decodeTokens(codec: Codec, tokens: readonly Token[]): DecodedPart {
  const decoded = codec.decode(tokens);
  return { sequence: decoded.sequence, abc: decoded.abc, tokens: [...tokens] };
}

/** Decodes one variation (see DecodedVariation). */
export function decodeVariation(codec: Codec, variation: VariationTokens): DecodedVariation {
  return {
    variation: variation.variation,
    full: decodeTokens(codec, [...variation.prefix, ...variation.tokens]),
    continuation: decodeTokens(codec, codec.continuationAlone(variation.prefix, variation.tokens)),
  };
}

/** File formats generation writes. */
export type OutputFormat = 'mid' | 'abc';

/** Thrown for an output path generation cannot write. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** The format of an output path by its extension (.mid, .midi, .abc). */
export function outputFormatOf(file: string): OutputFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mid' || ext === '.midi') return 'mid';
  if (ext === '.abc') return 'abc';
  throw new OutputError(`${file}: the output must end in .mid, .midi or .abc`);
}

/** `out` for one file; `out-1.mid`, `out-2.mid`... for several. */
export function numberedPaths(out: string, count: number): string[] {
  if (count === 1) return [out];
  const ext = path.extname(out);
  const base = out.slice(0, out.length - ext.length);
  return Array.from({ length: count }, (_, i) => `${base}-${i + 1}${ext}`);
}

/** The bytes or text of one part in a format: MIDI, or ABC (the codec's own, else from the notes). */
export function encodeOutput(
  part: Pick<DecodedPart, 'sequence' | 'abc'>,
  format: OutputFormat,
  title = 'Continuo',
): string | Uint8Array {
  if (format === 'mid') return noteSequenceToMidi(part.sequence);
  return part.abc ?? sequenceToAbc(part.sequence, { title });
}

/** Options of `writeOutputs`. */
export interface WriteOutputsOptions {
  /** Write the continuation alone instead of seed + continuation. */
  continuationOnly?: boolean;
}

/** Writes each variation to `out` (numbered when several); returns the paths written. */
export async function writeOutputs(
  out: string,
  decoded: readonly DecodedVariation[],
  options: WriteOutputsOptions = {},
): Promise<string[]> {
  const format = outputFormatOf(out);
  const paths = numberedPaths(out, decoded.length);
  for (const [i, variation] of decoded.entries()) {
    const part = options.continuationOnly ? variation.continuation : variation.full;
    const title = decoded.length > 1 ? `Continuo variation ${i + 1}` : 'Continuo';
    await writeFileAtomic(paths[i], encodeOutput(part, format, title));
  }
  return paths;
}

/**
 * Collects a run's events per variation so a live view can show the music as it grows:
 * feed it every `GenerationEvent` (e.g. from `onEvent` or `generateStream`) and decode a
 * variation whenever the view wants to redraw (decoding re-reads that variation's tokens, so
 * throttle it to the frame rate rather than calling it per token).
 */
export class StreamingDecoder {
  private readonly tokens: Token[][];

  /** `prefix`: the run's prefix (`GenerationResult.variations[i].prefix`, or `TokenGenerator.prime`'s prompt minus its primer). */
  constructor(
    private readonly codec: Codec,
    private readonly prefix: readonly Token[],
    variations: number,
  ) {
    this.tokens = Array.from({ length: variations }, () => []);
  }

  /** Records one event; events of a variation must come in order (as the generator sends them). */
  add(event: { variation: number; index: number; token: Token }): void {
    const list = this.tokens[event.variation];
    if (!list) throw new RangeError(`No variation ${event.variation} in this decoder`);
    if (event.index !== list.length)
      throw new RangeError(`Variation ${event.variation}: expected token ${list.length}, got ${event.index}`);
    list.push(event.token);
  }

  /** Tokens generated so far for a variation (a copy). */
  tokensOf(variation: number): Token[] {
    return [...(this.tokens[variation] ?? [])];
  }

  /** The variation so far as music (see `decodeVariation`). */
  decode(variation: number): DecodedVariation {
    return decodeVariation(this.codec, {
      variation,
      prefix: [...this.prefix],
      tokens: this.tokensOf(variation),
      stop: 'length',
    });
  }
}
