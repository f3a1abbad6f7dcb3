import path from 'node:path';
import type { Codec, CodecName } from '../codecs/codec.ts';
import { createCodec } from '../codecs/registry.ts';
import type { Vocabulary } from '../codecs/vocabulary.ts';
import type { ImportIssue } from '../music/music_item.ts';
import { TokenCache, defaultCacheDir } from './cache.ts';
import { importFiles, type ImportCounters, type ImportProgress } from './import_pool.ts';
import { scanPaths } from './scan.ts';
import { findMaestroCsv, hashSplit, lookupSplit, readSplitCsv, splitKey, type SplitTable } from './split.ts';
import { computeStats, trainVocabulary, type DatasetStats, type SplitItem } from './stats.ts';
import { splitTokens } from './summarize.ts';
import type { CodecSpec, SplitName } from './types.ts';
import type { Token } from '../codecs/codec.ts';

/** Options of `openDataset`. */
export interface OpenDatasetOptions {
  /** Codec name, or name plus options. */
  codec: CodecName | CodecSpec;
  /** Use the token cache (default true). */
  cache?: boolean;
  /** Token cache folder (default: see `defaultCacheDir`). */
  cacheDir?: string;
  /**
   * MAESTRO-style CSV whose `split` column decides splits. Undefined: look for
   * `maestro-v*.csv` beside the scanned folders (oldest version wins). Null: hash split only.
   */
  splitCsv?: string | null;
  /** Worker threads (default: all cores, never more than files). */
  parallelism?: number;
  /** Import on the calling thread too (see `ImportFilesOptions.inline`); default false. */
  inline?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

/** One imported item with where it came from and its split. */
export interface DatasetItem extends SplitItem {
  /** The file's path as scanned. */
  file: string;
  /** Its path relative to the scanned folder. */
  rel: string;
}

/** How the dataset was loaded: cache use, workers, wall time. */
export interface DatasetLoadInfo extends ImportCounters {
  seconds: number;
  cacheDir: string | null;
}

/** An opened dataset: items with tokens and splits, the issues met, and its figures. */
export interface Dataset {
  codec: Codec;
  /** Built from the train split (or the codec's fixed vocabulary). */
  vocabulary: Vocabulary;
  items: DatasetItem[];
  /** Files or tunes that did not import, with reasons. */
  errors: ImportIssue[];
  /** Problems that kept the item. */
  warnings: ImportIssue[];
  stats: DatasetStats;
  /** The CSV that decided splits, or null for the hash split. */
  splitSource: string | null;
  load: DatasetLoadInfo;
}

/**
 * Scans files and folders, imports every `.mid/.midi/.abc` file in parallel (through the
 * token cache), assigns train/validation/test splits and computes the dataset figures.
 * Bad files become errors; only a bad option (e.g. an unreadable `splitCsv`) throws.
 */
export async function openDataset(paths: readonly string[], options: OpenDatasetOptions): Promise<Dataset> {
  const started = performance.now();
  const codecSpec: CodecSpec = typeof options.codec === 'string' ? { name: options.codec } : options.codec;
  const codec = createCodec(codecSpec.name, codecSpec.options);
  const scan = await scanPaths(paths);
  const cacheDir = options.cache === false ? null : (options.cacheDir ?? defaultCacheDir());
  const warnings: ImportIssue[] = [];
  const splitTable = await loadSplitTable(
    paths,
    scan.files.map((file) => file.root),
    options.splitCsv,
    warnings,
  );

  const { results, counters } = await importFiles(scan.files, {
    codec,
    codecSpec,
    cache: cacheDir ? new TokenCache(cacheDir) : null,
    parallelism: options.parallelism,
    inline: options.inline,
    onProgress: options.onProgress,
    signal: options.signal,
  });

  const items: DatasetItem[] = [];
  const errors: ImportIssue[] = scan.errors.map(({ file, reason }) => ({ file, severity: 'error', reason }));
  for (const { file, summary } of results) {
    const csvSplit = splitTable ? lookupSplit(splitTable, file.path) : undefined;
    for (const item of summary.items) {
      const split = csvSplit ?? hashSplit(splitKey(file.rel, item.item));
      items.push({ ...item, file: file.path, rel: file.rel, split });
    }
    for (const issue of summary.issues) (issue.severity === 'error' ? errors : warnings).push(issue);
  }
  const vocabulary = trainVocabulary(codec, items);
  return {
    codec,
    vocabulary,
    items,
    errors,
    warnings,
    stats: computeStats(codec, scan.files.length, items, vocabulary),
    splitSource: splitTable?.csv ?? null,
    load: { ...counters, seconds: (performance.now() - started) / 1000, cacheDir },
  };
}

async function loadSplitTable(
  paths: readonly string[],
  roots: readonly string[],
  splitCsv: string | null | undefined,
  warnings: ImportIssue[],
): Promise<SplitTable | null> {
  if (splitCsv === null) return null;
  if (splitCsv !== undefined) return readSplitCsv(splitCsv);
  const folders = [...new Set([...roots, ...paths.map((given) => path.resolve(given))])];
  const found = await findMaestroCsv(folders);
  if (!found) return null;
  try {
    return await readSplitCsv(found);
  } catch (error) {
    // A broken CSV found by chance should not stop the import: fall back to the hash split.
    const reason = `split CSV ignored, using the hash split: ${error instanceof Error ? error.message : String(error)}`;
    warnings.push({ file: found, severity: 'warning', reason });
    return null;
  }
}

/** The token lists of a dataset's items in one split, in dataset order (e.g. for training). */
export function splitTokenLists(dataset: Dataset, split: SplitName): Token[][] {
  return dataset.items.filter((item) => item.split === split).map((item) => splitTokens(item.tokens));
}
