import * as tf from '@tensorflow/tfjs';
import type { TokenModel } from '../model/token_model.ts';

/** Next-token figures over evaluation windows (natural log). */
export interface WindowMetrics {
  /** Targets predicted. */
  tokens: number;
  /** Mean negative log-likelihood per token (nats). */
  nll: number;
  /** exp(nll). */
  perplexity: number;
  /** Fraction of targets that were the model's most likely token. */
  accuracy: number;
}

/**
 * Scores `windows` (each: inputs = all but the last id, targets = all but the first) without
 * dropout, `batchSize` windows of equal length at a time. `onBatch` reports progress.
 */
export async function measureWindows(
  model: TokenModel,
  windows: readonly Int32Array[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<WindowMetrics> {
  const byLength = new Map<number, Int32Array[]>();
  for (const w of windows) {
    if (w.length < 2) continue;
    const group = byLength.get(w.length) ?? [];
    group.push(w);
    byLength.set(w.length, group);
  }
  const batches: Int32Array[][] = [];
  for (const group of byLength.values())
    for (let i = 0; i < group.length; i += batchSize) batches.push(group.slice(i, i + batchSize));
  let tokens = 0;
  let nllSum = 0;
  let correct = 0;
  for (const [index, batch] of batches.entries()) {
    const steps = batch[0].length - 1;
    const inputs = new Int32Array(batch.length * steps);
    const targets = new Int32Array(batch.length * steps);
    batch.forEach((w, b) => {
      inputs.set(w.subarray(0, steps), b * steps);
      targets.set(w.subarray(1), b * steps);
    });
    const logits = model.logits(inputs, batch.length);
    const [sum, hits] = tf.tidy(() => {
      const flat = tf.reshape(logits, [batch.length * steps, model.config.vocabSize]) as tf.Tensor2D;
      const target = tf.tensor1d(targets, 'int32');
      const logp = tf.logSoftmax(flat);
      const picked = tf.sum(tf.mul(logp, tf.oneHot(target, model.config.vocabSize)));
      const right = tf.sum(tf.cast(tf.equal(tf.argMax(flat, 1), target), 'float32'));
      return [picked.dataSync()[0], right.dataSync()[0]];
    });
    logits.dispose();
    tokens += targets.length;
    nllSum -= sum;
    correct += hits;
    onBatch?.(index + 1, batches.length);
    // Let the event loop breathe (progress messages, pause/stop requests).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const nll = tokens > 0 ? nllSum / tokens : NaN;
  return { tokens, nll, perplexity: Math.exp(nll), accuracy: tokens > 0 ? correct / tokens : NaN };
}
