import { z } from 'zod';
import { CodecNameSchema } from './datasets.ts';
import { LocalPathSchema, ModelIdSchema } from './ids.ts';

/** Built-in model sizes (mirrors the engine's `PRESETS`). */
export const PresetNameSchema = z.enum(['sketch', 'standard', 'large']);
/** A built-in model size. */
export type PresetNameWire = z.infer<typeof PresetNameSchema>;

/** A model's size: a named preset, or custom layers x units with a dropout. */
export const ArchitectureChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('preset'), preset: PresetNameSchema }),
  z.strictObject({
    kind: z.literal('custom'),
    layers: z.number().int().min(1).max(8),
    units: z.number().int().min(8).max(2048),
    dropout: z.number().min(0).max(0.9),
  }),
]);
/** A model's size choice. */
export type ArchitectureChoice = z.infer<typeof ArchitectureChoiceSchema>;

const Count = z.number().int().nonnegative();

/** Loss and speed at the end of one epoch: one checkpoint of the model folder. */
export const EpochRecordSchema = z.strictObject({
  epoch: Count,
  step: Count,
  loss: z.number(),
  valLoss: z.number().nullable(),
  tokensPerSec: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
});
/** One epoch's record. */
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

/** One trained model as the Library lists it (from its folder's meta.json). */
export const ModelSummarySchema = z.strictObject({
  id: ModelIdSchema,
  name: z.string().min(1).max(200),
  codec: CodecNameSchema,
  /** Preset name, or null for a custom size. */
  preset: z.string().max(40).nullable(),
  layers: z.array(z.number().int().positive()).max(16),
  parameterCount: Count,
  /** Bytes of the model folder's files. */
  sizeBytes: Count,
  /** The dataset it learned from: its name in the Library when known, else its first path. */
  dataset: z.string().max(4096).nullable(),
  epochs: Count,
  bestValLoss: z.number().nullable(),
  backend: z.string().max(40),
  createdAt: z.string().max(40),
  updatedAt: z.string().max(40),
  /** True while the engine is training it (rename and delete wait). */
  training: z.boolean(),
  /** True for a model shipped with the app: read-only (duplicate it to train more). */
  shipped: z.boolean().optional(),
});
/** One model as the Library lists it. */
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

/** A model with its epoch history (its checkpoints). */
export const ModelRecordSchema = ModelSummarySchema.extend({
  history: z.array(EpochRecordSchema).max(10_000),
  vocabSize: Count,
});
/** A model with its epoch history. */
export type ModelRecord = z.infer<typeof ModelRecordSchema>;

/** Payload of `models.duplicate`: the model to copy and, optionally, the copy's name. */
export const ModelDuplicatePayloadSchema = z.strictObject({
  id: ModelIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
});

/** Payload of `models.export`: the model, and where to write (dialog or exports/ when absent). */
export const ModelExportPayloadSchema = z.strictObject({
  id: ModelIdSchema,
  path: LocalPathSchema.optional(),
});

/** Result of `models.export`: the `.continuo-model` file written, and (web host) its download URL. */
export const ModelExportSchema = z.strictObject({
  path: LocalPathSchema,
  downloadUrl: z.string().max(2000).optional(),
  bytes: z.number().int().nonnegative(),
});

/** Payload of `models.import`: a `.continuo-model` file (Electron's open dialog picks it when absent). */
export const ModelImportPayloadSchema = z.strictObject({
  path: LocalPathSchema.optional(),
  /** The imported model's name; its own name when absent. */
  name: z.string().trim().min(1).max(200).optional(),
});
