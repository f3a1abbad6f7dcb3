import type { ImportedDataset, ImportIssueWire } from '../../shared/ipc/index.ts';

/** Most reasons a failed import's status line carries (the rest are counted). */
export const MAX_SHOWN_REASONS = 8;

/** How an import went, judged from what the engine returned. */
export interface ImportHealth {
  /** Nothing usable came in (no file, no tune): the import failed and makes no dataset. */
  empty: boolean;
  /** Files that failed as a whole: missing, unreadable, zero bytes, not music, not parseable. */
  failedFiles: number;
  /** Tunes (or pieces) that failed inside files that otherwise imported. */
  failedItems: number;
  /** What went wrong, first ones first; for an empty import with no errors, why it is empty. */
  reasons: ImportIssueWire[];
}

/**
 * Judges an import: empty (nothing to train on) or how many files and tunes failed. A path
 * that held no music at all gets a reason of its own, so "nothing imported" always says why.
 */
export function importHealth(dataset: ImportedDataset, paths: readonly string[]): ImportHealth {
  const failed = new Set<string>();
  let failedItems = 0;
  for (const issue of dataset.errors) {
    if (issue.item === undefined) failed.add(issue.file);
    else failedItems += 1;
  }
  const empty = dataset.stats.items === 0;
  const reasons: ImportIssueWire[] = dataset.errors.slice(0, MAX_SHOWN_REASONS);
  if (empty && reasons.length === 0) {
    for (const file of paths.slice(0, MAX_SHOWN_REASONS)) {
      reasons.push({
        file,
        severity: 'error',
        reason:
          dataset.stats.files === 0 ? 'no .mid, .midi or .abc files here' : 'no music could be read from it',
      });
    }
  }
  return { empty, failedFiles: failed.size, failedItems, reasons };
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The status line of an import that made no dataset: what happened, and what to do next. */
export function emptyImportMessage(health: ImportHealth): string {
  const files = health.failedFiles > 0 ? ` (${counted(health.failedFiles, 'file', 'files')} failed)` : '';
  return (
    `Nothing was imported${files}, so no dataset was made. ` +
    'Check the path, or choose files or a folder holding .mid, .midi or .abc music.'
  );
}

/** The status line of an import that kept some music but lost some, or undefined when nothing failed. */
export function partialImportMessage(health: ImportHealth): string | undefined {
  const parts: string[] = [];
  if (health.failedFiles > 0) parts.push(counted(health.failedFiles, 'file', 'files'));
  if (health.failedItems > 0) parts.push(counted(health.failedItems, 'tune', 'tunes'));
  if (parts.length === 0) return undefined;
  return `${parts.join(' and ')} failed: the rest is in the dataset; open its Errors to see why.`;
}
