import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type {
  DatasetFinished,
  DatasetId,
  DatasetProgress,
  DatasetRecord,
  DatasetSummary,
  ImportIssueWire,
  JobId,
  PayloadOf,
} from '../../../shared/ipc/index.ts';

/** The import the Library is following. */
export interface ImportJob {
  jobId: JobId;
  datasetId: DatasetId;
  name: string;
  done: number;
  /** Files to import; 0 until the engine has scanned the paths. */
  total: number;
  file: string;
  etaSeconds: number | null;
  cancelling: boolean;
}

/** How the last import ended, for the status line. */
export interface ImportOutcome {
  outcome: DatasetFinished['outcome'];
  name: string;
  message: string;
  /** Files that failed as a whole (a `done` import may have some). */
  failedFiles: number;
  failedItems: number;
  /** Why a failed import brought nothing in. */
  reasons: ImportIssueWire[];
}

/**
 * The Library's state and actions, shared by its components and kept while the user visits
 * other sections: the datasets, the running import (progress, cancel) and how the last one ended.
 */
export class LibraryModel {
  datasets = $state<DatasetSummary[]>([]);
  loaded = $state(false);
  job = $state<ImportJob | undefined>(undefined);
  outcome = $state<ImportOutcome | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  /** The dataset whose details are open. */
  expanded = $state<string | undefined>(undefined);

  /** Events of jobs not yet known here (an event may beat the request's answer). */
  // Bookkeeping only, never rendered: a plain Map on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly early = new Map<string, DatasetProgress | DatasetFinished>();

  /** Datasets with music to learn from: the only ones offered for training. */
  get trainableDatasets(): DatasetSummary[] {
    return this.datasets.filter((dataset) => dataset.stats.items > 0 && dataset.stats.tokens > 0);
  }

  constructor(private readonly api: ContinuoApi) {
    api.on('datasets.progress', (progress) => this.onProgress(progress));
    api.on('datasets.finished', (finished) => void this.onFinished(finished));
  }

  /** Reloads the dataset list. */
  async refresh(): Promise<void> {
    try {
      this.datasets = (await this.api.request('datasets.list')).datasets;
      this.error = undefined;
    } catch (error) {
      this.error = `Could not load the datasets: ${message(error)}. Check the status bar for the host, then reload.`;
    } finally {
      this.loaded = true;
    }
  }

  /** Starts an import; the Library follows one import at a time. */
  async startImport(payload: PayloadOf<'datasets.import'>, name: string): Promise<void> {
    this.outcome = undefined;
    this.error = undefined;
    try {
      const { jobId, datasetId } = await this.api.request('datasets.import', payload);
      this.job = { jobId, datasetId, name, done: 0, total: 0, file: '', etaSeconds: null, cancelling: false };
      const early = this.early.get(jobId);
      this.early.clear();
      if (early && 'outcome' in early) await this.onFinished(early);
      else if (early) this.onProgress(early);
    } catch (error) {
      this.error = `Could not start the import: ${message(error)}. Check the paths and try again.`;
    }
  }

  /** Asks the engine to cancel the running import. */
  async cancel(): Promise<void> {
    if (!this.job) return;
    this.job.cancelling = true;
    try {
      await this.api.request('jobs.cancel', { jobId: this.job.jobId });
    } catch (error) {
      this.error = `Could not cancel: ${message(error)}. The import goes on; wait for it to end.`;
    }
  }

  /** Forgets a dataset (its music files stay where they are). */
  async remove(id: DatasetId): Promise<void> {
    try {
      await this.api.request('datasets.remove', { id });
      if (this.expanded === id) this.expanded = undefined;
      await this.refresh();
    } catch (error) {
      this.error = `Could not remove the dataset: ${message(error)}. Reload the page and try again.`;
    }
  }

  /** A dataset's full record (figures, errors, warnings). */
  details(id: DatasetId): Promise<DatasetRecord> {
    return this.api.request('datasets.get', { id });
  }

  private onProgress(progress: DatasetProgress): void {
    if (!this.job || this.job.jobId !== progress.jobId) {
      this.remember(progress);
      return;
    }
    Object.assign(this.job, {
      done: progress.done,
      total: progress.total,
      file: progress.file,
      etaSeconds: progress.etaSeconds,
    });
  }

  private async onFinished(finished: DatasetFinished): Promise<void> {
    const job = this.job;
    if (!job || job.jobId !== finished.jobId) {
      this.remember(finished);
      return;
    }
    this.job = undefined;
    const text =
      finished.message ??
      { done: 'Imported', cancelled: 'Import cancelled', failed: 'Import failed' }[finished.outcome];
    this.outcome = {
      outcome: finished.outcome,
      name: job.name,
      message: text,
      failedFiles: finished.failedFiles ?? 0,
      failedItems: finished.failedItems ?? 0,
      reasons: finished.reasons ?? [],
    };
    await this.refresh();
    if (finished.outcome === 'done') this.expanded = finished.datasetId;
  }

  private remember(event: DatasetProgress | DatasetFinished): void {
    const known = this.early.get(event.jobId);
    if (known && 'outcome' in known) return;
    this.early.set(event.jobId, event);
    if (this.early.size > 20) this.early.delete(this.early.keys().next().value as string);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
