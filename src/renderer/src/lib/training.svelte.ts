import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import {
  preparingProgress,
  type ModelSummary,
  type PayloadOf,
  type TrainingEstimate,
  type TrainingFinished,
  type TrainingProgress,
  type TrainingSample,
} from '../../../shared/ipc/index.ts';
import { EarlyEvents, errorText } from './early_events.ts';
import { LossSeries } from './loss_series.ts';
import type { StartingRun } from './run_progress.ts';

/** How the last training run ended, for the status line. */
export interface TrainingOutcome {
  outcome: TrainingFinished['outcome'];
  name: string;
  message: string;
}

/**
 * The Train section's state, kept while the user visits other sections: the run being
 * followed (latest progress, loss curves), its controls, and how the last one ended.
 */
export class TrainingModel {
  /** Latest progress of the followed run (kept after it ends, to show its curves and checkpoints). */
  job = $state<TrainingProgress | undefined>(undefined);
  /**
   * Set from the Start click until the host answers with the run's id: the dashboard shows at
   * once ("Starting the training process…") instead of after the host's answer.
   */
  starting = $state<StartingRun | undefined>(undefined);
  /** True once the followed run has ended. */
  ended = $state(false);
  name = $state('');
  outcome = $state<TrainingOutcome | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  /** Bumped whenever the loss curves gain points (the chart redraws on it). */
  curveVersion = $state(0);
  /** The followed run's curves (plain data: the chart reads it when `curveVersion` changes). */
  curves = new LossSeries();
  /** The followed run's epoch samples, by epoch. */
  samples = $state<TrainingSample[]>([]);

  private readonly early = new EarlyEvents<TrainingProgress | TrainingFinished | TrainingSample>();

  constructor(private readonly api: ContinuoApi) {
    api.on('training.progress', (progress) => this.onProgress(progress));
    api.on('training.finished', (finished) => this.onFinished(finished));
    api.on('training.sample', (sample) => this.onSample(sample));
  }

  /** True while a run is starting or going (the forms wait). */
  get busy(): boolean {
    return this.starting !== undefined || (this.job !== undefined && !this.ended);
  }

  /** Follows a run that is already going (e.g. after a page reload). */
  async attach(): Promise<void> {
    if (this.starting || (this.job && !this.ended)) return;
    try {
      const { jobs } = await this.api.request('training.active');
      const first = jobs[0];
      if (first && !this.starting && (!this.job || this.ended)) {
        this.curves = new LossSeries();
        this.samples = [];
        this.ended = false;
        this.job = first;
        this.name = 'Training';
        this.onProgress(first);
      }
    } catch {
      // Nothing to follow.
    }
  }

  /** Parameter count and time per epoch of a choice (the engine times real steps). */
  estimate(payload: PayloadOf<'training.estimate'>): Promise<TrainingEstimate> {
    return this.api.request('training.estimate', payload);
  }

  /** Starts a run and follows it. */
  async start(payload: PayloadOf<'training.start'>): Promise<void> {
    if (this.busy) return;
    this.begin(payload.name, {
      epochs: payload.epochs,
      ...(payload.stepsPerEpoch !== undefined ? { stepsPerEpoch: payload.stepsPerEpoch } : {}),
    });
    try {
      const { jobId, modelId } = await this.api.request('training.start', payload);
      this.follow(
        preparingProgress({ jobId, modelId, epochs: payload.epochs, stepsPerEpoch: payload.stepsPerEpoch }),
      );
    } catch (error) {
      this.starting = undefined;
      this.error = `Could not start training: ${errorText(error)}`;
    }
  }

  /** A new run is asked for: the dashboard shows it at once, with nothing measured yet. */
  private begin(name: string, run: StartingRun): void {
    this.error = undefined;
    this.outcome = undefined;
    this.curves = new LossSeries();
    this.curveVersion++;
    this.samples = [];
    this.ended = false;
    this.name = name;
    this.job = undefined;
    this.starting = run;
  }

  /** The host answered with the run's id: follow it (events may have come first). */
  private follow(progress: TrainingProgress): void {
    const stop = this.starting?.stopping === true;
    this.starting = undefined;
    this.job = progress;
    for (const event of this.early.take(progress.jobId)) {
      if ('outcome' in event) this.onFinished(event);
      else if ('sequence' in event) this.onSample(event);
      else this.onProgress(event);
    }
    if (stop && !this.ended) void this.control('stop');
  }

  /** The models "Train more" can continue (none while they train; shipped ones are read-only). */
  async trainableModels(): Promise<ModelSummary[]> {
    try {
      const { models } = await this.api.request('models.list');
      return models.filter((model) => !model.training && !model.shipped);
    } catch {
      return [];
    }
  }

  /**
   * "Train more": continues a model's run from its last checkpoint for `moreEpochs` epochs and
   * follows it; the dashboard starts with the curves of its earlier runs.
   */
  async continueRun(model: Pick<ModelSummary, 'id' | 'name'>, moreEpochs: number): Promise<void> {
    if (this.busy) return;
    this.begin(model.name, { epochs: moreEpochs });
    try {
      const { jobId, modelId } = await this.api.request('training.continue', {
        modelId: model.id,
        moreEpochs,
      });
      this.follow(preparingProgress({ jobId, modelId, epochs: moreEpochs }));
    } catch (error) {
      this.starting = undefined;
      this.error = `Could not continue training: ${errorText(error)}`;
    }
  }

  /** Pauses, resumes or stops the followed run. */
  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    if (this.starting) {
      if (action === 'stop') this.starting = { ...this.starting, stopping: true };
      return;
    }
    if (!this.job || this.ended) return;
    try {
      const method =
        action === 'pause' ? 'training.pause' : action === 'resume' ? 'training.resume' : 'training.stop';
      await this.api.request(method, { jobId: this.job.jobId });
    } catch (error) {
      this.error = `Could not ${action} training: ${errorText(error)}`;
    }
  }

  private onProgress(progress: TrainingProgress): void {
    if (!this.job || this.job.jobId !== progress.jobId) {
      this.early.add(progress);
      return;
    }
    if (this.ended) return;
    this.job = progress;
    const added = this.curves.addTrain(progress.step, progress.loss);
    this.curves.setEpochs(progress.history);
    if (added || progress.history.length > 0) this.curveVersion++;
  }

  private onSample(sample: TrainingSample): void {
    if (!this.job || this.job.jobId !== sample.jobId) {
      this.early.add(sample);
      return;
    }
    this.samples = [...this.samples.filter((s) => s.epoch !== sample.epoch), sample].sort(
      (a, b) => a.epoch - b.epoch,
    );
  }

  private onFinished(finished: TrainingFinished): void {
    if (!this.job || this.job.jobId !== finished.jobId || this.ended) {
      this.early.add(finished);
      return;
    }
    const text =
      finished.message ??
      { done: 'Training finished', stopped: 'Training stopped', failed: 'Training failed' }[finished.outcome];
    this.outcome = { outcome: finished.outcome, name: this.name, message: text };
    this.ended = true;
  }
}
