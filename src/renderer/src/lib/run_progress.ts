import type { TrainingFinished, TrainingProgress } from '../../../shared/ipc/index.ts';
import { eta, plural } from './format.ts';

/** A run asked for whose id the host has not answered yet (it may wait behind an estimate). */
export interface StartingRun {
  epochs: number;
  stepsPerEpoch?: number;
  /** Stop was pressed before the id came: the run is stopped as soon as it is known. */
  stopping?: boolean;
}

/** What the training dashboard says about a run: one honest reading of its progress. */
export interface RunProgressView {
  /** Training, Paused, Finished, or how it ended. */
  state: string;
  /** The bar: steps of the whole run (all epochs), the same span "time left" measures. */
  totalSteps: number;
  doneSteps: number;
  /** "42 % of the run · about 3 min left", or "Finished: 2 epochs, 80 steps". */
  run: string;
  /** The epoch, apart: "Epoch 2 of 5 (step 10 of 40)". */
  epoch: string;
}

/** The dashboard's reading of `job`; `outcome` once the run has ended. */
export function runProgressView(
  job: TrainingProgress,
  outcome: { outcome: TrainingFinished['outcome']; message: string } | undefined,
): RunProgressView {
  const ended = outcome !== undefined;
  const finished = outcome?.outcome === 'done';
  const totalSteps = job.epochs * job.stepsPerEpoch;
  const doneSteps = finished
    ? totalSteps
    : Math.min(totalSteps, Math.max(0, job.epoch - 1) * job.stepsPerEpoch + job.stepInEpoch);
  const state = ended
    ? finished
      ? 'Finished'
      : outcome.message
    : { preparing: 'Preparing the data…', running: 'Training', paused: 'Paused', stopping: 'Stopping…' }[
        job.state
      ];
  const epochShown = Math.min(job.epochs, Math.max(1, job.epoch));
  const epoch =
    job.state === 'preparing' && !ended
      ? `Epoch 1 of ${job.epochs}`
      : `Epoch ${epochShown} of ${job.epochs} (step ${job.stepInEpoch} of ${job.stepsPerEpoch})`;
  const run = finished
    ? `Finished: ${plural(job.epochs, 'epoch')}, ${plural(job.step, 'step')}`
    : ended
      ? `Ended after ${plural(job.history.length, 'epoch')}, ${plural(job.step, 'step')}`
      : `${Math.floor((100 * doneSteps) / Math.max(1, totalSteps))} % of the run · ${eta(job.etaSeconds)}`;
  return { state, totalSteps, doneSteps, run, epoch };
}

/**
 * The dashboard's reading of a run the host has not answered for yet: nothing measured, said so
 * (the first figures replace it as soon as the run reports).
 */
export function startingProgressView(run: StartingRun): RunProgressView {
  return {
    state: run.stopping ? 'Stopping as soon as it has started…' : 'Starting the training process…',
    totalSteps: run.epochs * (run.stepsPerEpoch ?? 1),
    doneSteps: 0,
    run: `0 % of the run · ${eta(null)}`,
    epoch: `Epoch 1 of ${run.epochs}`,
  };
}
