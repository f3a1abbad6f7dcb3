import type { Codec, Token } from '../codecs/codec.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';

/**
 * Training data as token-id streams. Every train item is transposed by each shift in
 * -range..range up front (items a shift would push out of the codec's range are left out of
 * that shift's stream); the vocabulary is built over all those augmented tokens, so every
 * transposed window can be encoded. Items of a stream are concatenated in dataset order:
 * windows may cross item boundaries, which the ABC codec marks with <s> / </s>.
 */

/** One stream of training token ids: the train items moved by `shift` semitones, back to back. */
export interface TrainStream {
  shift: number;
  ids: Uint16Array;
}

/** Prepared training data. */
export interface TrainingData {
  vocabulary: Vocabulary;
  /** One stream per transposition that has any tokens (shift 0 first). */
  streams: TrainStream[];
  /** Untransposed training tokens (what one epoch should see once). */
  trainTokens: number;
  /** Validation stream cut at tokens outside the vocabulary: runs of at least 2 known tokens. */
  validation: Int32Array[];
  validationTokens: number;
  /** Validation tokens outside the vocabulary (skipped). */
  unknownValidationTokens: number;
}

/** Shifts to prepare for a transposition range: 0, -1, 1, -2, 2, ... */
export function shiftsFor(range: number): number[] {
  const span = Math.max(0, Math.floor(range));
  const shifts = [0];
  for (let s = 1; s <= span; s++) shifts.push(-s, s);
  return shifts;
}

/**
 * Builds the streams and the vocabulary. With `vocabulary` given (resuming a run), it is
 * used as is and a training token outside it is an error.
 */
export function prepareTrainingData(
  codec: Codec,
  train: readonly (readonly Token[])[],
  validation: readonly (readonly Token[])[],
  transposeRange: number,
  vocabulary?: Vocabulary,
): TrainingData {
  const trainTokens = train.reduce((n, tokens) => n + tokens.length, 0);
  if (trainTokens === 0) throw new Error('The dataset has no tokens in its train split: nothing to train on');
  const shifted = new Map<number, Token[][]>();
  for (const shift of shiftsFor(transposeRange)) {
    const pieces: Token[][] = [];
    for (const tokens of train) {
      const moved = shift === 0 ? [...tokens] : codec.transpose(tokens, shift);
      if (moved && moved.length > 0) pieces.push(moved);
    }
    if (pieces.length > 0) shifted.set(shift, pieces);
  }
  const vocab = vocabulary ?? Vocabulary.forCodec(codec, [...shifted.values()].flat());
  if (vocab.size > 65535) throw new Error(`Vocabulary of ${vocab.size} tokens is too large (limit 65535)`);
  const streams: TrainStream[] = [];
  for (const [shift, pieces] of shifted) {
    const ids = new Uint16Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const piece of pieces) {
      for (const token of piece) {
        const id = vocab.idOf(token);
        if (id === undefined) {
          throw new Error(
            `Training token "${token}" is not in the model's vocabulary: the dataset changed since the model was created`,
          );
        }
        ids[at++] = id;
      }
    }
    streams.push({ shift, ids });
  }
  const { segments, known, unknown } = encodeSegments(vocab, validation);
  return {
    vocabulary: vocab,
    streams,
    trainTokens,
    validation: segments,
    validationTokens: known,
    unknownValidationTokens: unknown,
  };
}

/**
 * The items back to back as ids, cut at tokens outside `vocabulary`; runs shorter than 2
 * tokens (nothing to predict) are dropped. Counts known and unknown tokens.
 */
export function encodeSegments(
  vocabulary: Vocabulary,
  items: readonly (readonly Token[])[],
): { segments: Int32Array[]; known: number; unknown: number } {
  const segments: Int32Array[] = [];
  let run: number[] = [];
  let known = 0;
  let unknown = 0;
  const flush = (): void => {
    if (run.length >= 2) segments.push(Int32Array.from(run));
    run = [];
  };
  for (const tokens of items) {
    for (const token of tokens) {
      const id = vocabulary.idOf(token);
      if (id === undefined) {
        unknown++;
        flush();
      } else {
        known++;
        run.push(id);
      }
    }
  }
  flush();
  return { segments, known, unknown };
}
