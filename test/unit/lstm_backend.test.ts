import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { TokenModel } from '../../src/main/engine/model/token_model.ts';

function hasTfjsNode(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('initBackend', () => {
  it('picks tfjs-node when installed, else wasm, and says why it skipped faster ones', async () => {
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.name);
    if (hasTfjsNode()) {
      expect(info.name).toBe('tensorflow');
    } else {
      expect(info.name).toBe('wasm');
      expect(info.skipped).toEqual(['tensorflow: not installed']);
    }
    expect(info.warning).toBeUndefined();
  });

  it('falls back to cpu with a warning, and the model still trains there', async () => {
    const info = await initBackend('cpu');
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.warning).toMatch(/slow/);
    const model = TokenModel.create({ vocabSize: 6, layers: [5, 4], dropout: 0.1 }, 1);
    const inputs = Int32Array.of(0, 1, 2, 3, 4, 5, 0, 1);
    const targets = Int32Array.of(1, 2, 3, 4, 5, 0, 1, 2);
    const first = model.trainStep(inputs, targets, 2, { learningRate: 0.05 });
    let last = first;
    for (let i = 0; i < 30; i++) last = model.trainStep(inputs, targets, 2, { learningRate: 0.05 });
    expect(last).toBeLessThan(first * 0.7);
    model.dispose();
  });
});
