/**
 * A short sample from the weights an epoch ended with, so a musician hears the model learn:
 * 4 bars for ABC models, 8 seconds otherwise; temperature 1; the random stream fixed per epoch,
 * so the same run gives the same samples.
 */
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import type { Codec } from '../codecs/codec.ts';
import { TokenGenerator } from './generator.ts';
import type { GenerationModel } from './load_model.ts';
import { decodeVariation } from './outputs.ts';

/** One epoch's sample. */
export interface EpochSample {
  epoch: number;
  sequence: NoteSequence;
  /** ABC text, for ABC models. */
  abc: string | null;
  /** The length asked for (`4bars` or `8s`). */
  length: string;
  /** Tokens generated. */
  tokens: number;
  /** Wall milliseconds it took. */
  ms: number;
}

/** A runaway model (e.g. one that never moves time on) stops here. */
const MAX_SAMPLE_TOKENS = 1500;

/** The length of an epoch sample for a codec: 4 bars for bar-based codecs, else 8 seconds. */
export function epochSampleLength(codec: Pick<Codec, 'lengths'>): string {
  return codec.lengths.unit === 'bars' ? '4bars' : '8s';
}

/** Generates the sample of epoch `epoch` (1-based) from `model`; rejects only for a broken model. */
export async function generateEpochSample(
  model: GenerationModel,
  epoch: number,
  signal?: AbortSignal,
): Promise<EpochSample> {
  const started = performance.now();
  const length = epochSampleLength(model.codec);
  const result = await new TokenGenerator(model).generate({
    length,
    temperature: 1,
    variations: 1,
    maxTokens: MAX_SAMPLE_TOKENS,
    rngSeed: `epoch-sample:${epoch}`,
    ...(signal ? { signal } : {}),
  });
  const decoded = decodeVariation(model.codec, result.variations[0]);
  return {
    epoch,
    sequence: decoded.full.sequence,
    abc: decoded.full.abc ?? null,
    length,
    tokens: result.tokens,
    ms: performance.now() - started,
  };
}
