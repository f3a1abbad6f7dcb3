import {
  preparingProgress,
  type EnginePayloadOf,
  type EpochRecord,
  type JobId,
  type ModelId,
  type TrainingProgress,
} from '../../../../shared/ipc/index.ts';
import type { EpochMetrics } from '../../model/meta.ts';
import { generateEpochSample } from '../../generate/epoch_sample.ts';
import {
  startTrainingProcess,
  type TrainCallbacks,
  type TrainingHandle,
  type TrainProgress,
  type TrainRequest,
  type TrainResult,
} from '../../train/index.ts';
import { epochWeightsFromCheckpoint, hasCheckpoint, readRunHistory } from '../studio/epoch_weights.ts';
import { ForegroundActivity } from '../studio/foreground.ts';
import { wireSequence } from '../studio/wire_music.ts';
import type { EngineContext, EngineHandlers } from '../context.ts';
import { architectureOf } from '../studio/architecture.ts';
import { createTrainingEstimator, type TrainingEstimator } from '../studio/estimate.ts';

/** Least time between two forwarded progress events of one job (epoch ends and state changes always go). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Starts a training job somewhere else than the engine's event loop. The default is the
 * training process the CLI uses (train/client.ts): a step never blocks the engine, and a
 * crash there (out of memory, a kill) ends the job, not the engine.
 */
export type TrainingLauncher = (request: TrainRequest, callbacks: TrainCallbacks) => TrainingHandle;

/** One training job the engine runs. */
interface TrainingJob {
  handle: TrainingHandle;
  modelDir: string;
  last: TrainingProgress;
  sentAt: number;
  /** A send held back by the interval, so the latest progress always goes out. */
  trailing?: ReturnType<typeof setTimeout>;
  /** Epoch samples being generated (the end of the run waits for them). */
  samples: Promise<void>[];
}

/** What the job was asked to do, for the events it sends. */
interface JobIds {
  jobId: JobId;
  modelId: ModelId;
  modelDir: string;
  epochs: number;
  stepsPerEpoch?: number;
}

/**
 * `training.estimate`, `training.start`, `training.continue`, `training.control`: each job
 * runs in its own training process; its progress goes to the host as events, and each
 * epoch's sample is generated here from the checkpoint that epoch wrote.
 */
export function trainingHandlers(
  context: EngineContext,
  launch: TrainingLauncher = startTrainingProcess,
  foreground: ForegroundActivity = new ForegroundActivity(),
  // Times steps in a training process: the engine answers other requests meanwhile.
  estimate: TrainingEstimator = createTrainingEstimator(),
): Pick<EngineHandlers, 'training.estimate' | 'training.start' | 'training.continue' | 'training.control'> {
  const jobs = new Map<string, TrainingJob>();
  // While a generation runs, every training job trains on one core.
  foreground.onChange((busy) => {
    for (const job of jobs.values()) job.handle.yieldCores?.(busy);
  });

  function send(job: TrainingJob, force: boolean): void {
    const now = performance.now();
    if (!force && now - job.sentAt < PROGRESS_INTERVAL_MS) {
      job.trailing ??= setTimeout(() => send(job, true), PROGRESS_INTERVAL_MS - (now - job.sentAt));
      return;
    }
    clearTimeout(job.trailing);
    job.trailing = undefined;
    job.sentAt = now;
    context.emit('training.progress', job.last);
  }

  /** Registers a job, follows it to its end and reports that end as `training.finished`. */
  function run(ids: JobIds, request: TrainRequest, history: EpochRecord[]): { jobId: JobId } {
    const signal = context.jobs.start(ids.jobId);
    let job: TrainingJob;
    try {
      job = startJob(context, ids, request, history, launch, send);
    } catch (error) {
      context.jobs.end(ids.jobId);
      throw error;
    }
    jobs.set(ids.jobId, job);
    if (foreground.busy) job.handle.yieldCores?.(true);
    // `jobs.cancel` (or the host going away) stops the run like the Stop button.
    signal.addEventListener('abort', () => job.handle.stop(), { once: true });
    void job.handle.done
      .then(async (result: TrainResult) => {
        // Each epoch's sample goes out before the run's end.
        await Promise.allSettled(job.samples);
        context.emit('training.finished', {
          jobId: ids.jobId,
          modelId: ids.modelId,
          outcome: result.status === 'stopped' ? 'stopped' : 'done',
          ...(result.status === 'early-stopped'
            ? { message: 'Stopped early: validation loss stopped improving' }
            : {}),
          saved: result.epochs > 0 || result.step > 0,
        });
      })
      .catch(async (error: unknown) => {
        await Promise.allSettled(job.samples);
        const saved = await hasCheckpoint(ids.modelDir);
        const reason = (error instanceof Error ? error.message : String(error)).replace(/\.?$/, '.');
        const next = saved
          ? ' The last checkpoint is kept: "Train more" resumes from it.'
          : ' Nothing was saved; start the training again.';
        context.emit('training.finished', {
          jobId: ids.jobId,
          modelId: ids.modelId,
          outcome: 'failed',
          message: `Training failed: ${reason}${next}`.slice(0, 2000),
          saved,
        });
      })
      .finally(() => {
        clearTimeout(job.trailing);
        jobs.delete(ids.jobId);
        context.jobs.end(ids.jobId);
      });
    return { jobId: ids.jobId };
  }

  return {
    'training.estimate': (payload) => estimate(payload),
    'training.start': (payload) => run(payload, { kind: 'train', options: trainOptions(payload) }, []),
    'training.continue': async (payload) => {
      // The dashboard shows the curves of the earlier runs from the start.
      const history = (await readRunHistory(payload.modelDir)).map(epochRecord);
      return run(
        { ...payload, epochs: history.length + payload.moreEpochs },
        {
          kind: 'resume',
          modelDir: payload.modelDir,
          overrides: { epochs: history.length + payload.moreEpochs, cacheDir: payload.cacheDir },
        },
        history,
      );
    },
    'training.control': ({ jobId, action }) => {
      const job = jobs.get(jobId);
      if (!job) return { ok: false };
      if (action === 'pause') job.handle.pause();
      else if (action === 'resume') job.handle.resume();
      else job.handle.stop();
      job.last = {
        ...job.last,
        state: action === 'pause' ? 'paused' : action === 'resume' ? 'running' : 'stopping',
      };
      send(job, true);
      return { ok: true };
    },
  };
}

/** The trainer options of a studio `training.start`. */
function trainOptions(
  payload: EnginePayloadOf<'training.start'>,
): Extract<TrainRequest, { kind: 'train' }>['options'] {
  return {
    paths: payload.paths,
    codec: payload.codec,
    outDir: payload.modelDir,
    // A preset goes by name, so meta.json records it (an explicit architecture would win over it).
    ...(payload.architecture.kind === 'preset'
      ? { preset: payload.architecture.preset }
      : { architecture: architectureOf(payload.architecture) }),
    epochs: payload.epochs,
    ...(payload.stepsPerEpoch !== undefined ? { stepsPerEpoch: payload.stepsPerEpoch } : {}),
    ...(payload.batchSize !== undefined ? { batchSize: payload.batchSize } : {}),
    ...(payload.seqLength !== undefined ? { seqLen: payload.seqLength } : {}),
    ...(payload.learningRate !== undefined ? { learningRate: payload.learningRate } : {}),
    cacheDir: payload.cacheDir,
    name: payload.name,
  };
}

function startJob(
  context: EngineContext,
  ids: JobIds,
  request: TrainRequest,
  earlier: EpochRecord[],
  launch: TrainingLauncher,
  send: (job: TrainingJob, force: boolean) => void,
): TrainingJob {
  const history: EpochRecord[] = [...earlier];
  const samples: Promise<void>[] = [];
  const initial = preparingProgress({ ...ids, history: [...history] });
  // The handle exists only after `launch` returns; callbacks may fire before that.
  const holder: { job?: TrainingJob } = {};
  let pending = initial;
  const update = (next: TrainingProgress, force: boolean): void => {
    pending = next;
    if (holder.job) {
      holder.job.last = next;
      send(holder.job, force);
    }
  };
  const handle = launch(request, {
    onProgress: (progress) => {
      const previous = holder.job?.last ?? pending;
      update(fromTrainer(previous, progress), previous.state !== stateOf(progress, previous));
    },
    onEpoch: (metrics) => {
      // A resumed run re-reports nothing it did before; an epoch replaces a record of the same number.
      const at = history.findIndex((h) => h.epoch === metrics.epoch);
      if (at >= 0) history.splice(at);
      history.push(epochRecord(metrics));
      samples.push(sendEpochSample(context, ids, metrics.epoch));
      const previous = holder.job?.last ?? pending;
      update({ ...previous, history: [...history], valLoss: metrics.valLoss ?? previous.valLoss }, true);
    },
    onLog: (message) =>
      context.emit('app.log', { level: 'info', source: 'engine', message: message.slice(0, 4000) }),
  });
  const job: TrainingJob = { handle, modelDir: ids.modelDir, last: pending, sentAt: 0, samples };
  holder.job = job;
  send(job, true);
  return job;
}

/** The UI state a trainer phase means (a requested stop stays `stopping` until the run ends). */
function stateOf(progress: TrainProgress, previous: TrainingProgress): TrainingProgress['state'] {
  if (previous.state === 'stopping') return 'stopping';
  if (progress.phase === 'loading') return 'preparing';
  if (progress.phase === 'paused') return 'paused';
  return 'running';
}

function fromTrainer(previous: TrainingProgress, progress: TrainProgress): TrainingProgress {
  const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);
  return {
    ...previous,
    state: stateOf(progress, previous),
    epoch: Math.max(0, progress.epoch),
    epochs: Math.max(1, progress.epochs),
    stepInEpoch: Math.max(0, progress.stepInEpoch),
    stepsPerEpoch: Math.max(1, progress.stepsPerEpoch),
    step: Math.max(0, progress.step),
    loss: finite(progress.loss) ?? previous.loss,
    valLoss: finite(progress.valLoss) ?? previous.valLoss,
    tokensPerSec: Math.max(0, Number.isFinite(progress.tokensPerSec) ? progress.tokensPerSec : 0),
    etaSeconds: progress.etaSeconds !== null && progress.etaSeconds >= 0 ? progress.etaSeconds : null,
    ...(progress.backend ? { backend: progress.backend.slice(0, 40) } : {}),
  };
}

function epochRecord(metrics: EpochMetrics): EpochRecord {
  return {
    epoch: metrics.epoch,
    step: metrics.step,
    loss: metrics.loss,
    valLoss: metrics.valLoss,
    tokensPerSec: Math.max(0, metrics.tokensPerSec),
    seconds: Math.max(0, metrics.seconds),
  };
}

/**
 * Generates the sample of an epoch from the checkpoint that epoch wrote (the training process
 * keeps its weights to itself) and sends it as `training.sample`. It runs here while the next
 * epoch trains in its own process; a failure is logged.
 */
async function sendEpochSample(context: EngineContext, ids: JobIds, epoch: number): Promise<void> {
  try {
    const weights = await epochWeightsFromCheckpoint(ids.modelDir, epoch);
    const sample = await generateEpochSample(weights, epoch);
    context.emit('training.sample', {
      jobId: ids.jobId,
      modelId: ids.modelId,
      epoch,
      sequence: wireSequence(sample.sequence),
      abc: sample.abc === null ? null : sample.abc.slice(0, 200_000),
      length: sample.length,
      ms: sample.ms,
    });
  } catch (error) {
    context.emit('app.log', {
      level: 'warning',
      source: 'engine',
      message:
        `No sample for epoch ${epoch}: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          4000,
        ),
    });
  }
}
