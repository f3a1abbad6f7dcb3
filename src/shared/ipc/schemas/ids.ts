import { z } from 'zod';

/**
 * Ids of datasets and jobs: short, lower-case, URL- and file-name-safe (a dataset id names its
 * file in the data folder, so nothing like `../x` may pass).
 */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes');
/** A dataset or job id. */
export type Id = z.infer<typeof IdSchema>;

/*
 * Branded ids: the same text on the wire, but a dataset id is no model id to the type checker,
 * so passing one where the other is expected does not compile. Parsed payloads and results
 * carry the brand; callers may still pass plain strings (the brand is on the output side).
 */
/** A dataset's id. */
export const DatasetIdSchema = IdSchema.brand<'DatasetId'>();
/** A dataset's id. */
export type DatasetId = z.infer<typeof DatasetIdSchema>;
/** A model's id. */
export const ModelIdSchema = IdSchema.brand<'ModelId'>();
/** A model's id. */
export type ModelId = z.infer<typeof ModelIdSchema>;
/** A job's id (an import, a training run, a generation). */
export const JobIdSchema = IdSchema.brand<'JobId'>();
/** A job's id. */
export type JobId = z.infer<typeof JobIdSchema>;

/** A local file or folder path as the user gave it (the host is local, so paths are real). */
export const LocalPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((text) => !text.includes('\0'), 'a path cannot contain NUL');
