import { z } from 'zod';
import { DatasetIdSchema, JobIdSchema, LocalPathSchema } from './ids.ts';

/** Token codecs a dataset can be encoded with (mirrors the engine's codec registry). */
export const CodecNameSchema = z.enum(['performance', 'abc', 'notes']);
/** A codec name. */
export type CodecNameWire = z.infer<typeof CodecNameSchema>;

/** Most issues one dataset keeps per kind: a broken folder of 100k files should not make a huge record. */
export const MAX_ISSUES = 5000;

/** A problem with one file or one tune. Warnings kept the item; errors dropped it. */
export const ImportIssueSchema = z.strictObject({
  file: z.string().max(4096),
  /** ABC tune number (X:), when the issue concerns one tune. */
  item: z.number().int().optional(),
  severity: z.enum(['error', 'warning']),
  reason: z.string().max(2000),
});
/** A problem with one file or one tune. */
export type ImportIssueWire = z.infer<typeof ImportIssueSchema>;

const Count = z.number().int().nonnegative();

/** The figures of a dataset (see the engine's `DatasetStats`). */
export const DatasetStatsSchema = z.strictObject({
  /** Music files found. */
  files: Count,
  /** Items that imported: MIDI pieces or ABC tunes. */
  items: Count,
  notes: Count,
  /** Total duration of the items. */
  seconds: z.number().nonnegative(),
  tokens: Count,
  vocabSize: Count,
  vocabCoverage: z.number().min(0).max(1).nullable(),
  pitchRange: z.strictObject({ min: z.number().int(), max: z.number().int() }).nullable(),
  split: z.strictObject({ train: Count, validation: Count, test: Count }),
});
/** The figures of a dataset. */
export type DatasetStatsWire = z.infer<typeof DatasetStatsSchema>;

/** What the engine returns for a finished import: figures and issues, not the tokens (those stay cached). */
export const ImportedDatasetSchema = z.strictObject({
  stats: DatasetStatsSchema,
  errors: z.array(ImportIssueSchema).max(MAX_ISSUES),
  warnings: z.array(ImportIssueSchema).max(MAX_ISSUES),
  /** Issues beyond MAX_ISSUES that were counted but not kept. */
  droppedIssues: Count,
  /** The CSV that decided splits, or null for the hash split. */
  splitSource: z.string().max(4096).nullable(),
  /** Wall time of the import. */
  seconds: z.number().nonnegative(),
  /** Files whose tokens came from the token cache. */
  fromCache: Count,
});
/** What the engine returns for a finished import. */
export type ImportedDataset = z.infer<typeof ImportedDatasetSchema>;

/** One dataset as the Library lists it. */
export const DatasetSummarySchema = z.strictObject({
  id: DatasetIdSchema,
  name: z.string().min(1).max(200),
  codec: CodecNameSchema,
  paths: z.array(LocalPathSchema).min(1).max(1000),
  /** ISO 8601 time of the import. */
  createdAt: z.string().max(40),
  stats: DatasetStatsSchema,
  errorCount: Count,
  warningCount: Count,
});
/** One dataset as the Library lists it. */
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;

/** A stored dataset: its summary, every kept issue and how it was imported. */
export const DatasetRecordSchema = DatasetSummarySchema.extend({
  errors: z.array(ImportIssueSchema).max(MAX_ISSUES),
  warnings: z.array(ImportIssueSchema).max(MAX_ISSUES),
  droppedIssues: Count,
  splitSource: z.string().max(4096).nullable(),
  importSeconds: z.number().nonnegative(),
});
/** A stored dataset. */
export type DatasetRecord = z.infer<typeof DatasetRecordSchema>;

/** Payload of `datasets.import`: files and folders to import, the codec, an optional name. */
export const DatasetImportPayloadSchema = z.strictObject({
  paths: z.array(LocalPathSchema).min(1).max(1000),
  codec: CodecNameSchema,
  name: z.string().trim().min(1).max(200).optional(),
});

/** Result of `datasets.inspect`: what kinds of music files the paths hold, before importing. */
export const DatasetInspectResultSchema = z.strictObject({
  midiFiles: Count,
  abcFiles: Count,
  /** Paths that do not exist or cannot be read. */
  unreadable: z.array(z.string().max(4096)).max(1000),
});
/** Result of `datasets.inspect`. */
export type DatasetInspectResult = z.infer<typeof DatasetInspectResultSchema>;

/** Event `datasets.progress`: files done out of total, the file just finished, and an estimate. */
export const DatasetProgressSchema = z.strictObject({
  jobId: JobIdSchema,
  done: Count,
  total: Count,
  /** The file just finished ('' before the first one). */
  file: z.string().max(4096),
  /** Seconds left at the current pace; null until one file is done. */
  etaSeconds: z.number().nonnegative().nullable(),
});
/** Event `datasets.progress`. */
export type DatasetProgress = z.infer<typeof DatasetProgressSchema>;

/** How a job ended. */
export const JobOutcomeSchema = z.enum(['done', 'cancelled', 'failed']);

/** Event `datasets.finished`: an import job ended (the dataset exists only when the outcome is `done`). */
export const DatasetFinishedSchema = z.strictObject({
  jobId: JobIdSchema,
  datasetId: DatasetIdSchema,
  outcome: JobOutcomeSchema,
  message: z.string().max(2000).optional(),
  /** Files that failed as a whole, and tunes that failed inside files that imported. */
  failedFiles: Count.optional(),
  failedItems: Count.optional(),
  /** Why an import failed (an import that found or read nothing): the first few errors. */
  reasons: z.array(ImportIssueSchema).max(20).optional(),
});
/** Event `datasets.finished`. */
export type DatasetFinished = z.infer<typeof DatasetFinishedSchema>;
