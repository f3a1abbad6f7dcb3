import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainingEstimator } from '../../src/main/engine/host/studio/estimate.ts';
import { timeStepsInProcess } from '../../src/main/engine/train/client.ts';
import type { ResultOf } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';
import { startStudioHarness, type StudioHarness } from '../helpers/studio_harness.ts';
import { trainingPids, until } from '../helpers/training_processes.ts';

/**
 * The Train form's estimate times real training steps in a training process, never on the
 * engine's thread: the engine answers at once meanwhile, the timing is kept for the session,
 * a newer estimate of another size supersedes a running one (its process is killed) and a
 * timing that fails leaves the time unknown, with the reason.
 */

let studio: StudioHarness;
let datasetId: string;

function estimate(preset: 'sketch' | 'standard' | 'large'): Promise<ResultOf<'training.estimate'>> {
  return studio.call('training.estimate', { datasetId, architecture: { kind: 'preset', preset } });
}

beforeAll(async () => {
  studio = await startStudioHarness('continuo-studio-estimate-');
  const imported = await studio.call('datasets.import', {
    paths: [sharedData('nottingham', 'ABC_original', 'jigs.abc')],
    codec: 'abc',
    name: 'jigs',
  });
  expect(await studio.eventFor('datasets.finished', imported.jobId)).toMatchObject({ outcome: 'done' });
  datasetId = imported.datasetId;
}, 120_000);

afterAll(async () => {
  await studio?.close();
});

describe('training.estimate off the engine thread', () => {
  it('answers engine.stats at once while a Large estimate runs, then answers it from the cache', async () => {
    // The first engine.stats sets up the engine's TensorFlow.js backend: not what is measured here.
    await studio.call('engine.stats', {});
    const started = performance.now();
    const pending = estimate('large');
    // The timing runs in its own training process.
    await until('the estimate process', () => (trainingPids().length > 0 ? true : undefined), 30_000);
    const latencies: number[] = [];
    let settled = false;
    void pending.finally(() => (settled = true));
    while (!settled && latencies.length < 1000) {
      const t0 = performance.now();
      await studio.call('engine.stats', {});
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `engine.stats during the Large estimate: ${latencies.length} calls, ` +
        `p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
    );
    const large = await pending;
    const tookMs = performance.now() - started;
    console.log(`Large estimate: ${(tookMs / 1000).toFixed(1)} s, ${large.secondsPerStep} s per step`);
    expect(latencies.length).toBeGreaterThan(3);
    expect(Math.max(...latencies)).toBeLessThan(200);
    expect(large).toMatchObject({ method: 'timed-steps', cached: false });
    expect(large.secondsPerStep).toBeGreaterThan(0);
    expect(large.secondsPerEpoch).toBeCloseTo((large.secondsPerStep ?? 0) * large.stepsPerEpoch, 5);
    expect(large.parameterCount).toBeGreaterThan(5_000_000);
    expect(['wasm', 'tensorflow', 'cpu']).toContain(large.backend);

    // The same form again (another steps-per-epoch choice keeps the timing): from the cache.
    const t0 = performance.now();
    const again = await studio.call('training.estimate', {
      datasetId,
      architecture: { kind: 'preset', preset: 'large' },
      stepsPerEpoch: 10,
    });
    const againMs = performance.now() - t0;
    console.log(`The same estimate again: ${againMs.toFixed(1)} ms (cached: ${again.cached})`);
    expect(again).toMatchObject({ cached: true, secondsPerStep: large.secondsPerStep, stepsPerEpoch: 10 });
    expect(againMs).toBeLessThan(Math.min(500, tookMs / 4));
  }, 180_000);

  it('lets a newer estimate of another size supersede a running one and kills its process', async () => {
    const standard = estimate('standard');
    await until('the estimate process', () => (trainingPids().length > 0 ? true : undefined), 30_000);
    const sketch = await estimate('sketch');
    const replaced = await standard;
    expect(replaced).toMatchObject({
      method: 'untimed',
      secondsPerStep: null,
      secondsPerEpoch: null,
      timingError: 'a newer estimate replaced this one',
    });
    // The counts are there without the time.
    expect(replaced.parameterCount).toBeGreaterThan(sketch.parameterCount);
    expect(sketch).toMatchObject({ method: 'timed-steps' });
    expect(sketch.secondsPerStep).toBeGreaterThan(0);
    await until('no estimate process left', () => (trainingPids().length === 0 ? true : undefined), 10_000);
  }, 180_000);
});

describe('an estimate whose timing fails', () => {
  it('says the time per epoch is unknown and why, and tries again next time', async () => {
    // A real training process given too little time to answer.
    const estimator = createTrainingEstimator((request, signal) =>
      timeStepsInProcess(request, { signal, timeoutMs: 300 }),
    );
    const payload = {
      vocabSize: 50,
      trainTokens: 10_000,
      architecture: { kind: 'preset', preset: 'sketch' },
    } as const;
    const first = await estimator(payload);
    expect(first).toMatchObject({
      method: 'untimed',
      secondsPerStep: null,
      secondsPerEpoch: null,
      timingError: 'timing took longer than the 0.3 s allowed',
      stepsPerEpoch: 5,
      tokensPerStep: 32 * 64,
    });
    expect(first.parameterCount).toBeGreaterThan(100_000);
    const second = await estimator(payload);
    expect(second.cached).toBeUndefined();
    expect(second.timingError).toMatch(/longer than/);
  }, 60_000);
});
