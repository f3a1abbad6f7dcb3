import { z } from 'zod';
import { IdSchema, LocalPathSchema } from './ids.ts';
import { UploadBase64Schema } from './projects.ts';

/**
 * Music sent from the page for a dataset (the browser's file picker or a drop): one file per
 * request, under the same size cap as every upload, into a folder the host makes for the
 * upload; the dataset is then imported from that folder like any other.
 */

/** File kinds the Library takes from the page (`.txt` is read as ABC text). */
export const UPLOAD_EXTENSIONS = ['.mid', '.midi', '.abc', '.txt'] as const;

/** Most files one upload may hold (a big MIDI collection; each is its own request). */
export const MAX_UPLOAD_FILES = 5000;

/** Most bytes one upload may hold, all files together (disk space of the data folder). */
export const MAX_UPLOAD_TOTAL_BYTES = 1_000_000_000;

/** An upload's id (names its folder, so the id rules apply). */
export const UploadIdSchema = IdSchema.brand<'UploadId'>();
/** An upload's id. */
export type UploadId = z.infer<typeof UploadIdSchema>;

/** One path segment of a file inside a picked folder: a plain name, never `.`/`..` or a drive. */
const SegmentSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((text) => text !== '.' && text !== '..', 'a path segment cannot be . or ..')
  .refine((text) => !/[\\:\0]/.test(text), 'a file name cannot hold \\, : or NUL');

/** True when a file name ends with a kind the Library takes. */
export function isUploadable(name: string): boolean {
  const lower = name.toLowerCase();
  return UPLOAD_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Payload of `datasets.upload`: one file, and the upload it joins (none: a new upload). */
export const DatasetUploadPayloadSchema = z.strictObject({
  uploadId: UploadIdSchema.optional(),
  /** The name, or the path inside a picked folder (`jigs/a.abc`); `/` separates folders. */
  relativePath: z
    .string()
    .min(1)
    .max(1024)
    .refine((text) => text.split('/').every((part) => SegmentSchema.safeParse(part).success), {
      message: 'a file name, or plain folder names and a file name separated by / (no .., \\, : or NUL)',
    })
    .refine(isUploadable, { message: `only ${UPLOAD_EXTENSIONS.join(', ')} files` }),
  dataBase64: UploadBase64Schema,
});

/** Result of `datasets.upload`: where the file was put, and the folder to import. */
export const DatasetUploadedSchema = z.strictObject({
  uploadId: UploadIdSchema,
  /** The upload's folder: `datasets.import` takes it as its one path. */
  folder: LocalPathSchema,
  /** The file as written (a name taken already gets " (2)"; `.txt` gets `.abc` added). */
  file: LocalPathSchema,
  bytes: z.number().int().nonnegative(),
});
/** Result of `datasets.upload`. */
export type DatasetUploaded = z.infer<typeof DatasetUploadedSchema>;
