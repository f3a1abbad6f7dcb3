import {
  preparingProgress,
  type EnginePayloadOf,
  type EpochRecord,
  type TrainingProgress,
} from '../../../../shared/ipc/index.ts';
import type { EpochMetrics } from '../../model/meta.ts';
import { generateEpochSample } from '../../generate/epoch_sample.ts';
import {
  startTraining,
  type EpochWeights,
  type TrainingHandle,
  type TrainProgress,
} from '../../train/index.ts';
import { wireSequence } from '../studio/wire_music.ts';
import type { EngineContext, EngineHandlers } from '../context.ts';
import { architectureOf } from '../studio/architecture.ts';
import { estimateTraining } from '../studio/estimate.ts';

/** Least time between two forwarded progress events of one job (epoch ends and state changes always go). */
const PROGRESS_INTERVAL_MS = 250;

/** One training job the engine runs. */
interface TrainingJob {
  handle: TrainingHandle;
  last: TrainingProgress;
  sentAt: number;
  /** A send held back by the interval, so the latest progress always goes out. */
  trailing?: ReturnType<typeof setTimeout>;
  /** Epoch samples being generated (the end of the run waits for them). */
  samples: Promise<void>[];
}

/**
 * `training.estimate`, `training.start`, `training.control`: training runs in this (engine)
 * process through the trainer's in-process API; its progress goes to the host as events.
 */
export function trainingHandlers(
  context: EngineContext,
): Pick<EngineHandlers, 'training.estimate' | 'training.start' | 'training.control'> {
  const jobs = new Map<string, TrainingJob>();

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

  return {
    'training.estimate': (payload) => estimateTraining(payload),
    'training.start': (payload) => {
      const signal = context.jobs.start(payload.jobId);
      let job: TrainingJob | undefined;
      try {
        job = startJob(context, payload, send);
      } catch (error) {
        context.jobs.end(payload.jobId);
        throw error;
      }
      jobs.set(payload.jobId, job);
      const started = job;
      // `jobs.cancel` (or the host going away) stops the run like the Stop button.
      signal.addEventListener('abort', () => started.handle.stop(), { once: true });
      void started.handle.done
        .then(async (result) => {
          // Each epoch's sample goes out before the run's end.
          await Promise.allSettled(started.samples);
          context.emit('training.finished', {
            jobId: payload.jobId,
            modelId: payload.modelId,
            outcome: result.status === 'stopped' ? 'stopped' : 'done',
            ...(result.status === 'early-stopped'
              ? { message: 'Stopped early: validation loss stopped improving' }
              : {}),
            saved: result.epochs > 0 || result.step > 0,
          });
        })
        .catch(async (error: unknown) => {
          await Promise.allSettled(started.samples);
          context.emit('training.finished', {
            jobId: payload.jobId,
            modelId: payload.modelId,
            outcome: 'failed',
            message: `Training failed: ${error instanceof Error ? error.message : String(error)}`.slice(
              0,
              2000,
            ),
            saved: started.last.history.length > 0,
          });
        })
        .finally(() => {
          clearTimeout(started.trailing);
          jobs.delete(payload.jobId);
          context.jobs.end(payload.jobId);
        });
      return { jobId: payload.jobId };
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

function startJob(
  context: EngineContext,
  payload: EnginePayloadOf<'training.start'>,
  send: (job: TrainingJob, force: boolean) => void,
): TrainingJob {
  const history: EpochRecord[] = [];
  const samples: Promise<void>[] = [];
  const initial = preparingProgress({ ...payload, history });
  // The handle exists only after `startTraining` returns; callbacks may fire before that.
  const holder: { job?: TrainingJob } = {};
  let pending = initial;
  const update = (next: TrainingProgress, force: boolean): void => {
    pending = next;
    if (holder.job) {
      holder.job.last = next;
      send(holder.job, force);
    }
  };
  const handle = startTraining(
    {
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
    },
    {
      onProgress: (progress) => {
        const previous = holder.job?.last ?? pending;
        update(fromTrainer(previous, progress), previous.state !== stateOf(progress, previous));
      },
      onEpoch: (metrics, weights) => {
        history.push(epochRecord(metrics));
        if (weights) samples.push(sendEpochSample(context, payload, metrics.epoch, weights));
        const previous = holder.job?.last ?? pending;
        update({ ...previous, history: [...history], valLoss: metrics.valLoss ?? previous.valLoss }, true);
      },
      onLog: (message) =>
        context.emit('app.log', { level: 'info', source: 'engine', message: message.slice(0, 4000) }),
    },
  );
  const job: TrainingJob = { handle, last: pending, sentAt: 0, samples };
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
 * Generates the sample of an epoch from a copy of its weights and sends it as `training.sample`.
 * It runs alongside the next epoch's steps (both yield to the event loop); a failure is logged.
 */
async function sendEpochSample(
  context: EngineContext,
  payload: EnginePayloadOf<'training.start'>,
  epoch: number,
  weights: EpochWeights,
): Promise<void> {
  try {
    const sample = await generateEpochSample(weights, epoch);
    context.emit('training.sample', {
      jobId: payload.jobId,
      modelId: payload.modelId,
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
