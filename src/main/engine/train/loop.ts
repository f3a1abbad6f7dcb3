import type { Codec } from '../codecs/codec.ts';
import type { EpochMetrics, ModelMeta } from '../model/meta.ts';
import type { TokenModel } from '../model/token_model.ts';
import type { DataParallelTrainer } from './parallel/data_parallel.ts';
import type { Rng } from '../random/rng.ts';
import { writeCheckpoint, type CheckpointState } from './checkpoint.ts';
import type { RunControl } from './control.ts';
import type { TrainingData } from './data.ts';
import { measureWindows } from './metrics.ts';
import { writeMainModel, writeMeta } from './model_folder.ts';
import { learningRateAt } from './schedule.ts';
import type { TrainSettings } from './settings.ts';
import type { TrainCallbacks, TrainPhase, TrainProgress, TrainResult, TrainStatus } from './types.ts';
import { evaluationWindows, WindowSampler } from './windows.ts';

/** Everything the loop works on; `state` and `meta` are updated in place. */
export interface LoopContext {
  modelDir: string;
  model: TokenModel;
  /** Runs the steps of `model`, on one or two threads. */
  trainer: DataParallelTrainer;
  codec: Codec;
  data: TrainingData;
  settings: TrainSettings;
  meta: ModelMeta;
  state: CheckpointState;
  samplerRng: Rng;
  backend: string;
  /** Progress is sent after a step once this much time has passed since the last event. */
  progressIntervalMs: number;
}

/**
 * The training loop: steps of random windows with the scheduled learning rate, validation
 * and a checkpoint after every epoch, a checkpoint every `checkpointMinutes`, pause/stop
 * between steps. The main weights of the folder are the best by validation loss (the latest
 * without a validation split). `writeInitial` writes a step-0 checkpoint first (new runs), so
 * a run killed before its first epoch can resume.
 */
export async function runTrainingLoop(
  ctx: LoopContext,
  control: RunControl,
  callbacks: TrainCallbacks,
  startedAt: number,
  writeInitial: boolean,
): Promise<TrainResult> {
  const { model, settings, state, data } = ctx;
  const sampler = new WindowSampler(
    data.streams,
    settings.seqLen,
    ctx.samplerRng,
    ctx.codec.stretch && settings.stretch > 0
      ? { amount: settings.stretch, vocabulary: data.vocabulary, apply: ctx.codec.stretch.bind(ctx.codec) }
      : null,
  );
  const validation = evaluationWindows(data.validation, settings.seqLen, settings.maxValidationWindows);
  const tokensPerStep = settings.batchSize * settings.seqLen;
  let trainSeconds = 0;
  let sessionSteps = 0;
  let sinceEventLoss = 0;
  let sinceEventSteps = 0;
  let lastEvent = 0;
  let lastCheckpoint = performance.now();
  let phase: TrainPhase = 'training';
  let message: string | undefined;

  const totalSteps = (): number => settings.epochs * state.stepsPerEpoch;
  const lastValLoss = (): number | null => state.history.at(-1)?.valLoss ?? null;
  const emit = (): void => {
    const secondsPerStep = sessionSteps > 0 ? trainSeconds / sessionSteps : null;
    const remaining = Math.max(0, totalSteps() - (state.epoch * state.stepsPerEpoch + state.stepInEpoch));
    // After the last epoch, report it as full rather than as an empty next epoch.
    const finished = state.epoch >= settings.epochs;
    const progress: TrainProgress = {
      phase,
      epoch: finished ? settings.epochs : state.epoch + 1,
      epochs: settings.epochs,
      step: state.step,
      stepInEpoch: finished ? state.stepsPerEpoch : state.stepInEpoch,
      stepsPerEpoch: state.stepsPerEpoch,
      loss: sinceEventSteps > 0 ? sinceEventLoss / sinceEventSteps : null,
      valLoss: lastValLoss(),
      learningRate: learningRateAt(state.step, settings.learningRate, settings.warmupSteps),
      tokensPerSec: trainSeconds > 0 ? Math.round((sessionSteps * tokensPerStep) / trainSeconds) : 0,
      etaSeconds: secondsPerStep === null ? null : Math.round(remaining * secondsPerStep),
      backend: ctx.backend,
      ...(message ? { message } : {}),
    };
    lastEvent = performance.now();
    if (phase === 'training') {
      sinceEventLoss = 0;
      sinceEventSteps = 0;
    }
    callbacks.onProgress?.(progress);
  };

  const saveCheckpoint = async (): Promise<void> => {
    const before: TrainPhase = phase;
    phase = 'checkpoint';
    state.samplerRng = ctx.samplerRng.getState();
    state.dropoutRng = model.getDropoutRngState();
    state.savedAt = new Date().toISOString();
    await writeCheckpoint(ctx.modelDir, {
      config: model.config,
      weights: model.weightData(),
      optimizer: model.exportOptimizerState(),
      state: { ...state, history: [...state.history] },
    });
    lastCheckpoint = performance.now();
    phase = before;
  };

  const result = (status: TrainStatus): TrainResult => ({
    status,
    modelDir: ctx.modelDir,
    epochs: state.epoch,
    step: state.step,
    history: [...state.history],
    bestValLoss: state.bestValLoss,
    mainWeights: data.validation.length > 0 ? 'best' : 'latest',
    backend: ctx.backend,
    parameterCount: model.parameterCount(),
    vocabSize: model.config.vocabSize,
    seconds: (performance.now() - startedAt) / 1000,
  });

  if (writeInitial) await saveCheckpoint();
  emit();
  while (state.epoch < settings.epochs) {
    // Steps of one epoch.
    while (state.stepInEpoch < state.stepsPerEpoch) {
      if (control.paused) {
        phase = 'paused';
        await control.waitWhilePaused(emit);
        phase = 'training';
      }
      if (control.stopRequested) {
        await saveCheckpoint();
        await writeMeta(ctx.modelDir, metaNow(ctx));
        phase = 'done';
        emit();
        return result('stopped');
      }
      ctx.trainer.setWorkerPaused(control.coresYielded);
      const t0 = performance.now();
      const batch = sampler.nextBatch(settings.batchSize);
      const learningRate = learningRateAt(state.step, settings.learningRate, settings.warmupSteps);
      const loss = await ctx.trainer.trainStep(batch.inputs, batch.targets, settings.batchSize, {
        learningRate,
        clipNorm: settings.clipNorm,
      });
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      state.epochSeconds += seconds;
      sessionSteps++;
      state.step++;
      state.stepInEpoch++;
      state.epochLossSum += loss;
      state.epochLossCount++;
      sinceEventLoss += loss;
      sinceEventSteps++;
      if (performance.now() - lastEvent >= ctx.progressIntervalMs) emit();
      if (
        settings.checkpointMinutes > 0 &&
        performance.now() - lastCheckpoint >= settings.checkpointMinutes * 60_000 &&
        state.stepInEpoch < state.stepsPerEpoch
      ) {
        await saveCheckpoint();
      }
      // Let pause/stop requests and IPC messages in.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }

    // End of epoch: validation, history, best model, checkpoint.
    if (sinceEventSteps > 0) emit();
    phase = 'validating';
    const validationStart = performance.now();
    const metrics =
      validation.length > 0
        ? await measureWindows(model, validation, settings.batchSize, (done, total) => {
            if (performance.now() - lastEvent < ctx.progressIntervalMs) return;
            message = `validation ${done}/${total}`;
            emit();
            message = undefined;
          })
        : null;
    const epochMetrics: EpochMetrics = {
      epoch: state.epoch + 1,
      step: state.step,
      loss: state.epochLossCount > 0 ? state.epochLossSum / state.epochLossCount : NaN,
      valLoss: metrics ? metrics.nll : null,
      valAccuracy: metrics ? metrics.accuracy : null,
      valPerplexity: metrics ? metrics.perplexity : null,
      tokensPerSec:
        state.epochSeconds > 0 ? Math.round((state.epochLossCount * tokensPerStep) / state.epochSeconds) : 0,
      seconds: state.epochSeconds + (performance.now() - validationStart) / 1000,
    };
    state.history.push(epochMetrics);
    state.epoch++;
    state.stepInEpoch = 0;
    state.epochLossSum = 0;
    state.epochLossCount = 0;
    state.epochSeconds = 0;
    const improved = metrics !== null && (state.bestValLoss === null || metrics.nll < state.bestValLoss);
    if (improved) {
      state.bestValLoss = metrics.nll;
      state.epochsSinceBest = 0;
    } else if (metrics) state.epochsSinceBest++;
    phase = 'checkpoint';
    if (improved || metrics === null)
      await writeMainModel(ctx.modelDir, model.config, model.weightData(), metaNow(ctx));
    else await writeMeta(ctx.modelDir, metaNow(ctx));
    await saveCheckpoint();
    phase = 'training';
    if (callbacks.onEpoch) {
      const weights = {
        config: model.config,
        weights: model.weightData(),
        codec: ctx.codec,
        vocabulary: data.vocabulary,
      };
      callbacks.onEpoch(epochMetrics, weights);
    }
    emit();
    const patience = settings.earlyStoppingPatience;
    if (patience !== null && state.epochsSinceBest >= patience && state.epoch < settings.epochs) {
      callbacks.onLog?.(`Early stopping: no better validation loss for ${patience} epoch(s)`);
      phase = 'done';
      emit();
      return result('early-stopped');
    }
    if (control.stopRequested && state.epoch < settings.epochs) {
      phase = 'done';
      emit();
      return result('stopped');
    }
  }
  phase = 'done';
  emit();
  return result('completed');
}

/** meta.json contents reflecting the current state. */
function metaNow(ctx: LoopContext): ModelMeta {
  ctx.meta.history = [...ctx.state.history];
  ctx.meta.bestValLoss = ctx.state.bestValLoss;
  ctx.meta.backend = ctx.backend;
  ctx.meta.updatedAt = new Date().toISOString();
  return { ...ctx.meta, history: [...ctx.meta.history] };
}
