import { z } from 'zod';
import { CODEC_NAMES } from '../codecs/registry.ts';
import type { EpochMetrics } from '../model/meta.ts';
import { PRESETS, type PresetName } from '../model/presets.ts';
import type { TrainProgress, TrainRequest, TrainResult } from './types.ts';

const count = z.number().int().positive();
const fraction = z.number().min(0).max(1);
const BackendSchema = z.enum(['tensorflow', 'wasm', 'cpu']);

/**
 * Estimate mode (step_timing.ts), what to time: a model shape and a batch shape; the backend
 * and threads default as in a run.
 */
export const StepTimingRequestSchema = z.strictObject({
  config: z.strictObject({
    vocabSize: z.number().int().min(2),
    layers: z.array(count).min(1),
    dropout: z.number().min(0).lt(1),
  }),
  batchSize: count,
  seqLength: count,
  backend: BackendSchema.optional(),
  threads: z.number().int().min(1).max(2).optional(),
});
export type StepTimingRequest = z.infer<typeof StepTimingRequestSchema>;

/** What estimate mode measured. */
export const StepTimingSchema = z.strictObject({
  /** Wall seconds of one step, warm (the faster of one and two threads). */
  secondsPerStep: z.number().positive(),
  backend: BackendSchema,
  /** Threads of the faster choice. */
  threads: z.number().int().min(1).max(2),
  /** Timed steps (the warm-up not counted). */
  steps: count,
});
export type StepTiming = z.infer<typeof StepTimingSchema>;

/** `TrainModelOptions` as the training process accepts it (the schema checks the type, see below). */
const TrainModelOptionsSchema = z.strictObject({
  paths: z.array(z.string().min(1)).min(1),
  codec: z.union([
    z.enum(CODEC_NAMES),
    z.strictObject({
      name: z.enum(CODEC_NAMES),
      options: z
        .strictObject({
          stepsPerQuarter: count.optional(),
          maxSteps: count.optional(),
          qpm: z.number().positive().optional(),
        })
        .optional(),
    }),
  ]),
  outDir: z.string().min(1),
  preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).optional(),
  architecture: z.strictObject({ layers: z.array(count).min(1), dropout: fraction }).optional(),
  seqLen: count.optional(),
  batchSize: count.optional(),
  epochs: count.optional(),
  learningRate: z.number().positive().optional(),
  warmupSteps: z.number().int().nonnegative().optional(),
  clipNorm: z.number().nonnegative().optional(),
  stepsPerEpoch: count.optional(),
  seed: z.number().int().optional(),
  transpose: z.number().int().nonnegative().optional(),
  stretch: z.number().nonnegative().optional(),
  maxValidationWindows: count.optional(),
  checkpointMinutes: z.number().positive().optional(),
  earlyStoppingPatience: count.nullable().optional(),
  backend: BackendSchema.optional(),
  cache: z.boolean().optional(),
  cacheDir: z.string().min(1).optional(),
  splitCsv: z.string().min(1).nullable().optional(),
  name: z.string().min(1).optional(),
  progressIntervalMs: z.number().nonnegative().optional(),
  threads: z.number().int().min(1).max(2).optional(),
});

const TrainRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('train'), options: TrainModelOptionsSchema }),
  z.strictObject({
    kind: z.literal('resume'),
    modelDir: z.string().min(1),
    overrides: z
      .strictObject({
        epochs: count.optional(),
        stepsPerEpoch: count.optional(),
        checkpointMinutes: z.number().positive().optional(),
        earlyStoppingPatience: count.nullable().optional(),
        backend: BackendSchema.optional(),
        cacheDir: z.string().min(1).optional(),
        progressIntervalMs: z.number().nonnegative().optional(),
        threads: z.number().int().min(1).max(2).optional(),
      })
      .optional(),
  }),
]);

/** Messages from the caller to the training process, validated on arrival (a process boundary). */
export const ToTrainerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), request: TrainRequestSchema }),
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('yield'), busy: z.boolean() }),
  // Estimate mode: time a few training steps, answer `estimated` and exit (step_timing.ts).
  z.strictObject({ type: z.literal('estimate'), request: StepTimingRequestSchema }),
]);

/** Messages from the caller to the training process. */
export type ToTrainer =
  | { type: 'start'; request: TrainRequest }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'yield'; busy: boolean }
  | { type: 'estimate'; request: StepTimingRequest };

// The schema and the TypeScript type must describe the same messages: a change to one fails here.
type Parsed = z.output<typeof ToTrainerSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Parsed, ToTrainer> = true;
void schemaMatchesType;

/** Messages from the training process to the caller. */
export type FromTrainer =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'log'; message: string }
  | { type: 'done'; result: TrainResult }
  | { type: 'estimated'; timing: StepTiming }
  | { type: 'error'; message: string };

/** True when `value` looks like a message of the training process. */
export function isFromTrainer(value: unknown): value is FromTrainer {
  return (
    typeof value === 'object' &&
    value !== null &&
    ['progress', 'epoch', 'log', 'done', 'estimated', 'error'].includes(
      (value as { type?: unknown }).type as string,
    )
  );
}
