import { openDataset, scanPaths, type ImportProgress } from '../../datasets/index.ts';
import type { ImportIssue } from '../../music/music_item.ts';
import {
  MAX_ISSUES,
  type EngineParsedPayloadOf,
  type ImportIssueWire,
  type ImportedDataset,
} from '../../../../shared/ipc/index.ts';
import type { EngineContext, EngineHandlers } from '../context.ts';

/** Least time between two progress events of one job (the first and last always go). */
const PROGRESS_INTERVAL_MS = 100;

/** `datasets.import`: starts the job and answers at once; the job reports through events. */
export function datasetsHandlers(context: EngineContext): Pick<EngineHandlers, 'datasets.import'> {
  return {
    'datasets.import': (payload) => {
      context.jobs.run(payload.jobId, (signal) => runImport(context, payload, signal));
      return { jobId: payload.jobId };
    },
  };
}

async function runImport(
  context: EngineContext,
  { jobId, paths, codec, cacheDir }: EngineParsedPayloadOf<'datasets.import'>,
  signal: AbortSignal,
): Promise<void> {
  const started = performance.now();
  try {
    // A quick scan first, so the bar knows its total before the first (maybe long) file ends.
    const scan = await scanPaths(paths);
    signal.throwIfAborted();
    context.emit('datasets.progress', {
      jobId,
      done: 0,
      total: scan.files.length,
      file: '',
      etaSeconds: null,
    });
    let lastSent = 0;
    const onProgress = (progress: ImportProgress): void => {
      const now = performance.now();
      if (progress.done < progress.total && now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      context.emit('datasets.progress', { jobId, ...progress, etaSeconds: eta(started, now, progress) });
    };
    const dataset = await openDataset(paths, { codec, cacheDir, onProgress, signal });
    const errors = capIssues(dataset.errors);
    const warnings = capIssues(dataset.warnings);
    const result: ImportedDataset = {
      stats: dataset.stats,
      errors: errors.kept,
      warnings: warnings.kept,
      droppedIssues: errors.dropped + warnings.dropped,
      splitSource: dataset.splitSource,
      seconds: dataset.load.seconds,
      fromCache: dataset.load.fromCache,
    };
    context.emit('datasets.imported', { jobId, dataset: result });
  } catch (error) {
    const cancelled = signal.aborted;
    const message = cancelled
      ? 'Import cancelled'
      : `Import failed: ${error instanceof Error ? error.message : String(error)}`;
    context.emit('job.ended', {
      jobId,
      outcome: cancelled ? 'cancelled' : 'failed',
      message: message.slice(0, 2000),
    });
  }
}

/** Seconds left at the pace so far; null before the first file is done. */
function eta(started: number, now: number, { done, total }: ImportProgress): number | null {
  if (done === 0) return null;
  return (((now - started) / 1000) * (total - done)) / done;
}

/** Keeps the first MAX_ISSUES issues, trimmed to the contract's lengths, and counts the rest. */
function capIssues(issues: readonly ImportIssue[]): { kept: ImportIssueWire[]; dropped: number } {
  const kept = issues.slice(0, MAX_ISSUES).map((issue) => ({
    file: issue.file.slice(0, 4096),
    ...(issue.item === undefined ? {} : { item: issue.item }),
    severity: issue.severity,
    reason: issue.reason.slice(0, 2000),
  }));
  return { kept, dropped: issues.length - kept.length };
}
