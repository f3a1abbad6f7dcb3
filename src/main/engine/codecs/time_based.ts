/** Pieces shared by the time-based codecs (performance, notes): seed timing and a neutral primer. */
import type { MusicItem } from '../music/music_item.ts';
import type { TimeContext, Token, UnseededPrompt } from './codec.ts';
import type { Vocabulary } from './vocabulary.ts';

/** The seed's first meter (4/4 without one) at `qpm`, else the seed's own tempo (120 without one). */
export function seedTimeContext(seed: MusicItem | undefined, qpm?: number): TimeContext {
  const ts = seed?.sequence.timeSignatures[0];
  const meter: [number, number] =
    ts && ts.numerator > 0 && ts.denominator > 0 ? [ts.numerator, ts.denominator] : [4, 4];
  const tempo = qpm ?? seed?.sequence.tempos[0]?.qpm ?? 120;
  return { qpm: tempo > 0 ? tempo : 120, meter };
}

/**
 * A prompt of one neutral event that is not part of the output (a rest): `preferred` when the
 * vocabulary has it, else its first token matching `fallback`, else its first token.
 */
export function neutralPrompt(vocabulary: Vocabulary, preferred: Token, fallback: RegExp): UnseededPrompt {
  const primer = vocabulary.has(preferred)
    ? preferred
    : (vocabulary.tokens.find((t) => fallback.test(t)) ?? vocabulary.tokens[0]);
  return { prime: [primer], header: [], primerLength: 1 };
}
