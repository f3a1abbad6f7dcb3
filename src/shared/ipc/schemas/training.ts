import { z } from 'zod';
import { DatasetIdSchema, JobIdSchema, ModelIdSchema, type JobId, type ModelId } from './ids.ts';
import { ArchitectureChoiceSchema, EpochRecordSchema, type EpochRecord } from './models.ts';
import { NoteSequenceSchema } from './note_sequence.ts';

/** Hyper-parameters a user may set; the engine fills in the rest. */
export const TrainingKnobsSchema = z.strictObject({
  /** Batches per epoch; default: enough to see the training tokens once. */
  stepsPerEpoch: z.number().int().min(1).max(1_000_000).optional(),
  batchSize: z.number().int().min(1).max(256).optional(),
  /** Tokens per training window. */
  seqLength: z.number().int().min(8).max(1024).optional(),
  learningRate: z.number().positive().max(1).optional(),
});
/** Training hyper-parameters. */
export type TrainingKnobs = z.infer<typeof TrainingKnobsSchema>;

/** Payload of `training.estimate`: what the New-model form has chosen so far. */
export const TrainingEstimatePayloadSchema = TrainingKnobsSchema.extend({
  datasetId: DatasetIdSchema,
  architecture: ArchitectureChoiceSchema,
});

/** Result of `training.estimate`. */
export const TrainingEstimateSchema = z.strictObject({
  parameterCount: z.number().int().nonnegative(),
  vocabSize: z.number().int().nonnegative(),
  stepsPerEpoch: z.number().int().positive(),
  tokensPerStep: z.number().int().positive(),
  /**
   * Measured wall time of one training step of this size (after a warm-up step, in a training
   * process); null when it could not be timed (see `timingError`).
   */
  secondsPerStep: z.number().nonnegative().nullable(),
  secondsPerEpoch: z.number().nonnegative().nullable(),
  /** The backend the steps were timed on ('' when they were not). */
  backend: z.string().max(40),
  /** Training threads of the timed figure (the faster of one and two, as training settles). */
  threads: z.number().int().min(1).max(2).optional(),
  /** How the figure was obtained: timed steps, or not timed (`timingError` says why). */
  method: z.enum(['timed-steps', 'untimed']),
  /** Why the time per epoch is unknown, when it is. */
  timingError: z.string().max(500).optional(),
  /** True when the timing came from this session's cache (no steps were run for this answer). */
  cached: z.boolean().optional(),
});
/** Result of `training.estimate`. */
export type TrainingEstimate = z.infer<typeof TrainingEstimateSchema>;

/** Payload of `training.start`. */
export const TrainingStartPayloadSchema = TrainingKnobsSchema.extend({
  datasetId: DatasetIdSchema,
  name: z.string().trim().min(1).max(200),
  architecture: ArchitectureChoiceSchema,
  epochs: z.number().int().min(1).max(10_000),
});

/** Where a training job stands. */
export const TrainingStateSchema = z.enum(['preparing', 'running', 'paused', 'stopping']);

/** Event `training.progress`: sent at least every 2 s while a job runs, and at each epoch's end. */
export const TrainingProgressSchema = z.strictObject({
  jobId: JobIdSchema,
  modelId: ModelIdSchema,
  state: TrainingStateSchema,
  /** Epochs done so far, and the current one (1-based) out of `epochs`. */
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  /** Steps done in the current epoch out of `stepsPerEpoch`. */
  stepInEpoch: z.number().int().nonnegative(),
  stepsPerEpoch: z.number().int().positive(),
  /** Steps done overall. */
  step: z.number().int().nonnegative(),
  /** Latest training loss (mean over the steps since the last event), null before the first step. */
  loss: z.number().nullable(),
  /** Latest validation loss, null until the first epoch ends. */
  valLoss: z.number().nullable(),
  tokensPerSec: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Epochs finished (each a saved checkpoint). */
  history: z.array(EpochRecordSchema).max(10_000),
  /** The TensorFlow.js backend the training process chose by measuring (absent before it chose). */
  backend: z.string().max(40).optional(),
});
/** Event `training.progress`. */
export type TrainingProgress = z.infer<typeof TrainingProgressSchema>;

/** A job's progress before its first step: what the engine and the dashboard start from. */
export function preparingProgress(job: {
  jobId: JobId;
  modelId: ModelId;
  epochs: number;
  stepsPerEpoch?: number;
  history?: EpochRecord[];
}): TrainingProgress {
  return {
    jobId: job.jobId,
    modelId: job.modelId,
    state: 'preparing',
    epoch: 0,
    epochs: job.epochs,
    stepInEpoch: 0,
    stepsPerEpoch: job.stepsPerEpoch ?? 1,
    step: 0,
    loss: null,
    valLoss: null,
    tokensPerSec: 0,
    etaSeconds: null,
    history: job.history ?? [],
  };
}

/** Event `training.finished`: done (all epochs), stopped (by the user, last checkpoint kept) or failed. */
export const TrainingFinishedSchema = z.strictObject({
  jobId: JobIdSchema,
  modelId: ModelIdSchema,
  outcome: z.enum(['done', 'stopped', 'failed']),
  message: z.string().max(2000).optional(),
  /** True when the model folder holds at least one checkpoint. */
  saved: z.boolean(),
});
/** Event `training.finished`. */
export type TrainingFinished = z.infer<typeof TrainingFinishedSchema>;

/** Event `training.sample`: a short piece generated from the weights of an epoch that just ended. */
export const TrainingSampleSchema = z.strictObject({
  jobId: JobIdSchema,
  modelId: ModelIdSchema,
  /** The epoch (1-based) whose weights made it. */
  epoch: z.number().int().positive(),
  sequence: NoteSequenceSchema,
  /** ABC text, for ABC models. */
  abc: z.string().max(200_000).nullable(),
  /** What was asked for: `4bars` (ABC) or `8s`. */
  length: z.string().max(32),
  /** Milliseconds it took to generate (alongside training, which does not wait for it). */
  ms: z.number().nonnegative(),
});
/** Event `training.sample`. */
export type TrainingSample = z.infer<typeof TrainingSampleSchema>;
