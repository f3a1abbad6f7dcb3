import type { Codec } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import type { DecodedVariation } from '../generate/outputs.ts';
import type { QualityPiece } from './report.ts';

/** A generated variation as the quality report reads it: the whole piece (seed + continuation), as exported. */
export function generatedPiece(
  name: string,
  decoded: DecodedVariation,
  model: { codec: Codec; vocabulary: Vocabulary },
): QualityPiece {
  return {
    name,
    sequence: decoded.full.sequence,
    abc: decoded.full.abc,
    tokens: { codec: model.codec, vocabulary: model.vocabulary, tokens: decoded.full.tokens },
  };
}
