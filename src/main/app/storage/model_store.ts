import { cp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelIdSchema, type ModelId, type ModelRecord } from '../../../shared/ipc/index.ts';
import { parseModelMeta, type ModelMeta } from '../../engine/model/meta.ts';
import { writeStartCheckpoint } from '../../engine/pack/start_checkpoint.ts';
import { writeFolderAtomic, writeJsonAtomic } from './atomic.ts';
import {
  MODEL_ARCHIVE_ENTRIES,
  MODEL_ARCHIVE_OPTIONAL_ENTRIES,
  renamedMeta,
  type ModelFiles,
} from './model_archive.ts';

/** A model folder as read from disk: its id, meta.json and size. */
export interface StoredModel {
  id: ModelId;
  meta: ModelMeta;
  sizeBytes: number;
  /** Shipped with the app (read-only). */
  shipped: boolean;
}

/** The files of a model folder that make the model, whose sizes make its size. */
const MODEL_FILES = [...MODEL_ARCHIVE_ENTRIES, ...MODEL_ARCHIVE_OPTIONAL_ENTRIES];

/** Ids of shipped models: this prefix, then the name of their folder in the shipped folder. */
export const SHIPPED_ID_PREFIX = 'shipped-';

/** True for the id of a model shipped with the app. */
export function isShippedId(id: string): boolean {
  return id.startsWith(SHIPPED_ID_PREFIX);
}

/** Why a shipped model refuses `action` ("renamed", "trained more"...), and what to do instead. */
export function shippedModelMessage(action: string): string {
  return `This model is shipped with Continuo and cannot be ${action}: duplicate it to make your own copy`;
}

/** Thrown when a change is asked of a shipped (read-only) model. */
export class ShippedModelError extends Error {
  override name = 'ShippedModelError';
}

/**
 * The trained models of the data folder: one folder `models/<id>/` each (written by the engine's
 * trainer, atomically). Main reads their meta.json, renames (meta.json rewritten atomically)
 * and deletes them. Unreadable folders are skipped and reported.
 *
 * Beside them, the models shipped with the app (`shippedDir`, e.g. resources/models): listed
 * with the id `shipped-<folder>`, read-only (rename, delete and install refuse them with a
 * `ShippedModelError`; duplicating one makes an ordinary model of the data folder).
 */
export class ModelStore {
  constructor(
    readonly dir: string,
    private readonly onBadModel: (folder: string, reason: string) => void = () => undefined,
    readonly shippedDir?: string,
  ) {}

  /**
   * The folder of a model id. A `ModelId` has passed `ModelIdSchema` (lower-case letters, digits
   * and dashes), so it cannot escape models/ or the shipped folder.
   */
  folder(id: ModelId): string {
    if (isShippedId(id)) {
      if (!this.shippedDir) throw new Error(`No shipped models here (model id ${id})`);
      return path.join(this.shippedDir, id.slice(SHIPPED_ID_PREFIX.length));
    }
    return path.join(this.dir, id);
  }

  /**
   * Every readable model, newest first, then the shipped ones by name; `quiet` ids (still being
   * written) are skipped without a report.
   */
  async list(quiet: ReadonlySet<ModelId> = new Set()): Promise<StoredModel[]> {
    const own = await this.readAll(this.dir, '', quiet);
    const shipped = this.shippedDir ? await this.readAll(this.shippedDir, SHIPPED_ID_PREFIX, quiet) : [];
    return [
      ...own.sort((a, b) =>
        a.meta.createdAt < b.meta.createdAt ? 1 : a.meta.createdAt > b.meta.createdAt ? -1 : 0,
      ),
      ...shipped.sort((a, b) => a.meta.name.localeCompare(b.meta.name)),
    ];
  }

  private async readAll(dir: string, prefix: string, quiet: ReadonlySet<ModelId>): Promise<StoredModel[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    // Folder names are untrusted text: each becomes a ModelId here or is skipped. A data-folder
    // model whose id looks shipped could never be addressed: skipped too.
    const ids = names.flatMap((name) => {
      const id = ModelIdSchema.safeParse(`${prefix}${name}`);
      return id.success && isShippedId(id.data) === (prefix !== '') ? [id.data] : [];
    });
    const models = await Promise.all(ids.map((id) => this.read(id, quiet.has(id))));
    return models.filter((model): model is StoredModel => model !== undefined);
  }

  /** Refuses changes to a shipped model, naming what was asked. */
  assertWritable(id: ModelId, action: string): void {
    if (isShippedId(id)) throw new ShippedModelError(shippedModelMessage(action));
  }

  /** One model, or undefined when it does not exist or cannot be read. */
  async get(id: ModelId): Promise<StoredModel | undefined> {
    return this.read(id, false);
  }

  /** Sets a model's display name in its meta.json (atomically). */
  async rename(id: ModelId, name: string): Promise<StoredModel | undefined> {
    this.assertWritable(id, 'renamed');
    const file = path.join(this.folder(id), 'meta.json');
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      parseModelMeta(raw, file);
    } catch {
      return undefined;
    }
    await writeJsonAtomic(file, { ...raw, name, updatedAt: new Date().toISOString() });
    return this.get(id);
  }

  /** Deletes a model folder; false when there was none. */
  async remove(id: ModelId): Promise<boolean> {
    this.assertWritable(id, 'deleted');
    const folder = this.folder(id);
    const exists = await stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!exists) return false;
    await rm(folder, { recursive: true, force: true });
    return true;
  }

  /**
   * Copies a model folder (checkpoint included) under a new id and display name, atomically:
   * the copy is made in a temporary sibling folder, then renamed into place. The copy of a
   * shipped model gets a checkpoint made from its weights.
   */
  async duplicate(id: ModelId, newId: ModelId, name: string): Promise<StoredModel | undefined> {
    this.assertWritable(newId, 'replaced');
    const source = await this.get(id);
    if (!source) return undefined;
    const from = this.folder(id);
    await writeFolderAtomic(this.folder(newId), async (temp) => {
      await cp(from, temp, { recursive: true, errorOnExist: false, force: true });
      const metaFile = path.join(temp, 'meta.json');
      await writeFile(metaFile, renamedMeta(await readFile(metaFile), name));
      // A shipped model has no checkpoint: its copy gets one, so "Train more" can go on from it.
      if (source.shipped && !(await stat(path.join(temp, 'checkpoint')).catch(() => undefined)))
        await writeStartCheckpoint(temp);
    });
    return this.get(newId);
  }

  /** Installs validated model files as a new model folder, atomically (model.json written last). */
  async install(newId: ModelId, files: ModelFiles): Promise<StoredModel | undefined> {
    this.assertWritable(newId, 'replaced');
    await writeFolderAtomic(this.folder(newId), async (temp) => {
      for (const name of MODEL_ARCHIVE_OPTIONAL_ENTRIES) {
        const bytes = files[name];
        if (bytes) await writeFile(path.join(temp, name), bytes);
      }
      for (const name of [...MODEL_ARCHIVE_ENTRIES].reverse())
        await writeFile(path.join(temp, name), files[name]);
    });
    return this.get(newId);
  }

  private async read(id: ModelId, quiet: boolean): Promise<StoredModel | undefined> {
    let folder: string;
    try {
      folder = this.folder(id);
    } catch {
      return undefined;
    }
    const file = path.join(folder, 'meta.json');
    let meta: ModelMeta;
    try {
      meta = parseModelMeta(JSON.parse(await readFile(file, 'utf8')), file);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      if (!quiet && !missing)
        this.onBadModel(folder, error instanceof Error ? error.message.slice(0, 300) : String(error));
      return undefined;
    }
    let sizeBytes = 0;
    for (const name of MODEL_FILES) {
      sizeBytes += await stat(path.join(folder, name)).then(
        (info) => info.size,
        () => 0,
      );
    }
    return { id, meta, sizeBytes, shipped: isShippedId(id) };
  }
}

/** The Library's view of a stored model; `datasetName` comes from the dataset records. */
export function modelRecord(model: StoredModel, datasetName: string | null, training: boolean): ModelRecord {
  const { meta } = model;
  return {
    id: model.id,
    name: (meta.name || model.id).slice(0, 200),
    codec: meta.codec.name,
    preset: meta.preset ? meta.preset.slice(0, 40) : null,
    layers: meta.config.layers.slice(0, 16),
    parameterCount: meta.parameterCount,
    sizeBytes: model.sizeBytes,
    dataset: datasetName ?? (meta.dataset?.paths[0]?.slice(0, 4096) || null),
    epochs: meta.history.length,
    bestValLoss: meta.bestValLoss,
    backend: meta.backend.slice(0, 40),
    createdAt: meta.createdAt.slice(0, 40),
    updatedAt: meta.updatedAt.slice(0, 40),
    training,
    ...(model.shipped ? { shipped: true } : {}),
    vocabSize: meta.vocabSize,
    history: meta.history.slice(0, 10_000).map((h) => ({
      epoch: h.epoch,
      step: h.step,
      loss: h.loss,
      valLoss: h.valLoss,
      tokensPerSec: Math.max(0, h.tokensPerSec),
      seconds: Math.max(0, h.seconds),
    })),
  };
}
