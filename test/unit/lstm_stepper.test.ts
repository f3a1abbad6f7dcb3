import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { TokenModel, type TokenModelConfig } from '../../src/main/engine/model/token_model.ts';

// Unit counts that are not multiples of the SIMD kernel's 16 columns exercise the padding.
const config: TokenModelConfig = { vocabSize: 13, layers: [24, 20], dropout: 0 };
const [batch, steps] = [3, 15];
const inputs = Int32Array.from({ length: batch * steps }, (_, i) => (i * 5 + (i >> 3)) % 13);

function randomModel(): TokenModel {
  const seed = TokenModel.create(config, 'stepper');
  const values: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(seed.weightData()))
    values[name] = w.data.map((v, i) => v + 0.2 * Math.cos(i));
  seed.dispose();
  return TokenModel.fromWeights(config, values);
}

/** Max |stepper logits - tfjs logits| over every stream and step. */
function compare(stepper: LstmStepper, expected: number[][][]): number {
  let worst = 0;
  for (let t = 0; t < steps; t++) {
    const tokens = Array.from({ length: batch }, (_, b) => inputs[b * steps + t]);
    const out = stepper.step(tokens);
    for (let b = 0; b < batch; b++) {
      for (let v = 0; v < config.vocabSize; v++)
        worst = Math.max(worst, Math.abs(out[b * config.vocabSize + v] - expected[b][t][v]));
    }
  }
  return worst;
}

describe('LstmStepper (stateful one-step generation)', () => {
  let model: TokenModel;
  let expected: number[][][];
  beforeAll(async () => {
    await initBackend('wasm');
    model = randomModel();
    const logits = model.logits(inputs, batch);
    expected = logits.arraySync();
    logits.dispose();
  });

  it('equals the tfjs forward pass within 1e-4, SIMD kernel and plain JS', () => {
    const simd = new LstmStepper(model.config, model.weightData(), batch);
    expect(simd.usesSimd).toBe(true);
    expect(compare(simd, expected)).toBeLessThan(1e-4);
    const js = new LstmStepper(model.config, model.weightData(), batch, { simd: false });
    expect(js.usesSimd).toBe(false);
    expect(compare(js, expected)).toBeLessThan(1e-4);
  });

  it('resets, saves and restores per-stream state', () => {
    const stepper = new LstmStepper(model.config, model.weightData(), batch);
    compare(stepper, expected);
    const saved = stepper.getState();
    const next = Array.from(stepper.step([1, 2, 3]));
    stepper.setState(saved);
    expect(Array.from(stepper.step([1, 2, 3]))).toEqual(next);
    // After a full reset the sequence replays exactly.
    stepper.reset();
    expect(compare(stepper, expected)).toBeLessThan(1e-4);
    // Resetting one stream makes it start afresh while the others keep their context.
    stepper.reset(1);
    const fresh = new LstmStepper(model.config, model.weightData(), batch);
    const a = stepper.step([4, 4, 4]);
    const afterReset = Array.from(a.subarray(13, 26));
    const other = Array.from(a.subarray(0, 13));
    const f = fresh.step([4, 4, 4]);
    expect(afterReset).toEqual(Array.from(f.subarray(13, 26)));
    expect(other).not.toEqual(Array.from(f.subarray(0, 13)));
  });

  it('rejects bad tokens and mismatched weights with clear errors', () => {
    const stepper = new LstmStepper(model.config, model.weightData(), 2);
    expect(() => stepper.step([0])).toThrow(/expected 2 tokens/);
    expect(() => stepper.step([0, 13])).toThrow(/outside the vocabulary/);
    const weights = model.weightData();
    weights['dense/bias'] = { shape: [12], data: new Float32Array(12) };
    expect(() => new LstmStepper(model.config, weights)).toThrow(/dense\/bias/);
  });
});
