import type { CodecName } from '../codecs/codec.ts';
import type { CodecSpec } from '../datasets/types.ts';
import type { BackendName } from '../model/backend.ts';
import type { EpochMetrics } from '../model/meta.ts';
import type { ModelArchitecture, PresetName } from '../model/presets.ts';
import type { TokenModelConfig, WeightData } from '../model/token_model.ts';
import type { Codec } from '../codecs/codec.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';

/** Everything a new training run needs. Only `paths`, `codec` and `outDir` are required. */
export interface TrainModelOptions {
  /** Dataset files or folders (.mid/.midi/.abc; folders are searched recursively). */
  paths: string[];
  /** Token codec, by name or with options. */
  codec: CodecName | CodecSpec;
  /** The model folder to write (created; an existing model folder there is replaced). */
  outDir: string;
  /** Model size preset; default 'standard'. Ignored when `architecture` is given. */
  preset?: PresetName;
  /** Explicit layer sizes and dropout (e.g. from `--layers/--units/--dropout`). */
  architecture?: ModelArchitecture;
  /** Tokens per training window (truncated BPTT length); default 64. */
  seqLen?: number;
  /** Windows per batch; default 32. */
  batchSize?: number;
  /** Epochs to train; default 10. */
  epochs?: number;
  /** Peak Adam learning rate; default 2e-3 (see schedule.ts). */
  learningRate?: number;
  /** Linear warm-up steps of the learning-rate schedule; default 100. */
  warmupSteps?: number;
  /** Gradient clipping by global L2 norm; default 5 (0 disables). */
  clipNorm?: number;
  /** Cap on steps per epoch (an epoch otherwise sees the training tokens once). */
  stepsPerEpoch?: number;
  /** Seed of every random choice (initial weights, windows, augmentation, dropout); default 0. */
  seed?: number;
  /** Transposition augmentation: each window moves by a random -N..N semitones; default 3 (0 = off). */
  transpose?: number;
  /** Time-stretch augmentation for the performance codec: factor in 1 +- X; default 0.05 (0 = off). */
  stretch?: number;
  /** Most validation windows evaluated after each epoch (deterministic, evenly spread); default 128. */
  maxValidationWindows?: number;
  /** Minutes between time-based checkpoints (besides the one after every epoch); default 5. */
  checkpointMinutes?: number;
  /** Stop after this many epochs without a better validation loss; default null (off). */
  earlyStoppingPatience?: number | null;
  /** TensorFlow.js backend to start the search at (e.g. 'wasm'); default: fastest available. */
  backend?: BackendName;
  /** Token cache options passed to `openDataset`. */
  cache?: boolean;
  cacheDir?: string;
  /** MAESTRO-style split CSV (see `openDataset`); null for the hash split. */
  splitCsv?: string | null;
  /** Display name stored in meta.json; default: the output folder's name. */
  name?: string;
  /** Least time between two progress events while steps run; default 1000 ms (0: after every step). */
  progressIntervalMs?: number;
  /** Training threads (data-parallel halves of each batch): 1 or 2; default 2 where there are 2 cores. */
  threads?: number;
}

/** What `resume` may change; everything else comes from the model folder. */
export interface ResumeOverrides {
  /** New total number of epochs (counted from the start of the run). */
  epochs?: number;
  stepsPerEpoch?: number;
  checkpointMinutes?: number;
  earlyStoppingPatience?: number | null;
  backend?: BackendName;
  cacheDir?: string;
  /** See `TrainModelOptions.progressIntervalMs`. */
  progressIntervalMs?: number;
  /** See `TrainModelOptions.threads`. */
  threads?: number;
}

/** What the trainer is doing. */
export type TrainPhase = 'loading' | 'training' | 'validating' | 'checkpoint' | 'paused' | 'done';

/** A progress event: emitted at least every 2 s while training runs (and after every step once 1 s has passed). */
export interface TrainProgress {
  phase: TrainPhase;
  /** Current epoch, 1-based. */
  epoch: number;
  /** Total epochs of the run. */
  epochs: number;
  /** Optimisation steps done since the run began (all sessions). */
  step: number;
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** Mean training loss (nats per token) over the steps since the last event; null before the first step. */
  loss: number | null;
  /** Validation loss of the last finished epoch; null before the first or without a validation split. */
  valLoss: number | null;
  learningRate: number;
  /** Training tokens per second of this session (windows x length / wall time). */
  tokensPerSec: number;
  /** Estimated seconds to the end of the run, null when unknown. */
  etaSeconds: number | null;
  backend: string;
  /** Free-form detail, e.g. "validation 3/8" or the loading stage. */
  message?: string;
}

/** How a run ended. */
export type TrainStatus = 'completed' | 'stopped' | 'early-stopped';

/** The outcome of a run (or of one session of it, after resume). */
export interface TrainResult {
  status: TrainStatus;
  modelDir: string;
  /** Epochs completed so far (all sessions). */
  epochs: number;
  step: number;
  history: EpochMetrics[];
  /** Best validation loss, null without a validation split. */
  bestValLoss: number | null;
  /** 'best' when the folder's main weights are the best by validation loss, 'latest' without a validation split. */
  mainWeights: 'best' | 'latest';
  backend: string;
  parameterCount: number;
  vocabSize: number;
  /** Wall-clock seconds of this session. */
  seconds: number;
}

/** Listeners of a training run. All optional. */
export interface TrainCallbacks {
  onProgress?(progress: TrainProgress): void;
  /**
   * After each epoch's validation and checkpoint. `weights` is a copy of the weights the epoch
   * ended with (e.g. to generate a sample); absent when the run is in a child process.
   */
  onEpoch?(metrics: EpochMetrics, weights?: EpochWeights): void;
  /** Warnings and notes worth showing (import errors, skipped tokens, resumed from...). */
  onLog?(message: string): void;
}

/** A running training session: control it and await its end. */
export interface TrainingHandle {
  /** Pauses after the current step (a checkpoint is not written). */
  pause(): void;
  resume(): void;
  /** Stops after the current step, writes a checkpoint, then `done` resolves with status 'stopped'. */
  stop(): void;
  /** While `busy`, trains on one core (a generation or the jam needs the other); same results. */
  yieldCores?(busy: boolean): void;
  /** Resolves when the run ends; rejects with a clear Error on bad input or a crash. */
  readonly done: Promise<TrainResult>;
}

/** A training job as plain data, so it can cross a process boundary. */
export type TrainRequest =
  | { kind: 'train'; options: TrainModelOptions }
  | { kind: 'resume'; modelDir: string; overrides?: ResumeOverrides };

/** `evaluateModel` result: next-token figures on held-out data (natural log). */
export interface EvalResult {
  /** Predicted tokens counted. */
  tokens: number;
  nllPerToken: number;
  perplexity: number;
  accuracy: number;
  /** Tokens not in the model's vocabulary: skipped (windows never span them). */
  unknownTokens: number;
  /** The split evaluated ('validation', or 'all' when the paths have no validation items). */
  split: 'validation' | 'all';
  backend: string;
}

/** The model as one epoch left it: enough to generate from (see `GenerationModel`). */
export interface EpochWeights {
  config: TokenModelConfig;
  /** A copy: later training steps do not change it. */
  weights: Record<string, WeightData>;
  codec: Codec;
  vocabulary: Vocabulary;
}
