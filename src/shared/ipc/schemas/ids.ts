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

/** A local file or folder path as the user gave it (the host is local, so paths are real). */
export const LocalPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((text) => !text.includes('\0'), 'a path cannot contain NUL');
