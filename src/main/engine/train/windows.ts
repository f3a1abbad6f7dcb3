import type { Token } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import type { Rng } from '../random/rng.ts';
import type { TrainStream } from './data.ts';

/** A batch for `TokenModel.trainStep`: [B, T] batch-major inputs and next-token targets. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

/** Time-stretch settings (codecs that can stretch time: `Codec.stretch`). */
export interface StretchOptions {
  /** Factors are drawn uniformly from 1 - amount .. 1 + amount. */
  amount: number;
  vocabulary: Vocabulary;
  /** The codec's stretch: the same tokens played `factor` times as long. */
  apply: (tokens: readonly Token[], factor: number) => Token[];
}

/** Throws a clear error when no stream holds one window of seqLen + 1 tokens. */
export function assertWindowsFit(streams: readonly TrainStream[], seqLen: number): void {
  const longest = Math.max(0, ...streams.map((s) => s.ids.length));
  if (longest < seqLen + 1)
    throw new Error(
      `The training tokens (${longest}) are fewer than one window of ${seqLen + 1}: lower --seq-len or add music`,
    );
}

/**
 * Draws random training windows (truncated BPTT): each window picks a transposition stream
 * uniformly, then a uniform start in it, and takes seqLen + 1 tokens (inputs, and the same
 * shifted by one as targets). All randomness comes from `rng`, whose state the checkpoint
 * saves, so a resumed run draws the very same windows.
 */
export class WindowSampler {
  private readonly usable: TrainStream[];

  constructor(
    streams: readonly TrainStream[],
    private readonly seqLen: number,
    private readonly rng: Rng,
    private readonly stretch: StretchOptions | null = null,
  ) {
    assertWindowsFit(streams, seqLen);
    this.usable = streams.filter((s) => s.ids.length >= seqLen + 1);
  }

  /** The next batch of `batchSize` windows. */
  nextBatch(batchSize: number): Batch {
    const T = this.seqLen;
    const inputs = new Int32Array(batchSize * T);
    const targets = new Int32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const window = this.nextWindow();
      for (let t = 0; t < T; t++) {
        inputs[b * T + t] = window[t];
        targets[b * T + t] = window[t + 1];
      }
    }
    return { inputs, targets, batchSize, seqLen: T };
  }

  private nextWindow(): ArrayLike<number> {
    const stream = this.usable[this.rng.nextInt(this.usable.length)];
    const need = this.seqLen + 1;
    if (!this.stretch || this.stretch.amount <= 0) {
      const start = this.rng.nextInt(stream.ids.length - need + 1);
      return stream.ids.subarray(start, start + need);
    }
    // Stretch: take a longer raw window (a shrink merges time shifts), stretch it, keep the first seqLen + 1.
    const factor = 1 + (this.rng.next() * 2 - 1) * this.stretch.amount;
    const rawLength = Math.min(stream.ids.length, Math.ceil(need * 1.25) + 4);
    const start = this.rng.nextInt(stream.ids.length - rawLength + 1);
    const raw = stream.ids.subarray(start, start + rawLength);
    const { vocabulary } = this.stretch;
    const stretched = this.stretch.apply(vocabulary.decode(raw), factor);
    if (stretched.length < need || !stretched.every((token) => vocabulary.has(token)))
      return raw.subarray(0, need);
    return vocabulary.encode(stretched.slice(0, need));
  }
}

/**
 * Deterministic evaluation windows over id segments: each segment is cut into consecutive
 * windows of seqLen + 1 tokens overlapping by one (every target predicted once), the last
 * one shorter. With `maxWindows`, an evenly spread subset of the full-length windows is kept
 * (short tails are dropped then).
 */
export function evaluationWindows(
  segments: readonly Int32Array[],
  seqLen: number,
  maxWindows = Infinity,
): Int32Array[] {
  const full: Int32Array[] = [];
  const tails: Int32Array[] = [];
  for (const segment of segments) {
    for (let start = 0; start + 1 < segment.length; start += seqLen) {
      const window = segment.subarray(start, Math.min(segment.length, start + seqLen + 1));
      (window.length === seqLen + 1 ? full : tails).push(window);
    }
  }
  if (full.length + tails.length <= maxWindows) return [...full, ...tails];
  const keep = Math.max(1, Math.floor(maxWindows));
  if (full.length === 0) return tails.slice(0, keep);
  const picked: Int32Array[] = [];
  const count = Math.min(keep, full.length);
  for (let i = 0; i < count; i++) picked.push(full[Math.floor((i * full.length) / count)]);
  return picked;
}
