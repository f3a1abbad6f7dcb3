import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../helpers/data.ts';
import { startStudioHarness, type StudioHarness } from '../helpers/studio_harness.ts';
import { trainingPids, until } from '../helpers/training_processes.ts';

/**
 * The studio trains in its own process: the engine answers at once while steps run, a killed
 * training process is reported (the studio goes on) and "Train more" resumes from the last
 * checkpoint, keeping the earlier epochs in the model's history.
 */

let studio: StudioHarness;
let datasetId: string;

function progressOf(jobId: string): Array<Record<string, unknown>> {
  return studio.events
    .filter((e) => e.event === 'training.progress' && e.payload.jobId === jobId)
    .map((e) => e.payload);
}

beforeAll(async () => {
  studio = await startStudioHarness('continuo-train-process-');
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

describe('studio training in its own process', () => {
  it('answers stats and a generation at once while training, survives a killed trainer and trains more', async () => {
    // A small model to generate from while the big one trains.
    const small = await studio.call('training.start', {
      datasetId,
      name: 'small',
      architecture: { kind: 'preset', preset: 'sketch' },
      epochs: 1,
      stepsPerEpoch: 2,
      batchSize: 4,
    });
    expect(await studio.eventFor('training.finished', small.jobId, 120_000)).toMatchObject({
      outcome: 'done',
    });
    // The form's parameter count is the trained model's (the vocabulary includes the transposed copies).
    const estimate = await studio.call('training.estimate', {
      datasetId,
      architecture: { kind: 'preset', preset: 'sketch' },
      stepsPerEpoch: 2,
      batchSize: 4,
    });
    const smallModel = await studio.call('models.get', { id: small.modelId });
    expect(estimate.parameterCount).toBe(smallModel.parameterCount);
    expect(estimate.vocabSize).toBe(smallModel.vocabSize);

    const big = await studio.call('training.start', {
      datasetId,
      name: 'big',
      architecture: { kind: 'preset', preset: 'standard' },
      epochs: 50,
      stepsPerEpoch: 3,
    });
    // Steps are running (a loss was reported) and the first epoch is saved.
    await until('the first epoch', () =>
      progressOf(big.jobId).find((p) => (p.history as unknown[]).length >= 1 && typeof p.loss === 'number'),
    );
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await studio.call('engine.stats', {});
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const t0 = performance.now();
    const generation = await studio.call('generation.start', {
      modelId: small.modelId,
      temperature: 1,
      topK: 0,
      topP: 0.95,
      length: '4bars',
      variations: 1,
      randomSeed: 1,
    });
    const generated = await studio.eventFor('generation.finished', generation.jobId, 30_000);
    const generationMs = performance.now() - t0;
    expect(generated.outcome).toBe('done');
    // The training did not stop meanwhile.
    const stepsBefore = progressOf(big.jobId).at(-1)?.step as number;
    console.log(
      `engine.stats while training: max ${Math.max(...latencies).toFixed(1)} ms, median ${latencies.sort((a, b) => a - b)[5].toFixed(1)} ms; a 4-bar generation ${generationMs.toFixed(0)} ms`,
    );
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(generationMs).toBeLessThan(1000);

    // Per-epoch samples come from the checkpoints of the training process.
    await studio.eventFor('training.sample', big.jobId, 60_000);

    // Kill the training process: the job fails with a clear message, the studio goes on.
    const [pid] = await until('the training process', () => {
      const pids = trainingPids();
      return pids.length > 0 ? pids : undefined;
    });
    process.kill(pid, 'SIGKILL');
    const failed = await studio.eventFor('training.finished', big.jobId, 30_000);
    expect(failed).toMatchObject({ outcome: 'failed', saved: true });
    expect(String(failed.message)).toMatch(/SIGKILL/);
    expect(String(failed.message)).toMatch(/Train more/);
    expect((await studio.call('engine.stats', {})).jobs.training).toBe(0);

    // Train more: resumes from the last checkpoint, the earlier epochs stay in the history.
    const before = await studio.call('models.get', { id: big.modelId });
    expect(before.epochs).toBeGreaterThanOrEqual(1);
    const more = await studio.call('training.continue', { modelId: big.modelId, moreEpochs: 1 });
    expect(more.modelId).toBe(big.modelId);
    const first = await until('the resumed progress', () => progressOf(more.jobId)[0]);
    expect((first.history as unknown[]).length).toBe(before.epochs);
    expect(await studio.eventFor('training.finished', more.jobId, 120_000)).toMatchObject({
      outcome: 'done',
      saved: true,
    });
    const after = await studio.call('models.get', { id: big.modelId });
    expect(after.epochs).toBe(before.epochs + 1);
    expect(after.history.slice(0, before.epochs)).toEqual(before.history);
    // The resumed epoch went on from the checkpoint's step, not from 0.
    expect(after.history.at(-1)?.step).toBeGreaterThan(before.history.at(-1)?.step ?? 0);
    expect(stepsBefore).toBeGreaterThan(0);
  }, 400_000);

  it('stopping while the data is prepared leaves no model behind', async () => {
    const started = await studio.call('training.start', {
      datasetId,
      name: 'never',
      architecture: { kind: 'preset', preset: 'sketch' },
      epochs: 1,
    });
    expect((await studio.call('training.stop', { jobId: started.jobId })).ok).toBe(true);
    const finished = await studio.eventFor('training.finished', started.jobId, 60_000);
    expect(finished).toMatchObject({ outcome: 'stopped', saved: false });
    const { models } = await studio.call('models.list', {});
    expect(models.map((m) => m.id)).not.toContain(started.modelId);
    expect(existsSync(path.join(studio.dataDir, 'models', started.modelId))).toBe(false);
  }, 120_000);
});
