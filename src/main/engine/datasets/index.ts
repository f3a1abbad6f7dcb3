/** Datasets: scan, import in parallel through the token cache, split, and describe music collections. */
export {
  openDataset,
  splitTokenLists,
  type Dataset,
  type DatasetItem,
  type DatasetLoadInfo,
  type OpenDatasetOptions,
} from './dataset.ts';
export { scanPaths, type ScannedFile, type ScanError, type ScanResult } from './scan.ts';
export {
  importFiles,
  type FileResult,
  type ImportCounters,
  type ImportFilesOptions,
  type ImportProgress,
} from './import_pool.ts';
export { TokenCache, defaultCacheDir, contentHash, type CacheLookup } from './cache.ts';
export {
  hashSplit,
  splitKey,
  findMaestroCsv,
  readSplitCsv,
  lookupSplit,
  VALIDATION_FRACTION,
  type SplitTable,
} from './split.ts';
export {
  computeStats,
  trainVocabulary,
  type DatasetStats,
  type SplitCounts,
  type SplitItem,
} from './stats.ts';
export { splitTokens } from './summarize.ts';
export type { CodecSpec, FileSummary, ItemSummary, SplitName } from './types.ts';
