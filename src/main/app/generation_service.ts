import path from 'node:path';
import {
  IpcError,
  type GeneratedVariation,
  type JobId,
  type ParsedPayloadOf,
  type ResultOf,
} from '../../shared/ipc/index.ts';
import type { EngineClient } from '../engine/host/client.ts';
import { JobTracker, type Broadcast } from './jobs/job_tracker.ts';
import { newJobId } from './jobs/new_ids.ts';
import type { ModelsService } from './models_service.ts';
import { safeFileName } from './storage/file_names.ts';

/** How many finished generations main keeps for export (oldest dropped first). */
const KEPT_RESULTS = 20;

/** Where exports go when the caller gives no path. */
export interface ExportTarget {
  /** Native save dialog (Electron): the chosen path, or undefined when cancelled. */
  saveDialog?: (suggestedName: string, format: 'mid' | 'abc') => Promise<string | undefined>;
  /** The data folder's exports/ (web host), and the URL that downloads a file from it. */
  exportsDir: string;
  downloadUrl?: (fileName: string) => string;
}

interface GenerationJob {
  modelName: string;
}

/**
 * Generation on the host side: the engine generates; main forwards the streamed notes and
 * keeps the last finished variations, which the engine writes as exports (MIDI from the notes,
 * the model's ABC text for ABC models).
 */
export class GenerationService {
  private readonly jobs: JobTracker<GenerationJob, GeneratedVariation[]>;

  constructor(
    private readonly engine: EngineClient,
    private readonly models: ModelsService,
    private readonly target: ExportTarget,
    broadcast: Broadcast,
  ) {
    this.jobs = new JobTracker<GenerationJob, GeneratedVariation[]>(engine, {
      keepFinished: KEPT_RESULTS,
      onCrash: (jobId, _job, reason) => {
        broadcast('generation.finished', {
          jobId,
          outcome: 'failed',
          message: reason,
          variations: [],
          seconds: 0,
        });
        return [];
      },
    });
    this.jobs.on('generation.event', (event) => broadcast('generation.event', event));
    this.jobs.on('generation.finished', (finished) => {
      this.jobs.finish(finished.jobId, finished.variations);
      broadcast('generation.finished', finished);
    });
  }

  /** Starts a generation from a model; answers with its job id. */
  async start(payload: ParsedPayloadOf<'generation.start'>): Promise<{ jobId: JobId }> {
    const { modelId, ...settings } = payload;
    const { dir, model } = await this.models.folder(modelId);
    const jobId = newJobId();
    await this.jobs.start(jobId, { modelName: model.name }, () =>
      this.engine.request('generation.start', { ...settings, jobId, modelDir: dir }),
    );
    return { jobId };
  }

  /** Cancels a running generation; false when it is not running. */
  cancel(jobId: JobId): Promise<boolean> {
    return this.jobs.cancel(jobId);
  }

  /** How many generations run now. */
  runningCount(): number {
    return this.jobs.runningCount();
  }

  /** True when main knows this generation job (running, or its variations are kept). */
  has(jobId: JobId): boolean {
    return this.jobs.knows(jobId);
  }

  /** Has the engine write one variation as MIDI or ABC, atomically. */
  async export(payload: ParsedPayloadOf<'generation.export'>): Promise<ResultOf<'generation.export'>> {
    const kept = this.jobs.result(payload.jobId);
    const variation = kept?.result.find((v) => v.variation === payload.variation);
    if (!kept || !variation) {
      throw new IpcError({
        code: 'not_found',
        message: 'That generated variation is not (or no longer) here',
      });
    }
    // An empty variation is never exported (it would be an empty file): say so instead.
    if (variation.sequence.notes.length === 0) {
      throw new IpcError({
        code: 'not_found',
        message: 'That variation has no notes, so there is nothing to export: generate again or pick another',
      });
    }
    const { modelName } = kept.job;
    const fileName = `${safeFileName(modelName, 'continuo')}-${payload.jobId.slice(0, 8)}-${payload.variation + 1}.${payload.format}`;
    let file = payload.path;
    if (!file && this.target.saveDialog) {
      file = await this.target.saveDialog(fileName, payload.format);
      if (!file) throw new IpcError({ code: 'unsupported', message: 'Export cancelled' });
    }
    const inExports = !file;
    file = path.resolve(file ?? path.join(this.target.exportsDir, fileName));
    const written = await this.engine.request('music.write', {
      path: file,
      format: payload.format,
      sequence: variation.sequence,
      ...(variation.abc === null ? {} : { abc: variation.abc }),
      title: `${modelName} ${payload.variation + 1}`.slice(0, 200),
    });
    const url =
      inExports && this.target.downloadUrl ? this.target.downloadUrl(path.basename(file)) : undefined;
    return { path: written.path, bytes: written.bytes, ...(url ? { downloadUrl: url } : {}) };
  }
}
