import { describe, expect, it } from 'vitest';
import {
  JobIdSchema,
  ModelIdSchema,
  preparingProgress,
  type TrainingProgress,
} from '../../src/shared/ipc/index.ts';
import { LossSeries } from '../../src/renderer/src/lib/loss_series.ts';
import { runProgressView } from '../../src/renderer/src/lib/run_progress.ts';

const ids = { jobId: JobIdSchema.parse('job-1'), modelId: ModelIdSchema.parse('model-1') };

function running(over: Partial<TrainingProgress>): TrainingProgress {
  return { ...preparingProgress({ ...ids, epochs: 4, stepsPerEpoch: 10 }), state: 'running', ...over };
}

describe('the training dashboard reading of a run', () => {
  it('measures the bar over the whole run, like the time left, with the epoch shown apart', () => {
    const view = runProgressView(running({ epoch: 2, stepInEpoch: 5, step: 15, etaSeconds: 50 }), undefined);
    expect(view.totalSteps).toBe(40);
    expect(view.doneSteps).toBe(15);
    expect(view.run).toBe('37 % of the run · about 50 s left');
    expect(view.epoch).toBe('Epoch 2 of 4 (step 5 of 10)');
    expect(view.state).toBe('Training');
  });

  it('says finished when the run is done, with a full bar', () => {
    const job = running({ epoch: 4, stepInEpoch: 10, step: 40, etaSeconds: 0 });
    const view = runProgressView(job, { outcome: 'done', message: 'Training finished' });
    expect(view.state).toBe('Finished');
    expect(view.doneSteps).toBe(view.totalSteps);
    expect(view.run).toBe('Finished: 4 epochs, 40 steps');
  });

  it('says how a stopped run ended, never "time left"', () => {
    const job = running({ epoch: 2, stepInEpoch: 3, step: 13, history: [] });
    const view = runProgressView(job, { outcome: 'stopped', message: 'Training stopped' });
    expect(view.state).toBe('Training stopped');
    expect(view.run).toBe('Ended after 0 epochs, 13 steps');
    expect(view.run).not.toMatch(/left/);
  });

  it('starts at zero while the data is prepared', () => {
    const view = runProgressView(preparingProgress({ ...ids, epochs: 3 }), undefined);
    expect(view.doneSteps).toBe(0);
    expect(view.state).toBe('Preparing the data…');
    expect(view.epoch).toBe('Epoch 1 of 3');
  });
});

describe('loss curves of a continued run', () => {
  it('shows the earlier runs from the epoch history before the live points', () => {
    const series = new LossSeries();
    const history = [
      { epoch: 1, step: 10, loss: 2.5, valLoss: 2.6, tokensPerSec: 1, seconds: 1 },
      { epoch: 2, step: 20, loss: 2.0, valLoss: 2.1, tokensPerSec: 1, seconds: 1 },
    ];
    series.setEpochs(history);
    series.addTrain(21, 1.9);
    series.addTrain(22, 1.8);
    expect(series.data()).toEqual([
      [10, 20, 21, 22],
      [2.5, 2.0, 1.9, 1.8],
      [2.6, 2.1, null, null],
    ]);
  });
});
