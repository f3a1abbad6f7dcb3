import { describe, expect, it, vi } from 'vitest';
import type { ContinuoApi } from '../../src/shared/ipc/api.ts';
import { JobIdSchema, ModelIdSchema } from '../../src/shared/ipc/index.ts';

await vi.hoisted(async () => {
  const { installRunesShim } = await import('./runes_shim.ts');
  installRunesShim();
});

const { TrainingModel } = await import('../../src/renderer/src/lib/training.svelte.ts');
const { startingProgressView, runProgressView } = await import('../../src/renderer/src/lib/run_progress.ts');

const ids = { jobId: JobIdSchema.parse('job-1'), modelId: ModelIdSchema.parse('model-1') };

/**
 * A host whose `training.start` answers only when the test says (as the real one does when the
 * engine is busy timing an estimate); every request is recorded.
 */
function slowHost() {
  const sent: string[] = [];
  let answer: (value: unknown) => void = () => undefined;
  const api = {
    request: (method: string) => {
      sent.push(method);
      if (method === 'training.start') return new Promise((resolve) => (answer = resolve));
      if (method === 'training.active') return Promise.resolve({ jobs: [] });
      return Promise.resolve({ ok: true });
    },
    on: () => () => undefined,
  } as unknown as ContinuoApi;
  return { api, sent, answerStart: () => answer(ids) };
}

const payload = {
  datasetId: 'dataset-1',
  name: 'Jigs',
  architecture: { kind: 'preset', preset: 'sketch' },
  epochs: 3,
  stepsPerEpoch: 10,
} as const;

describe('starting a training run', () => {
  it('shows the run at once, as starting, before the host answers; then follows it', async () => {
    const host = slowHost();
    const training = new TrainingModel(host.api);
    const started = training.start(payload as never);

    // Before the answer: the dashboard has a run to show, honest about having no figures.
    expect(training.starting).toEqual({ epochs: 3, stepsPerEpoch: 10 });
    expect(training.busy).toBe(true);
    expect(training.name).toBe('Jigs');
    expect(training.job).toBeUndefined();
    const view = startingProgressView(training.starting!);
    expect(view.state).toBe('Starting the training process…');
    expect(view).toMatchObject({ totalSteps: 30, doneSteps: 0, epoch: 'Epoch 1 of 3' });
    // A second click meanwhile starts nothing more.
    await training.start(payload as never);
    expect(host.sent.filter((m) => m === 'training.start')).toHaveLength(1);

    host.answerStart();
    await started;
    expect(training.starting).toBeUndefined();
    expect(training.job?.jobId).toBe(ids.jobId);
    expect(runProgressView(training.job!, undefined).state).toBe('Preparing the data…');
  });

  it('Stop while starting stops the run as soon as the host names it', async () => {
    const host = slowHost();
    const training = new TrainingModel(host.api);
    const started = training.start(payload as never);
    await training.control('stop');
    expect(training.starting?.stopping).toBe(true);
    expect(startingProgressView(training.starting!).state).toBe('Stopping as soon as it has started…');
    expect(host.sent).not.toContain('training.stop');

    host.answerStart();
    await started;
    await vi.waitFor(() => expect(host.sent).toContain('training.stop'));
  });
});
