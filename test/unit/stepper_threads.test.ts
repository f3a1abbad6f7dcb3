import { describe, expect, it } from 'vitest';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import {
  weightShapesFor,
  type TokenModelConfig,
  type WeightData,
} from '../../src/main/engine/model/token_model.ts';

/** Deterministic weights of roughly trained magnitude. */
function weightsFor(config: TokenModelConfig): Record<string, WeightData> {
  const out: Record<string, WeightData> = {};
  let i = 0;
  for (const [name, shape] of Object.entries(weightShapesFor(config))) {
    const n = shape.reduce((a, b) => a * b, 1);
    out[name] = { shape, data: Float32Array.from({ length: n }, () => 0.3 * Math.sin(++i * 0.61)) };
  }
  return out;
}

/** Steps both steppers on the same tokens until the helper has taken part; returns the steps run. */
function stepTogether(one: LstmStepper, two: LstmStepper, vocab: number, minSteps: number): number {
  const start = performance.now();
  let step = 0;
  while (step < minSteps || (two.helperJobs === 0 && performance.now() - start < 10_000)) {
    const tokens = Array.from({ length: one.batch }, (_, b) => (step * 5 + b * 3) % vocab);
    const a = Array.from(one.step(tokens));
    const b = Array.from(two.step(tokens));
    expect(b).toEqual(a);
    step++;
  }
  return step;
}

describe('generation stepper with a helper thread', () => {
  it.each([
    [{ vocabSize: 13, layers: [24, 20], dropout: 0 }, 1],
    [{ vocabSize: 13, layers: [24, 20], dropout: 0 }, 9],
    [{ vocabSize: 128, layers: [256, 256], dropout: 0 }, 1],
  ] as [TokenModelConfig, number][])(
    'gives bit-identical logits to one thread (%o, batch %i)',
    (config, batch) => {
      const weights = weightsFor(config);
      const one = new LstmStepper(config, weights, batch);
      const two = new LstmStepper(config, weights, batch, { threads: 2 });
      try {
        expect(two.usesHelperThread).toBe(true);
        stepTogether(one, two, config.vocabSize, 40);
        // The helper ran some of the jobs (it joins a few ms after the constructor).
        expect(two.helperJobs).toBeGreaterThan(0);
        // State round trips are unaffected by the padded, shared layout.
        const saved = two.getState();
        one.setState(saved);
        expect(Array.from(two.step(new Array<number>(batch).fill(2)))).toEqual(
          Array.from(one.step(new Array<number>(batch).fill(2))),
        );
      } finally {
        two.close();
      }
    },
    30_000,
  );

  it('keeps working on one thread after close()', () => {
    const config: TokenModelConfig = { vocabSize: 13, layers: [24, 20], dropout: 0 };
    const weights = weightsFor(config);
    const one = new LstmStepper(config, weights, 2);
    const two = new LstmStepper(config, weights, 2, { threads: 2 });
    two.close();
    expect(two.usesHelperThread).toBe(false);
    for (let t = 0; t < 5; t++)
      expect(Array.from(two.step([t, 12 - t]))).toEqual(Array.from(one.step([t, 12 - t])));
  });

  it('runs on one thread with the plain-JS kernels (no shared memory to give a helper)', () => {
    const config: TokenModelConfig = { vocabSize: 13, layers: [8], dropout: 0 };
    const stepper = new LstmStepper(config, weightsFor(config), 1, { threads: 2, simd: false });
    expect(stepper.usesHelperThread).toBe(false);
    expect(stepper.step([3]).every(Number.isFinite)).toBe(true);
  });
});
