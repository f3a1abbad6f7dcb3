import { createHash } from 'node:crypto';
import os from 'node:os';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Codec } from '../codecs/codec.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';
import { openDataset, splitTokenLists, type Dataset } from '../datasets/index.ts';
import type { CodecSpec } from '../datasets/types.ts';
import { initBackend, type BackendInfo, type BackendName } from '../model/backend.ts';
import { probeBackends } from '../model/backend_probe.ts';
import { parseModelMeta, type DatasetFingerprint, type ModelMeta } from '../model/meta.ts';
import { TokenModel } from '../model/token_model.ts';
import { Rng } from '../random/rng.ts';
import {
  CHECKPOINT_DIR,
  cleanCheckpointLeftovers,
  readCheckpoint,
  type CheckpointState,
} from './checkpoint.ts';
import { prepareTrainingData, type TrainingData } from './data.ts';
import { RunControl } from './control.ts';
import { runTrainingLoop, type LoopContext } from './loop.ts';
import { DataParallelTrainer } from './parallel/data_parallel.ts';
import { assertWindowsFit } from './windows.ts';
import { readAppVersion, writeMainModel } from './model_folder.ts';
import { writeTrainingQuality } from '../quality/model_quality.ts';
import {
  applyOverrides,
  codecSpecOf,
  resolveSettings,
  settingsFromMeta,
  type TrainSettings,
} from './settings.ts';
import type {
  ResumeOverrides,
  TrainCallbacks,
  TrainingHandle,
  TrainModelOptions,
  TrainResult,
} from './types.ts';

/**
 * In-process training sessions: a new run (`startTraining`) or the continuation of a stopped
 * or finished one (`resumeTraining`). Both open the dataset, prepare the token streams and
 * hand over to the training loop (loop.ts).
 */

/** Starts a new training run in this process; see `TrainingHandle`. */
export function startTraining(options: TrainModelOptions, callbacks: TrainCallbacks = {}): TrainingHandle {
  const control = new RunControl();
  return control.handle(runNew(options, callbacks, control));
}

/** Trains a new model in this process and resolves when it is done (or stopped). */
export function trainModel(options: TrainModelOptions, callbacks: TrainCallbacks = {}): Promise<TrainResult> {
  return startTraining(options, callbacks).done;
}

/** Continues the run of a model folder from its checkpoint, in this process. */
export function resumeTraining(
  modelDir: string,
  overrides: ResumeOverrides = {},
  callbacks: TrainCallbacks = {},
): TrainingHandle {
  const control = new RunControl();
  return control.handle(runResume(modelDir, overrides, callbacks, control));
}

async function runNew(
  options: TrainModelOptions,
  callbacks: TrainCallbacks,
  control: RunControl,
): Promise<TrainResult> {
  const started = performance.now();
  const settings = resolveSettings(options);
  const codecSpec = codecSpecOf(options.codec);
  const modelDir = path.resolve(options.outDir);
  const backend = await chooseBackend(options.backend, callbacks);
  let loaded: { dataset: Dataset; data: TrainingData };
  try {
    loaded = await loadData(
      options.paths,
      codecSpec,
      settings,
      options.cacheDir,
      callbacks,
      backend.name,
      control.stopSignal,
    );
  } catch (error) {
    if (control.stopRequested) return stoppedBeforeStart(modelDir, backend.name, started);
    throw error;
  }
  // Stopped while the data was prepared: nothing was trained, so no model folder is written.
  if (control.stopRequested) return stoppedBeforeStart(modelDir, backend.name, started);
  const { dataset, data } = loaded;
  const codec = dataset.codec;
  assertWindowsFit(data.streams, settings.seqLen);
  const config = { vocabSize: data.vocabulary.size, ...settings.architecture };
  const model = TokenModel.create(config, settings.seed);
  const trainer = await startTrainer(model, options.threads, backend.name, callbacks);
  try {
    const now = new Date().toISOString();
    const meta: ModelMeta = {
      name: options.name ?? path.basename(modelDir),
      codec: codecMeta(codec, codecSpec),
      vocabSize: data.vocabulary.size,
      vocabulary: [...data.vocabulary.tokens],
      config,
      preset: settings.preset,
      parameterCount: model.parameterCount(),
      dataset: fingerprint(options.paths, dataset, data),
      training: { ...settings },
      history: [],
      bestValLoss: null,
      backend: backend.name,
      appVersion: readAppVersion(),
      createdAt: now,
      updatedAt: now,
    };
    // A new run replaces whatever run was in the folder.
    await rm(path.join(modelDir, CHECKPOINT_DIR), { recursive: true, force: true });
    await cleanCheckpointLeftovers(modelDir);
    await writeMainModel(modelDir, config, model.weightData(), meta);
    await writeTrainingQuality(modelDir, dataset, callbacks.onLog);
    const samplerRng = new Rng(`windows:${settings.seed}`);
    const state: CheckpointState = {
      step: 0,
      epoch: 0,
      stepInEpoch: 0,
      stepsPerEpoch: stepsPerEpoch(settings, data),
      epochLossSum: 0,
      epochLossCount: 0,
      epochSeconds: 0,
      history: [],
      bestValLoss: null,
      epochsSinceBest: 0,
      samplerRng: samplerRng.getState(),
      dropoutRng: model.getDropoutRngState(),
      savedAt: now,
    };
    const context: LoopContext = {
      modelDir,
      model,
      trainer,
      codec,
      data,
      settings,
      meta,
      state,
      samplerRng,
      backend: backend.name,
      progressIntervalMs: options.progressIntervalMs ?? 1000,
    };
    return await runTrainingLoop(context, control, callbacks, started, true);
  } finally {
    await trainer.close();
    model.dispose();
  }
}

async function runResume(
  modelDir: string,
  overrides: ResumeOverrides,
  callbacks: TrainCallbacks,
  control: RunControl,
): Promise<TrainResult> {
  const started = performance.now();
  const dir = path.resolve(modelDir);
  const metaFile = path.join(dir, 'meta.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(metaFile, 'utf8'));
  } catch (error) {
    throw new Error(`${metaFile}: cannot read model metadata (${(error as Error).message})`);
  }
  const meta = parseModelMeta(raw, metaFile);
  const checkpoint = await readCheckpoint(dir);
  if (!checkpoint) throw new Error(`${dir}: no training checkpoint found, cannot resume`);
  if (!meta.dataset) throw new Error(`${metaFile}: no dataset recorded, cannot resume`);
  const settings = applyOverrides(settingsFromMeta(meta.training, metaFile), overrides);
  if (overrides.stepsPerEpoch !== undefined && checkpoint.state.stepInEpoch > 0)
    callbacks.onLog?.('Steps per epoch changed mid-epoch: the new count applies from the next epoch');
  const backend = await chooseBackend(overrides.backend, callbacks);
  const codecSpec: CodecSpec = { name: meta.codec.name, options: meta.codec.options };
  const vocabulary = new Vocabulary(meta.codec.name, meta.codec.version, meta.vocabulary);
  const stoppedEarly = (): TrainResult => ({
    ...stoppedBeforeStart(dir, backend.name, started),
    epochs: checkpoint.state.epoch,
    step: checkpoint.state.step,
    history: [...checkpoint.state.history],
    bestValLoss: checkpoint.state.bestValLoss,
    mainWeights: checkpoint.state.bestValLoss === null ? 'latest' : 'best',
  });
  let loaded: { dataset: Dataset; data: TrainingData };
  try {
    loaded = await loadData(
      meta.dataset.paths,
      codecSpec,
      settings,
      overrides.cacheDir,
      callbacks,
      backend.name,
      control.stopSignal,
      vocabulary,
    );
  } catch (error) {
    if (control.stopRequested) return stoppedEarly();
    throw error;
  }
  if (control.stopRequested) return stoppedEarly();
  const { dataset, data } = loaded;
  if (dataset.codec.cacheKey !== meta.codec.cacheKey)
    callbacks.onLog?.(
      `The ${meta.codec.name} codec changed since this model was trained (${meta.codec.cacheKey})`,
    );
  const now = fingerprint(meta.dataset.paths, dataset, data);
  if (now.hash !== meta.dataset.hash)
    callbacks.onLog?.('The dataset changed since this run started: training goes on with the current files');
  const model = TokenModel.fromWeights(
    checkpoint.config,
    Object.fromEntries(Object.entries(checkpoint.weights).map(([name, w]) => [name, w.data])),
    settings.seed,
  );
  let trainer: DataParallelTrainer | undefined;
  try {
    if (model.config.vocabSize !== vocabulary.size)
      throw new Error(`${dir}: the checkpoint's vocabulary size does not match meta.json`);
    model.setDropoutRngState(checkpoint.state.dropoutRng);
    if (checkpoint.optimizer) model.importOptimizerState(checkpoint.optimizer);
    await cleanCheckpointLeftovers(dir);
    const state: CheckpointState = { ...checkpoint.state, history: [...checkpoint.state.history] };
    // A new cap applies at an epoch boundary; mid-epoch the stored count stands.
    if (state.stepInEpoch === 0) state.stepsPerEpoch = stepsPerEpoch(settings, data);
    callbacks.onLog?.(`Resuming ${dir} at epoch ${state.epoch + 1}, step ${state.step}`);
    trainer = await startTrainer(model, overrides.threads, backend.name, callbacks);
    const stepper = trainer;
    const context: LoopContext = {
      modelDir: dir,
      model,
      trainer: stepper,
      codec: dataset.codec,
      data,
      settings,
      meta: { ...meta, training: { ...settings }, backend: backend.name },
      state,
      samplerRng: Rng.fromState(checkpoint.state.samplerRng),
      backend: backend.name,
      progressIntervalMs: overrides.progressIntervalMs ?? 1000,
    };
    return await runTrainingLoop(context, control, callbacks, started, false);
  } finally {
    await trainer?.close();
    model.dispose();
  }
}

/** Opens the dataset and prepares the token streams, reporting progress as phase 'loading'. */
async function loadData(
  paths: readonly string[],
  codecSpec: CodecSpec,
  settings: TrainSettings,
  cacheDir: string | undefined,
  callbacks: TrainCallbacks,
  backend: string,
  signal: AbortSignal,
  vocabulary?: Vocabulary,
): Promise<{ dataset: Dataset; data: TrainingData }> {
  const report = (message: string): void =>
    callbacks.onProgress?.({
      phase: 'loading',
      epoch: 0,
      epochs: settings.epochs,
      step: 0,
      stepInEpoch: 0,
      stepsPerEpoch: 0,
      loss: null,
      valLoss: null,
      learningRate: 0,
      tokensPerSec: 0,
      etaSeconds: null,
      backend,
      message,
    });
  let lastReport = 0;
  const dataset = await openDataset(paths, {
    codec: codecSpec,
    cache: settings.cache,
    cacheDir,
    splitCsv: settings.splitCsv,
    signal,
    onProgress: ({ done, total }) => {
      if (performance.now() - lastReport < 1000 && done < total) return;
      lastReport = performance.now();
      report(`importing ${done}/${total} files`);
    },
  });
  if (dataset.errors.length > 0)
    callbacks.onLog?.(
      `${dataset.errors.length} file(s) or tune(s) did not import, e.g. ${dataset.errors[0].file}: ${dataset.errors[0].reason}`,
    );
  if (dataset.items.length === 0)
    throw new Error(`No music found in ${paths.join(', ')}: nothing to train on`);
  report('preparing token streams');
  const train = splitTokenLists(dataset, 'train');
  const validation = splitTokenLists(dataset, 'validation');
  const data = prepareTrainingData(dataset.codec, train, validation, settings.transpose, vocabulary);
  if (data.unknownValidationTokens > 0)
    callbacks.onLog?.(
      `${data.unknownValidationTokens} validation token(s) are not in the vocabulary and are skipped by validation`,
    );
  if (data.validation.length === 0)
    callbacks.onLog?.('No validation split: the model folder keeps the latest weights, not the best');
  return { dataset, data };
}

/**
 * The backend to train on: the one asked for, else the fastest by the start-up probe's
 * measurement (model/backend_probe.ts), said in the log (CLI) and in the progress (dashboard).
 */
async function chooseBackend(
  preferred: BackendName | undefined,
  callbacks: TrainCallbacks,
): Promise<BackendInfo> {
  const backend = preferred ? await initBackend(preferred) : await probeBackends();
  if ('summary' in backend) callbacks.onLog?.(`Backend: ${String(backend.summary)}`);
  if (backend.warning) callbacks.onLog?.(backend.warning);
  return backend;
}

/** Training threads by default: both cores of a two-core machine (data-parallel, see parallel/). */
function defaultThreads(): number {
  return Math.min(2, os.availableParallelism());
}

function startTrainer(
  model: TokenModel,
  threads: number | undefined,
  backend: BackendName,
  callbacks: TrainCallbacks,
): Promise<DataParallelTrainer> {
  return DataParallelTrainer.start(model, {
    threads: threads ?? defaultThreads(),
    backend,
    onLog: (message) => callbacks.onLog?.(message),
  });
}

/** The result of a new run stopped while its data was prepared (nothing written). */
function stoppedBeforeStart(modelDir: string, backend: string, startedAt: number): TrainResult {
  return {
    status: 'stopped',
    modelDir,
    epochs: 0,
    step: 0,
    history: [],
    bestValLoss: null,
    mainWeights: 'latest',
    backend,
    parameterCount: 0,
    vocabSize: 0,
    seconds: (performance.now() - startedAt) / 1000,
  };
}

/** An epoch sees the (untransposed) training tokens once, unless capped. */
function stepsPerEpoch(settings: TrainSettings, data: TrainingData): number {
  const full = Math.max(1, Math.ceil(data.trainTokens / (settings.batchSize * settings.seqLen)));
  return settings.stepsPerEpoch === null ? full : Math.min(full, settings.stepsPerEpoch);
}

function codecMeta(codec: Codec, spec: CodecSpec): ModelMeta['codec'] {
  return {
    name: codec.name,
    version: codec.version,
    cacheKey: codec.cacheKey,
    options: { ...(spec.options ?? {}) } as Record<string, unknown>,
  };
}

/** Hash over the codec cache key and every item's place, split and tokens. */
function fingerprint(paths: readonly string[], dataset: Dataset, data: TrainingData): DatasetFingerprint {
  const hash = createHash('sha256').update(dataset.codec.cacheKey);
  let trainTokens = 0;
  let validationTokens = 0;
  for (const item of dataset.items) {
    hash.update(`\n${item.rel}#${item.item ?? ''}:${item.split}:`).update(item.tokens);
    if (item.split === 'train') trainTokens += item.tokenCount;
    if (item.split === 'validation') validationTokens += item.tokenCount;
  }
  return {
    paths: paths.map((p) => path.resolve(p)),
    hash: hash.digest('hex').slice(0, 32),
    files: dataset.stats.files,
    items: dataset.stats.items,
    tokens: dataset.stats.tokens,
    trainTokens: trainTokens || data.trainTokens,
    validationTokens,
  };
}
