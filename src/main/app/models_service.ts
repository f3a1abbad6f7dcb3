import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  IpcError,
  type ModelId,
  type ModelRecord,
  type ModelSummary,
  type ParsedPayloadOf,
  type ResultOf,
} from '../../shared/ipc/index.ts';
import type { DatasetService } from './datasets_service.ts';
import { newModelId } from './jobs/new_ids.ts';
import { writeFileAtomic } from './storage/atomic.ts';
import {
  MODEL_ARCHIVE_EXTENSION,
  ModelArchiveError,
  packModelArchive,
  readModelFiles,
  renamedMeta,
  unpackModelArchive,
} from './storage/model_archive.ts';
import { modelRecord, ShippedModelError, type ModelStore, type StoredModel } from './storage/model_store.ts';
import type { TrainingService } from './training_service.ts';
import { safeFileName } from './storage/file_names.ts';

/** Largest model file `models.import` reads. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024;

/** Where one-file model exports go and imports come from. */
export interface ModelFileTarget {
  /** The data folder's exports/ (used when no path is given and there is no dialog). */
  exportsDir: string;
  /** The URL that downloads a file of exports/ (web host). */
  downloadUrl?: (fileName: string) => string;
  /** Native save dialog (Electron): the chosen path, or undefined when cancelled. */
  saveDialog?: (suggestedName: string) => Promise<string | undefined>;
  /** Native open dialog (Electron): the chosen model file, or undefined when cancelled. */
  openDialog?: () => Promise<string | undefined>;
}

/**
 * The Library's models: listed from models/, renamed, duplicated, exported as one file, imported
 * and deleted by main (never while training).
 */
export class ModelsService {
  constructor(
    private readonly store: ModelStore,
    private readonly datasets: DatasetService,
    private readonly training: TrainingService,
    private readonly files: ModelFileTarget = { exportsDir: path.join(store.dir, '..', 'exports') },
  ) {}

  /** Every model, newest first (a model whose first epoch is not saved yet is not listed). */
  async list(): Promise<ModelSummary[]> {
    const training = this.training.trainingModelIds();
    const models = await this.store.list(training);
    const names = await this.datasetNames();
    return models.map((model) => summary(this.record(model, names, training)));
  }

  /** One model with its epoch history. */
  async get(id: ModelId): Promise<ModelRecord> {
    const model = await this.store.get(id);
    if (!model) throw new IpcError({ code: 'not_found', message: `No model with id ${id}` });
    return this.record(model, await this.datasetNames(), this.training.trainingModelIds());
  }

  /** The folder of an existing model (`not_found` otherwise). */
  async folder(id: ModelId): Promise<{ dir: string; model: ModelRecord }> {
    const model = await this.get(id);
    return { dir: this.store.folder(id), model };
  }

  async rename(id: ModelId, name: string): Promise<ModelSummary> {
    this.assertWritable(id, 'renamed');
    this.training.assertIdle(id);
    const model = await this.store.rename(id, name);
    if (!model) throw new IpcError({ code: 'not_found', message: `No model with id ${id}` });
    return summary(this.record(model, await this.datasetNames(), new Set()));
  }

  /** Copies a model under a new id; the copy is named `name`, or "<name> copy". */
  async duplicate(id: ModelId, name?: string): Promise<ModelSummary> {
    this.training.assertIdle(id);
    const source = await this.get(id);
    const copy = await this.store.duplicate(id, newModelId(), name ?? `${source.name} copy`.slice(0, 200));
    if (!copy) throw new IpcError({ code: 'not_found', message: `No model with id ${id}` });
    return summary(this.record(copy, await this.datasetNames(), new Set()));
  }

  /** Writes a model as one `.continuo-model` file (save dialog, given path, or exports/ with a URL). */
  async export(payload: ParsedPayloadOf<'models.export'>): Promise<ResultOf<'models.export'>> {
    this.training.assertIdle(payload.id);
    const { dir, model } = await this.folder(payload.id);
    const data = packModelArchive(await readModelFiles(dir));
    const fileName = `${safeFileName(model.name, 'continuo-model')}${MODEL_ARCHIVE_EXTENSION}`;
    let file = payload.path;
    if (!file && this.files.saveDialog) {
      file = await this.files.saveDialog(fileName);
      if (!file) throw new IpcError({ code: 'unsupported', message: 'Export cancelled' });
    }
    const inExports = !file;
    file = path.resolve(file ?? path.join(this.files.exportsDir, fileName));
    await writeFileAtomic(file, data);
    const url = inExports && this.files.downloadUrl ? this.files.downloadUrl(path.basename(file)) : undefined;
    return { path: file, bytes: data.length, ...(url ? { downloadUrl: url } : {}) };
  }

  /** Validates a `.continuo-model` file and installs it as a new model (`invalid_file` when it is not one). */
  async import(payload: ParsedPayloadOf<'models.import'>): Promise<ModelSummary> {
    let file = payload.path;
    if (!file && this.files.openDialog) {
      file = await this.files.openDialog();
      if (!file) throw new IpcError({ code: 'unsupported', message: 'Import cancelled' });
    }
    if (!file)
      throw new IpcError({ code: 'unsupported', message: 'Give the path of a model file to import' });
    const data = await readModelFile(file);
    let checked;
    try {
      checked = unpackModelArchive(data);
    } catch (error) {
      if (!(error instanceof ModelArchiveError)) throw error;
      throw new IpcError({ code: 'invalid_file', message: `${path.basename(file)}: ${error.message}` });
    }
    // A name already in the Library gets " (2)", " (3)"...: two models never look the same.
    const taken = new Set((await this.store.list()).map((model) => model.meta.name));
    const name = uniqueName(payload.name ?? checked.meta.name, taken);
    const files =
      name !== checked.meta.name
        ? { ...checked.files, 'meta.json': renamedMeta(checked.files['meta.json'], name) }
        : checked.files;
    const installed = await this.store.install(newModelId(), files);
    if (!installed)
      throw new IpcError({ code: 'internal', message: 'The imported model could not be read back' });
    return summary(this.record(installed, await this.datasetNames(), new Set()));
  }

  /**
   * Deletes a model, keeping the last one deleted in the data folder's trash/ until the next
   * delete, so `restore` can undo it.
   */
  async remove(id: ModelId): Promise<boolean> {
    this.assertWritable(id, 'deleted');
    this.training.assertIdle(id);
    if (!(await this.store.get(id))) return false;
    await rm(this.trashDir, { recursive: true, force: true });
    await mkdir(this.trashDir, { recursive: true });
    // A rename within the data folder: atomic, and nothing is copied.
    await rename(this.store.folder(id), path.join(this.trashDir, id));
    return true;
  }

  /** Puts the model deleted last back (`not_found` when it is no longer in the trash). */
  async restore(id: ModelId): Promise<ModelSummary> {
    const trashed = path.join(this.trashDir, id);
    if (!(await stat(trashed).catch(() => undefined))) {
      throw new IpcError({
        code: 'not_found',
        message: 'That model can no longer be restored: only the last one deleted can',
      });
    }
    await rename(trashed, this.store.folder(id));
    return summary(await this.get(id));
  }

  /**
   * Refuses a change to a model shipped with the app, with a message that says what to do
   * (`unsupported`); "Train more" asks this too.
   */
  assertWritable(id: ModelId, action: 'renamed' | 'deleted' | 'trained more'): void {
    try {
      this.store.assertWritable(id, action);
    } catch (error) {
      if (!(error instanceof ShippedModelError)) throw error;
      throw new IpcError({ code: 'unsupported', message: error.message });
    }
  }

  /** Where the model deleted last waits for an undo. */
  private get trashDir(): string {
    return path.join(this.store.dir, '..', 'trash', 'models');
  }

  private record(
    model: StoredModel,
    names: Map<string, string>,
    training: ReadonlySet<ModelId>,
  ): ModelRecord {
    const key = model.meta.dataset ? pathsKey(model.meta.dataset.paths) : '';
    return modelRecord(model, names.get(key) ?? null, training.has(model.id));
  }

  /** Library dataset names by their paths, so a model can name what it learned from. */
  private async datasetNames(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const dataset of await this.datasets.list().catch(() => [])) {
      names.set(pathsKey(dataset.paths), dataset.name);
    }
    return names;
  }
}

/** Reads a file to import, with typed errors for a missing, unreadable or oversized one. */
async function readModelFile(file: string): Promise<Uint8Array> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new IpcError({ code: 'invalid_file', message: `${file} is not a file` });
    if (info.size > MAX_IMPORT_BYTES)
      throw new IpcError({ code: 'invalid_file', message: `${file} is too large for a model file` });
    return await readFile(file);
  } catch (error) {
    if (error instanceof IpcError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new IpcError({
      code: code === 'ENOENT' ? 'not_found' : 'invalid_file',
      message: code === 'ENOENT' ? `No file at ${file}` : `Cannot read ${file}: ${(error as Error).message}`,
    });
  }
}

/** `name`, or `name (2)`, `name (3)`... the first that is not taken (within the 200-character limit). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${name.slice(0, 200 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function pathsKey(paths: readonly string[]): string {
  return paths.map((p) => path.resolve(p)).join('\n');
}

/** A record without its history. */
function summary(record: ModelRecord): ModelSummary {
  const { history: _history, vocabSize: _vocabSize, ...rest } = record;
  return rest;
}
