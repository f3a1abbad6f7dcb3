import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  IpcError,
  type GeneratedVariation,
  type ParsedPayloadOf,
  type ResultOf,
} from '../../shared/ipc/index.ts';
import type { EngineClient } from '../engine/host/client.ts';
import { sequenceToAbc } from '../engine/music/abc/index.ts';
import { noteSequenceToMidi } from '../engine/music/midi_io.ts';
import type { Broadcast } from './datasets_service.ts';
import type { ModelsService } from './models_service.ts';
import { writeFileAtomic } from './storage/atomic.ts';
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
  variations?: GeneratedVariation[];
}

/**
 * Generation on the host side: the engine generates; main forwards the streamed notes, keeps
 * the finished variations and writes exports (MIDI from the notes, ABC text for ABC models).
 */
export class GenerationService {
  private readonly jobs = new Map<string, GenerationJob>();

  constructor(
    private readonly engine: EngineClient,
    private readonly models: ModelsService,
    private readonly target: ExportTarget,
    broadcast: Broadcast,
  ) {
    engine.on('generation.event', (event) => {
      if (this.jobs.has(event.jobId)) broadcast('generation.event', event);
    });
    engine.on('generation.finished', (finished) => {
      const job = this.jobs.get(finished.jobId);
      if (!job) return;
      job.variations = finished.variations;
      this.trim();
      broadcast('generation.finished', finished);
    });
    engine.onStatus((status) => {
      if (status.state !== 'crashed') return;
      for (const [jobId, job] of this.jobs) {
        if (job.variations) continue;
        job.variations = [];
        broadcast('generation.finished', {
          jobId,
          outcome: 'failed',
          message: status.message ?? 'The engine process stopped',
          variations: [],
          seconds: 0,
        });
      }
    });
  }

  /** Starts a generation from a model; answers with its job id. */
  async start(payload: ParsedPayloadOf<'generation.start'>): Promise<{ jobId: string }> {
    const { modelId, ...settings } = payload;
    const { dir, model } = await this.models.folder(modelId);
    const jobId = randomUUID();
    this.jobs.set(jobId, { modelName: model.name });
    try {
      await this.engine.request('generation.start', { ...settings, jobId, modelDir: dir });
    } catch (error) {
      this.jobs.delete(jobId);
      throw error;
    }
    return { jobId };
  }

  /** Cancels a running generation; false when it is not running. */
  async cancel(jobId: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job || job.variations) return false;
    return this.engine.cancel(jobId);
  }

  /** How many generations run now. */
  runningCount(): number {
    return [...this.jobs.values()].filter((job) => !job.variations).length;
  }

  /** True when main knows this generation job. */
  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Writes one variation as MIDI or ABC, atomically. */
  async export(payload: ParsedPayloadOf<'generation.export'>): Promise<ResultOf<'generation.export'>> {
    const job = this.jobs.get(payload.jobId);
    const variation = job?.variations?.find((v) => v.variation === payload.variation);
    if (!job || !variation) {
      throw new IpcError({
        code: 'not_found',
        message: 'That generated variation is not (or no longer) here',
      });
    }
    const title = `${job.modelName} ${payload.variation + 1}`;
    const data =
      payload.format === 'mid'
        ? noteSequenceToMidi(variation.sequence)
        : (variation.abc ?? sequenceToAbc(variation.sequence, { title }));
    const fileName = `${safeFileName(job.modelName, 'continuo')}-${payload.jobId.slice(0, 8)}-${payload.variation + 1}.${payload.format}`;
    let file = payload.path;
    if (!file && this.target.saveDialog) {
      file = await this.target.saveDialog(fileName, payload.format);
      if (!file) throw new IpcError({ code: 'unsupported', message: 'Export cancelled' });
    }
    const inExports = !file;
    file = path.resolve(file ?? path.join(this.target.exportsDir, fileName));
    await writeFileAtomic(file, data);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const url =
      inExports && this.target.downloadUrl ? this.target.downloadUrl(path.basename(file)) : undefined;
    return { path: file, bytes, ...(url ? { downloadUrl: url } : {}) };
  }

  private trim(): void {
    const finished = [...this.jobs].filter(([, job]) => job.variations);
    for (const [jobId] of finished.slice(0, Math.max(0, finished.length - KEPT_RESULTS)))
      this.jobs.delete(jobId);
  }
}
