/**
 * The quality line of a generated take in the studio: validity of the whole piece (seed +
 * continuation: what is exported), key and novelty of the continuation alone (what the model
 * wrote: a seed taken from a training tune would otherwise count as copied).
 */
import type { TakeQuality } from '../../../shared/ipc/index.ts';
import type { Codec } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import type { DecodedVariation } from '../generate/outputs.ts';
import { generatedPiece } from './generated_piece.ts';
import type { NoveltyIndex } from './novelty_index.ts';
import { readNoveltyIndex } from './model_quality.ts';
import { assessPiece, qualityLine } from './report.ts';

/** The model's training index for take lines; null when it has none or it cannot be read. */
export async function takeIndex(modelDir: string): Promise<NoveltyIndex | null> {
  try {
    return await readNoveltyIndex(modelDir);
  } catch {
    return null; // A damaged index only costs the novelty figures.
  }
}

/** The quality of one take; undefined when it cannot be measured (never throws). */
export function takeQuality(
  decoded: DecodedVariation,
  model: { codec: Codec; vocabulary: Vocabulary },
  index: NoveltyIndex | null,
): TakeQuality | undefined {
  try {
    const whole = assessPiece(generatedPiece('take', decoded, model), null);
    const written = assessPiece({ name: 'take', sequence: decoded.continuation.sequence }, index);
    const line = qualityLine({
      ...written,
      valid: whole.valid,
      abc2midi: whole.abc2midi,
      bars: whole.bars,
      openAtEnd: whole.openAtEnd,
    });
    return {
      text: line.slice(0, 400),
      valid: whole.valid,
      key: written.key.slice(0, 100),
      inKeyShare: Math.min(1, Math.max(0, written.inKeyShare)),
      longestRun: written.novelty ? written.novelty.longestRun : null,
      longestRunPiece: written.novelty?.longestRunPiece?.slice(0, 300) ?? null,
      ngramFoundShare: written.novelty ? Math.min(1, Math.max(0, written.novelty.foundShare)) : null,
    };
  } catch {
    return undefined;
  }
}
