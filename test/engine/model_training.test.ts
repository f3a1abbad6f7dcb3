import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { customArchitecture, presetArchitecture } from '../../src/main/engine/model/presets.ts';
import { TokenModel } from '../../src/main/engine/model/token_model.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

/** Character-level token ids of a real ABC tune book (Nottingham jigs), independent of any codec. */
function jigsAsChars(): { ids: Int32Array; vocabSize: number } {
  const text = readFileSync(sharedData('nottingham', 'ABC_cleaned', 'jigs.abc'), 'utf8');
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((ch, i) => [ch, i]));
  return { ids: Int32Array.from(text, (ch) => index.get(ch) as number), vocabSize: chars.length };
}

/** Cross-entropy (nats) of the held-out tokens under the training set's token frequencies. */
function unigramEntropy(ids: Int32Array, split: number): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < split; i++) counts.set(ids[i], (counts.get(ids[i]) ?? 0) + 1);
  let total = 0;
  for (let i = split; i < ids.length; i++)
    total -= Math.log(((counts.get(ids[i]) ?? 0) + 1) / (split + counts.size));
  return total / (ids.length - split);
}

/** B random windows of T+1 tokens from ids[from, to): inputs and next-token targets, [B, T] each. */
function batchOf(ids: Int32Array, from: number, to: number, batch: number, steps: number, rng: Rng) {
  const inputs = new Int32Array(batch * steps);
  const targets = new Int32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const start = from + rng.nextInt(to - from - steps - 1);
    inputs.set(ids.subarray(start, start + steps), b * steps);
    targets.set(ids.subarray(start + 1, start + steps + 1), b * steps);
  }
  return { inputs, targets };
}

describe('TokenModel training', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('counts parameters of the presets', () => {
    const standard = TokenModel.create({ vocabSize: 128, ...presetArchitecture('standard') });
    // 2 x 256 over 128 tokens: (128+256+1)*1024 + (256+256+1)*1024 + 257*128.
    expect(standard.parameterCount()).toBe(952_448);
    standard.dispose();
    expect(presetArchitecture('large').layers).toEqual([512, 512, 512]);
    expect(customArchitecture(3, 64).layers).toEqual([64, 64, 64]);
    expect(() => customArchitecture(0, 64)).toThrow(/Layer count/);
  });

  it.skipIf(!HAS_SHARED_DATA)(
    'learns the Nottingham jigs (characters): held-out loss well below chance and letter frequencies',
    () => {
      const { ids, vocabSize } = jigsAsChars();
      expect(vocabSize).toBeGreaterThan(40);
      const split = Math.floor(ids.length * 0.9);
      const rng = new Rng(7);
      const model = TokenModel.create({ vocabSize, layers: [64, 64], dropout: 0.1 }, 7);
      const heldOut = batchOf(ids, split, ids.length, 32, 48, new Rng(99));
      const initial = model.evaluate(heldOut.inputs, heldOut.targets, 32);
      expect(initial).toBeCloseTo(Math.log(vocabSize), 0);
      const tensorsBefore = tf.memory().numTensors;
      const losses: number[] = [];
      for (let step = 0; step < 120; step++) {
        const { inputs, targets } = batchOf(ids, 0, split, 16, 48, rng);
        losses.push(model.trainStep(inputs, targets, 16, { learningRate: 1e-2, clipNorm: 5 }));
      }
      // Adam's moments appear after the first step; after that nothing may leak.
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore + 2 * model.weightNames().length + 2);
      const final = model.evaluate(heldOut.inputs, heldOut.targets, 32);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Chance is ln(V) ~ 4.5 nats; letter frequencies alone give ~3.4; context must do better (measured 2.39).
      expect(final).toBeLessThan(unigramEntropy(ids, split) - 0.5);
      expect(model.lastGradNorm).toBeGreaterThan(0);
      model.dispose();
    },
  );

  it('rejects malformed batches with clear errors', () => {
    const model = TokenModel.create({ vocabSize: 5, layers: [4], dropout: 0 });
    expect(() => model.trainStep(new Int32Array(6), new Int32Array(6), 4)).toThrow(
      /do not form a batch of 4/,
    );
    expect(() => model.trainStep(Int32Array.of(0, 7), Int32Array.of(0, 1), 1)).toThrow(
      /token id 7 is outside/,
    );
    model.dispose();
    expect(() => model.evaluate(Int32Array.of(0), Int32Array.of(0), 1)).toThrow(/disposed/);
  });
});
