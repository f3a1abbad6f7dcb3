import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { TokenModel } from '../../src/main/engine/model/token_model.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { DataParallelTrainer } from '../../src/main/engine/train/parallel/data_parallel.ts';

const config = { vocabSize: 24, layers: [32, 32], dropout: 0.2 };
const BATCH = 8;
const STEPS = 16;

/** The same 20 pseudo-random batches for every run. */
function batches(count: number): Array<{ inputs: Int32Array; targets: Int32Array }> {
  const rng = new Rng('batches');
  return Array.from({ length: count }, () => {
    const stream = Int32Array.from({ length: BATCH * (STEPS + 1) }, (_, i) =>
      i % 3 === 0 ? rng.nextInt(config.vocabSize) : (i * 5) % config.vocabSize,
    );
    const inputs = new Int32Array(BATCH * STEPS);
    const targets = new Int32Array(BATCH * STEPS);
    for (let b = 0; b < BATCH; b++) {
      inputs.set(stream.subarray(b * (STEPS + 1), b * (STEPS + 1) + STEPS), b * STEPS);
      targets.set(stream.subarray(b * (STEPS + 1) + 1, (b + 1) * (STEPS + 1)), b * STEPS);
    }
    return { inputs, targets };
  });
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('data-parallel training on two threads', () => {
  const data = batches(20);
  const options = { learningRate: 1e-2, clipNorm: 5 };
  let single: number[] = [];
  let singleWeights: Record<string, Float32Array> = {};

  beforeAll(() => {
    const model = TokenModel.create(config, 7);
    single = data.map((b) => model.trainStep(b.inputs, b.targets, BATCH, options));
    singleWeights = Object.fromEntries(Object.entries(model.weightData()).map(([n, w]) => [n, w.data]));
    model.dispose();
  });
  afterAll(() => undefined);

  it('gives the same loss curve and weights as one thread over 20 steps, with both threads computing', async () => {
    const model = TokenModel.create(config, 7);
    const trainer = await DataParallelTrainer.start(model, { threads: 2, backend: 'wasm', adaptive: false });
    try {
      expect(trainer.threads).toBe(2);
      const parallel: number[] = [];
      for (const b of data) parallel.push(await trainer.trainStep(b.inputs, b.targets, BATCH, options));
      expect(single[19]).toBeLessThan(single[0]);
      for (let i = 0; i < 20; i++)
        expect(Math.abs(parallel[i] - single[i])).toBeLessThan(1e-4 * single[i] + 1e-5);
      expect(trainer.counters).toEqual({ coordinatorRows: 20 * 4, workerRows: 20 * 4, soloSteps: 0 });
      let worst = 0;
      for (const [name, w] of Object.entries(model.weightData()))
        for (let i = 0; i < w.data.length; i++)
          worst = Math.max(worst, Math.abs(w.data[i] - singleWeights[name][i]));
      expect(worst).toBeLessThan(1e-3);
    } finally {
      await trainer.close();
      model.dispose();
    }
  }, 120_000);

  it('goes on alone, with the same results, while its worker is paused', async () => {
    const model = TokenModel.create(config, 7);
    const trainer = await DataParallelTrainer.start(model, { threads: 2, backend: 'wasm', adaptive: false });
    try {
      const losses: number[] = [];
      for (const [i, b] of data.entries()) {
        trainer.setWorkerPaused(i >= 5 && i < 12);
        losses.push(await trainer.trainStep(b.inputs, b.targets, BATCH, options));
      }
      for (let i = 0; i < 20; i++)
        expect(Math.abs(losses[i] - single[i])).toBeLessThan(1e-4 * single[i] + 1e-5);
      expect(trainer.counters.soloSteps).toBe(7);
      expect(trainer.counters.workerRows).toBe(13 * 4);
    } finally {
      await trainer.close();
      model.dispose();
    }
  }, 120_000);
});

describe('choosing one or two threads by timing', () => {
  it('times both choices, keeps computing the same sums and says which it uses', async () => {
    const model = TokenModel.create(config, 7);
    const logs: string[] = [];
    const trainer = await DataParallelTrainer.start(model, {
      threads: 2,
      backend: 'wasm',
      onLog: (m) => logs.push(m),
    });
    const reference = TokenModel.create(config, 7);
    try {
      const data = batches(8);
      for (const b of data) {
        const ours = await trainer.trainStep(b.inputs, b.targets, BATCH);
        const theirs = reference.trainStep(b.inputs, b.targets, BATCH);
        expect(Math.abs(ours - theirs)).toBeLessThan(1e-4 * theirs + 1e-5);
      }
      // Steps 1-2 on two threads, 3-4 on one; then the faster.
      expect(trainer.counters.workerRows).toBeGreaterThanOrEqual(3 * 4);
      expect(trainer.counters.soloSteps).toBeGreaterThanOrEqual(2);
    } finally {
      await trainer.close();
      model.dispose();
      reference.dispose();
    }
  }, 120_000);
});
