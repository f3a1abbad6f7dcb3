import path from 'node:path';
import {
  IpcError,
  type DatasetFinished,
  type DatasetInspectResult,
  type DatasetRecord,
  type DatasetId,
  type DatasetSummary,
  type EngineEventPayloadOf,
  type JobId,
  type ParsedPayloadOf,
} from '../../shared/ipc/index.ts';
import { musicFileKind } from '../engine/datasets/file_kinds.ts';
import { scanPaths } from '../engine/datasets/scan.ts';
import type { EngineClient } from '../engine/host/client.ts';
import type { DatasetStore } from './storage/dataset_store.ts';
import { emptyImportMessage, importHealth, partialImportMessage } from './import_health.ts';
import { JobTracker, type Broadcast } from './jobs/job_tracker.ts';
import { newDatasetId, newJobId } from './jobs/new_ids.ts';

export type { Broadcast } from './jobs/job_tracker.ts';

interface RunningImport {
  datasetId: DatasetId;
  name: string;
  codec: DatasetRecord['codec'];
  paths: string[];
  createdAt: string;
}

type ImportOutcome = DatasetFinished['outcome'];
type FinishDetails = Pick<DatasetFinished, 'failedFiles' | 'failedItems' | 'reasons'>;

/**
 * The Library's datasets on the host side: imports run in the engine process; their records
 * are stored by main (atomically) when they finish. Progress and endings go to the UI as events.
 */
export class DatasetService {
  private readonly jobs: JobTracker<RunningImport>;

  constructor(
    private readonly engine: EngineClient,
    private readonly store: DatasetStore,
    private readonly tokenCacheDir: string,
    private readonly broadcast: Broadcast,
  ) {
    this.jobs = new JobTracker<RunningImport>(engine, {
      onCrash: (jobId, job, reason) => {
        this.announce(jobId, job, 'failed', `${reason}; import again once it runs.`);
        return undefined;
      },
    });
    this.jobs.on('datasets.progress', (progress) => broadcast('datasets.progress', progress));
    this.jobs.on('datasets.imported', (event, job) => void this.onImported(event, job));
    this.jobs.on('job.ended', ({ jobId, outcome, message }) => this.finish(jobId, outcome, message));
  }

  /** Starts an import in the engine; answers with the job and the id the dataset will have. */
  async import({
    paths,
    codec,
    name,
  }: ParsedPayloadOf<'datasets.import'>): Promise<{ jobId: JobId; datasetId: DatasetId }> {
    const jobId = newJobId();
    const datasetId = newDatasetId();
    const job = {
      datasetId,
      name: name ?? defaultName(paths),
      codec,
      paths,
      createdAt: new Date().toISOString(),
    };
    await this.jobs.start(jobId, job, () =>
      this.engine.request('datasets.import', { jobId, paths, codec, cacheDir: this.tokenCacheDir }),
    );
    return { jobId, datasetId };
  }

  /** How many imports run now. */
  runningCount(): number {
    return this.jobs.runningCount();
  }

  /** Cancels a running import; false when it is not running. */
  cancel(jobId: JobId): Promise<boolean> {
    return this.jobs.cancel(jobId);
  }

  list(): Promise<DatasetSummary[]> {
    return this.store.list();
  }

  async get(id: DatasetId): Promise<DatasetRecord> {
    const record = await this.store.get(id);
    if (!record) throw new IpcError({ code: 'not_found', message: `No dataset with id ${id}` });
    return record;
  }

  remove(id: DatasetId): Promise<boolean> {
    return this.store.remove(id);
  }

  /** How many MIDI and ABC files the paths hold, and which paths cannot be read. */
  async inspect(paths: readonly string[]): Promise<DatasetInspectResult> {
    const scan = await scanPaths(paths);
    const kinds = scan.files.map((file) => musicFileKind(file.path));
    return {
      midiFiles: kinds.filter((kind) => kind === 'midi').length,
      abcFiles: kinds.filter((kind) => kind === 'abc').length,
      unreadable: scan.errors.map((error) => error.file).slice(0, 1000),
    };
  }

  private async onImported(
    { jobId, dataset }: EngineEventPayloadOf<'datasets.imported'>,
    job: RunningImport,
  ): Promise<void> {
    // Nothing to train on (all files failed, or none found): a failure, and no dataset is made.
    const health = importHealth(dataset, job.paths);
    const counts = { failedFiles: health.failedFiles, failedItems: health.failedItems };
    if (health.empty) {
      this.finish(jobId, 'failed', emptyImportMessage(health), { ...counts, reasons: health.reasons });
      return;
    }
    const record: DatasetRecord = {
      id: job.datasetId,
      name: job.name,
      codec: job.codec,
      paths: job.paths,
      createdAt: job.createdAt,
      stats: dataset.stats,
      errorCount: dataset.errors.length,
      warningCount: dataset.warnings.length,
      errors: dataset.errors,
      warnings: dataset.warnings,
      droppedIssues: dataset.droppedIssues,
      splitSource: dataset.splitSource,
      importSeconds: dataset.seconds,
    };
    try {
      await this.store.save(record);
      this.finish(jobId, 'done', partialImportMessage(health), counts);
    } catch (error) {
      this.finish(
        jobId,
        'failed',
        `Could not save the dataset: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Ends a running import and tells the UI, once (a later end of the same job is ignored). */
  private finish(jobId: JobId, outcome: ImportOutcome, message?: string, details: FinishDetails = {}): void {
    const job = this.jobs.finish(jobId);
    if (job) this.announce(jobId, job, outcome, message, details);
  }

  private announce(
    jobId: JobId,
    job: RunningImport,
    outcome: ImportOutcome,
    message?: string,
    details: FinishDetails = {},
  ): void {
    this.broadcast('datasets.finished', {
      jobId,
      datasetId: job.datasetId,
      outcome,
      ...(message ? { message: message.slice(0, 2000) } : {}),
      ...details,
    });
  }
}

/** A dataset's default name: its first path's base name, plus how many more paths. */
export function defaultName(paths: readonly string[]): string {
  const first = path.basename(paths[0].replace(/[\\/]+$/, '')) || paths[0];
  const name = paths.length > 1 ? `${first} (+${paths.length - 1} more)` : first;
  return name.slice(0, 200);
}
