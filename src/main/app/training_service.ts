import {
  IpcError,
  preparingProgress,
  type JobId,
  type ModelId,
  type ParsedPayloadOf,
  type ResultOf,
  type TrainingProgress,
} from '../../shared/ipc/index.ts';
import type { EngineClient } from '../engine/host/client.ts';
import type { DatasetService } from './datasets_service.ts';
import { JobTracker, type Broadcast } from './jobs/job_tracker.ts';
import { newJobId, newModelId } from './jobs/new_ids.ts';
import { isShippedId, shippedModelMessage, type ModelStore } from './storage/model_store.ts';

/** A training job main follows: its model and its latest progress. */
interface RunningTraining {
  modelId: ModelId;
  last: TrainingProgress;
}

/**
 * Training on the host side: checks the dataset, picks the model folder in models/ and asks
 * the engine process to train there (training never runs in main). Progress and the end are
 * forwarded to the UI as events; an engine crash ends every job as failed.
 */
export class TrainingService {
  private readonly jobs: JobTracker<RunningTraining>;

  constructor(
    private readonly engine: EngineClient,
    private readonly datasets: DatasetService,
    private readonly models: ModelStore,
    private readonly tokenCacheDir: string,
    private readonly broadcast: Broadcast,
  ) {
    this.jobs = new JobTracker<RunningTraining>(engine, {
      onCrash: (jobId, job, reason) => {
        broadcast('training.finished', {
          jobId,
          modelId: job.modelId,
          outcome: 'failed',
          message: `${reason}; the last saved epoch is kept.`,
          saved: job.last.history.length > 0,
        });
        return undefined;
      },
    });
    this.jobs.on('training.progress', (progress, job) => {
      job.last = progress;
      broadcast('training.progress', progress);
    });
    this.jobs.on('training.sample', (sample) => broadcast('training.sample', sample));
    this.jobs.on('training.finished', (finished) => {
      this.jobs.finish(finished.jobId);
      broadcast('training.finished', finished);
    });
  }

  /** Parameter count and time per epoch, timed by the engine on this dataset's vocabulary. */
  async estimate(payload: ParsedPayloadOf<'training.estimate'>): Promise<ResultOf<'training.estimate'>> {
    const { datasetId, architecture, ...knobs } = payload;
    const dataset = await this.datasets.get(datasetId);
    const { split, tokens, vocabSize } = dataset.stats;
    const items = split.train + split.validation + split.test;
    const trainTokens = items > 0 ? Math.round((tokens * split.train) / items) : tokens;
    return this.engine.request('training.estimate', {
      ...knobs,
      vocabSize: Math.max(2, vocabSize),
      trainTokens,
      architecture,
      dataset: { paths: dataset.paths, codec: dataset.codec, cacheDir: this.tokenCacheDir },
    });
  }

  /** Starts training a new model on a dataset; answers with the job and the model's id. */
  async start(payload: ParsedPayloadOf<'training.start'>): Promise<{ jobId: JobId; modelId: ModelId }> {
    const { datasetId, name, architecture, epochs, ...knobs } = payload;
    const dataset = await this.datasets.get(datasetId);
    const jobId = newJobId();
    const modelId = newModelId();
    const job: RunningTraining = {
      modelId,
      last: {
        jobId,
        modelId,
        state: 'preparing',
        epoch: 0,
        epochs,
        stepInEpoch: 0,
        stepsPerEpoch: knobs.stepsPerEpoch ?? 1,
        step: 0,
        loss: null,
        valLoss: null,
        tokensPerSec: 0,
        etaSeconds: null,
        history: [],
      },
    };
    await this.jobs.start(jobId, job, () =>
      this.engine.request('training.start', {
        ...knobs,
        jobId,
        modelId,
        modelDir: this.models.folder(modelId),
        name,
        paths: dataset.paths,
        codec: dataset.codec,
        cacheDir: this.tokenCacheDir,
        architecture,
        epochs,
      }),
    );
    return { jobId, modelId };
  }

  /**
   * Trains an existing model for `moreEpochs` more epochs from its last checkpoint ("Train
   * more", or resuming after a stop or a crash); its earlier epochs stay in its history.
   */
  async continueRun(
    payload: ParsedPayloadOf<'training.continue'>,
  ): Promise<{ jobId: JobId; modelId: ModelId }> {
    const { modelId, moreEpochs } = payload;
    // A shipped model is read-only (its folder may be inside the installed app): its copy can train.
    if (isShippedId(modelId))
      throw new IpcError({ code: 'unsupported', message: shippedModelMessage('trained more') });
    this.assertIdle(modelId);
    const model = await this.models.get(modelId);
    if (!model) throw new IpcError({ code: 'not_found', message: 'No such model: it may have been removed' });
    const jobId = newJobId();
    const history = model.meta.history.map(({ epoch, step, loss, valLoss, tokensPerSec, seconds }) => ({
      epoch,
      step,
      loss,
      valLoss,
      tokensPerSec: Math.max(0, tokensPerSec),
      seconds: Math.max(0, seconds),
    }));
    const job: RunningTraining = {
      modelId,
      last: preparingProgress({ jobId, modelId, epochs: history.length + moreEpochs, history }),
    };
    await this.jobs.start(jobId, job, () =>
      this.engine.request('training.continue', {
        jobId,
        modelId,
        modelDir: this.models.folder(modelId),
        cacheDir: this.tokenCacheDir,
        moreEpochs,
      }),
    );
    return { jobId, modelId };
  }

  /** Pauses, resumes or stops a job; false when it is not running. */
  async control(jobId: JobId, action: 'pause' | 'resume' | 'stop'): Promise<boolean> {
    if (!this.jobs.isRunning(jobId)) return false;
    return (await this.engine.request('training.control', { jobId, action })).ok;
  }

  /** The running jobs' latest progress. */
  active(): TrainingProgress[] {
    return this.jobs.runningJobs().map(([, job]) => job.last);
  }

  /** Ids of the models being trained now. */
  trainingModelIds(): Set<ModelId> {
    return new Set(this.jobs.runningJobs().map(([, job]) => job.modelId));
  }

  /** Refuses to touch a model while it trains. */
  assertIdle(modelId: ModelId): void {
    if (this.trainingModelIds().has(modelId)) {
      throw new IpcError({ code: 'busy', message: 'This model is training: stop it first' });
    }
  }
}
