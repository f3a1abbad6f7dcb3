import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Codec } from '../codecs/codec.ts';
import { contentHash, type TokenCache } from './cache.ts';
import type { ImportRequest, ImportResponse } from './import_protocol.ts';
import { describeFsError, type ScannedFile } from './scan.ts';
import type { CodecSpec, FileSummary } from './types.ts';
import { WorkerPool, WorkerCrashError } from './worker_pool.ts';
import { bundledWorkerEntry } from '../runtime/bundled_entry.ts';
import { hasWorkerEntryResolver } from '../runtime/worker_script.ts';

/** Where an import stands: files done out of total, and the file just finished. */
export interface ImportProgress {
  done: number;
  total: number;
  file: string;
}

/** Options of `importFiles`. */
export interface ImportFilesOptions {
  codec: Codec;
  codecSpec: CodecSpec;
  /** Token cache to read and fill; none means parse everything. */
  cache?: TokenCache | null;
  /** Worker threads (default: os.availableParallelism(), never more than files). */
  parallelism?: number;
  /**
   * Also import on the calling thread, as one more lane: worker threads take a few hundred
   * ms to start, and the calling thread can work meanwhile. Only for callers with nothing
   * else to do on that thread (the CLI); files over `INLINE_MAX_BYTES` still go to workers,
   * so a pathological file can only exhaust a worker's heap, never the caller's.
   */
  inline?: boolean;
  /** Heap cap per worker in MB (default 4096), so a pathological file fails alone. */
  maxWorkerHeapMb?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting terminates the workers and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One file's outcome, in scan order. */
export interface FileResult {
  file: ScannedFile;
  summary: FileSummary;
  fromCache: boolean;
}

/** What `importFiles` did, for tests and benchmarks. */
export interface ImportCounters {
  fromCache: number;
  parsed: number;
  corruptCache: number;
  workersStarted: number;
}

const WORKER_ENTRY = new URL('./import_worker.ts', import.meta.url);

/** Largest file the calling-thread lane imports itself (see `ImportFilesOptions.inline`). */
export const INLINE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Imports and encodes files on a pool of worker threads. The main thread reads each file,
 * hashes it and asks the cache; only misses go to a worker (bytes transferred, not copied),
 * and workers send back token strings and figures, never NoteSequences. A file that cannot
 * be read, or whose worker dies, gets an error issue; the others go on.
 */
export async function importFiles(
  files: readonly ScannedFile[],
  options: ImportFilesOptions,
): Promise<{ results: FileResult[]; counters: ImportCounters }> {
  const { codec, cache, signal } = options;
  signal?.throwIfAborted();
  const threads = Math.max(1, Math.min(options.parallelism ?? os.availableParallelism(), files.length));
  // With an inline lane, the calling thread is one of the threads.
  const size = options.inline ? Math.max(1, threads - 1) : threads;
  const entry = hasWorkerEntryResolver()
    ? WORKER_ENTRY
    : ((await bundledWorkerEntry(WORKER_ENTRY)) ?? WORKER_ENTRY);
  const pool = new WorkerPool<ImportRequest, ImportResponse>({
    entry,
    size,
    maxHeapMb: options.maxWorkerHeapMb ?? 4096,
  });
  const counters: ImportCounters = { fromCache: 0, parsed: 0, corruptCache: 0, workersStarted: 0 };
  const results: FileResult[] = new Array(files.length);
  let next = 0;
  let done = 0;
  let nextId = 0;

  const importOne = async (file: ScannedFile, inline: boolean): Promise<FileResult> => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file.path);
    } catch (error) {
      return {
        file,
        summary: fileError(file.path, `cannot read: ${describeFsError(error)}`),
        fromCache: false,
      };
    }
    const content = cache ? contentHash(bytes) : '';
    if (cache) {
      const lookup = await cache.get(content, codec.cacheKey, file.path);
      if (lookup.kind === 'hit') {
        counters.fromCache++;
        return { file, summary: lookup.summary, fromCache: true };
      }
      if (lookup.kind === 'corrupt') counters.corruptCache++;
    }
    if (inline && bytes.byteLength <= INLINE_MAX_BYTES) {
      const { importAndSummarize } = await import('./import_file.ts');
      let summary: FileSummary;
      try {
        summary = importAndSummarize(bytes, file.path, options.codecSpec);
      } catch (error) {
        summary = fileError(
          file.path,
          `import failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      counters.parsed++;
      if (cache) await cache.set(content, codec.cacheKey, summary).catch(() => undefined);
      return { file, summary, fromCache: false };
    }
    const transferable = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const owned = transferable ? bytes : bytes.slice();
    let response: ImportResponse;
    try {
      response = await pool.run({ id: nextId++, file: file.path, bytes: owned, codec: options.codecSpec }, [
        owned.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      if (!(error instanceof WorkerCrashError)) throw error;
      counters.parsed++;
      return { file, summary: fileError(file.path, `import crashed (${error.message})`), fromCache: false };
    }
    counters.parsed++;
    if (!response.ok)
      return { file, summary: fileError(file.path, `import failed: ${response.reason}`), fromCache: false };
    if (cache) await cache.set(content, codec.cacheKey, response.summary).catch(() => undefined);
    return { file, summary: response.summary, fromCache: false };
  };

  const lane = async (inline: boolean): Promise<void> => {
    while (next < files.length) {
      signal?.throwIfAborted();
      const index = next++;
      results[index] = await importOne(files[index], inline);
      done++;
      options.onProgress?.({ done, total: files.length, file: files[index].path });
    }
  };

  const onAbort = (): void => void pool.destroy(abortReason(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const lanes = Array.from({ length: size }, () => lane(false));
    if (options.inline) lanes.push(lane(true));
    await Promise.all(lanes);
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    counters.workersStarted = pool.started;
    await pool.destroy();
  }
  return { results, counters };
}

function fileError(file: string, reason: string): FileSummary {
  return { items: [], issues: [{ file, severity: 'error', reason }] };
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('import aborted', 'AbortError');
}
