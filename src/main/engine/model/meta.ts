import { z } from 'zod';
import { CODEC_NAMES } from '../codecs/registry.ts';

/**
 * meta.json of a model folder: everything besides the weights that is needed to use,
 * describe and resume a model. Validated on load so a damaged file gives a clear error.
 */

/** Loss and metrics at the end of one epoch. */
export const EpochMetricsSchema = z.object({
  epoch: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  loss: z.number(),
  valLoss: z.number().nullable(),
  valAccuracy: z.number().nullable(),
  valPerplexity: z.number().nullable(),
  tokensPerSec: z.number(),
  seconds: z.number(),
});
export type EpochMetrics = z.infer<typeof EpochMetricsSchema>;

/** Where the training data came from, so a model can say what it learned from. */
export const DatasetFingerprintSchema = z.object({
  paths: z.array(z.string()),
  /** Hash over the files' content hashes and the codec cache key. */
  hash: z.string(),
  files: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  trainTokens: z.number().int().nonnegative(),
  validationTokens: z.number().int().nonnegative(),
});
export type DatasetFingerprint = z.infer<typeof DatasetFingerprintSchema>;

export const ModelMetaSchema = z.object({
  name: z.string(),
  codec: z.object({
    name: z.enum(CODEC_NAMES),
    version: z.number().int(),
    cacheKey: z.string(),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
  vocabSize: z.number().int().positive(),
  vocabulary: z.array(z.string()),
  config: z.object({
    vocabSize: z.number().int().positive(),
    layers: z.array(z.number().int().positive()),
    dropout: z.number(),
  }),
  preset: z.string().nullable(),
  parameterCount: z.number().int().nonnegative(),
  dataset: DatasetFingerprintSchema.nullable(),
  /** Training hyper-parameters (seq length, batch, learning rate...). */
  training: z.record(z.string(), z.unknown()).default({}),
  history: z.array(EpochMetricsSchema).default([]),
  bestValLoss: z.number().nullable(),
  backend: z.string(),
  appVersion: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModelMeta = z.infer<typeof ModelMetaSchema>;

/** Parses meta.json content; throws an Error naming the first bad field. */
export function parseModelMeta(value: unknown, where = 'meta.json'): ModelMeta {
  const result = ModelMetaSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}
