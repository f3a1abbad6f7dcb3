import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { dispatch } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';
import { startStudioHarness, type StudioHarness } from '../helpers/studio_harness.ts';

let studio: StudioHarness;

beforeAll(async () => {
  studio = await startStudioHarness('continuo-studio-train-');
});

afterAll(async () => {
  await studio.close();
});

describe('training and generation through the host core and the engine process', () => {
  it('estimates, trains a sketch model, lists it, generates 2 variations and exports MIDI', async () => {
    const imported = await studio.call('datasets.import', {
      paths: [sharedData('nottingham', 'ABC_original', 'jigs.abc')],
      codec: 'abc',
      name: 'jigs',
    });
    expect(await studio.eventFor('datasets.finished', imported.jobId)).toMatchObject({ outcome: 'done' });
    const datasetId = imported.datasetId;

    const estimate = await studio.call('training.estimate', {
      datasetId,
      architecture: { kind: 'preset', preset: 'sketch' },
      stepsPerEpoch: 6,
    });
    expect(estimate.parameterCount).toBeGreaterThan(100_000);
    expect(estimate.stepsPerEpoch).toBe(6);
    expect(estimate.secondsPerStep).toBeGreaterThan(0);
    expect(estimate.method).toBe('timed-steps');
    expect(estimate.secondsPerEpoch).toBeCloseTo((estimate.secondsPerStep ?? Number.NaN) * 6, 5);

    const started = await studio.call('training.start', {
      datasetId,
      name: 'Jigs sketch',
      architecture: { kind: 'preset', preset: 'sketch' },
      epochs: 1,
      stepsPerEpoch: 6,
      batchSize: 8,
    });
    const finished = await studio.eventFor('training.finished', started.jobId, 120_000);
    expect(finished).toMatchObject({ outcome: 'done', modelId: started.modelId, saved: true });
    const progress = studio.events.filter(
      (e) => e.event === 'training.progress' && e.payload.jobId === started.jobId,
    );
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.some((e) => typeof e.payload.loss === 'number')).toBe(true);

    const { models } = await studio.call('models.list', {});
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({
      preset: 'sketch',
      layers: [128, 128],
      id: started.modelId,
      name: 'Jigs sketch',
      codec: 'abc',
      dataset: 'jigs',
      epochs: 1,
    });
    const renamed = await studio.call('models.rename', { id: started.modelId, name: 'Jigs renamed' });
    expect(renamed.name).toBe('Jigs renamed');

    const generation = await studio.call('generation.start', {
      modelId: started.modelId,
      temperature: 1,
      topK: 0,
      topP: 0.95,
      length: '8bars',
      variations: 2,
      randomSeed: 3,
    });
    const done = await studio.eventFor('generation.finished', generation.jobId, 60_000);
    expect(done.outcome).toBe('done');
    const variations = done.variations as Array<{ sequence: { notes: unknown[] }; abc: string | null }>;
    expect(variations).toHaveLength(2);
    expect(variations[0].abc).toMatch(/^X:/m);
    expect(
      studio.events.some((e) => e.event === 'generation.event' && e.payload.jobId === generation.jobId),
    ).toBe(true);

    const exported = await studio.call('generation.export', {
      jobId: generation.jobId,
      variation: 0,
      format: 'mid',
    });
    expect(exported.path.startsWith(path.join(studio.dataDir, 'exports'))).toBe(true);
    const midi = midiToNoteSequence(new Uint8Array(readFileSync(exported.path)));
    expect(midi.notes.length).toBe(variations[0].sequence.notes.length);

    // A seed file and a key constraint; the seed's notes come first in the result.
    const seeded = await studio.call('generation.start', {
      modelId: started.modelId,
      seed: { kind: 'file', path: sharedData('nottingham', 'ABC_cleaned', 'jigs.abc') },
      temperature: 0.8,
      topK: 20,
      topP: 1,
      length: '4bars',
      variations: 1,
      key: 'D major',
      randomSeed: 1,
    });
    const seededDone = await studio.eventFor('generation.finished', seeded.jobId, 60_000);
    expect(seededDone.outcome, String(seededDone.message)).toBe('done');

    // A bad seed path fails with a clear message, and the engine goes on.
    const bad = await studio.call('generation.start', {
      modelId: started.modelId,
      seed: { kind: 'file', path: '/no/such/seed.mid' },
      temperature: 1,
      topK: 0,
      topP: 1,
      length: '50t',
      variations: 1,
    });
    const badDone = await studio.eventFor('generation.finished', bad.jobId, 30_000);
    expect(badDone).toMatchObject({ outcome: 'failed', variations: [] });
    expect(String(badDone.message)).toMatch(/seed\.mid/);

    expect(await studio.call('models.remove', { id: started.modelId })).toEqual({ removed: true });
    expect((await studio.call('models.list', {})).models).toEqual([]);
  }, 240_000);

  it('pauses, resumes and stops a run; the stopped model keeps a checkpoint; busy models refuse deletion', async () => {
    const { datasets } = await studio.call('datasets.list', {});
    const datasetId = datasets[0].id;
    const started = await studio.call('training.start', {
      datasetId,
      name: 'To stop',
      architecture: { kind: 'custom', layers: 1, units: 64, dropout: 0 },
      epochs: 50,
      batchSize: 8,
    });
    const running = async (): Promise<Record<string, unknown>> => {
      const end = Date.now() + 60_000;
      for (;;) {
        const hit = studio.events.find(
          (e) =>
            e.event === 'training.progress' &&
            e.payload.jobId === started.jobId &&
            e.payload.state === 'running' &&
            Number(e.payload.step) > 0,
        );
        if (hit) return hit.payload;
        if (Date.now() > end) throw new Error('the run never got going');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await running();
    const removal = await dispatch(studio.core.handlers, 'models.remove', { id: started.modelId });
    expect(removal).toMatchObject({ ok: false, error: { code: 'busy' } });

    expect(await studio.call('training.pause', { jobId: started.jobId })).toEqual({ ok: true });
    const active = await studio.call('training.active', {});
    expect(active.jobs.map((job) => job.state)).toEqual(['paused']);
    // The step that was running when Pause came may still report (progress comes every 1-2 s).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const pausedAt = (await studio.call('training.active', {})).jobs[0].step;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await studio.call('training.active', {})).jobs[0].step).toBe(pausedAt);

    expect(await studio.call('training.resume', { jobId: started.jobId })).toEqual({ ok: true });
    expect(await studio.call('training.stop', { jobId: started.jobId })).toEqual({ ok: true });
    const finished = await studio.eventFor('training.finished', started.jobId, 60_000);
    expect(finished).toMatchObject({ outcome: 'stopped', saved: true });
    expect(await studio.call('training.pause', { jobId: started.jobId })).toEqual({ ok: false });
    const model = await studio.call('models.get', { id: started.modelId });
    expect(model.name).toBe('To stop');
    expect(model.training).toBe(false);
  }, 120_000);
});
