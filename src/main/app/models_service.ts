import path from 'node:path';
import { IpcError, type ModelRecord, type ModelSummary } from '../../shared/ipc/index.ts';
import type { DatasetService } from './datasets_service.ts';
import { modelRecord, type ModelStore, type StoredModel } from './storage/model_store.ts';
import type { TrainingService } from './training_service.ts';

/** The Library's models: listed from models/, renamed and deleted by main (never while training). */
export class ModelsService {
  constructor(
    private readonly store: ModelStore,
    private readonly datasets: DatasetService,
    private readonly training: TrainingService,
  ) {}

  /** Every model, newest first (a model whose first epoch is not saved yet is not listed). */
  async list(): Promise<ModelSummary[]> {
    const training = this.training.trainingModelIds();
    const models = await this.store.list(training);
    const names = await this.datasetNames();
    return models.map((model) => summary(this.record(model, names, training)));
  }

  /** One model with its epoch history. */
  async get(id: string): Promise<ModelRecord> {
    const model = await this.store.get(id);
    if (!model) throw new IpcError({ code: 'not_found', message: `No model with id ${id}` });
    return this.record(model, await this.datasetNames(), this.training.trainingModelIds());
  }

  /** The folder of an existing model (`not_found` otherwise). */
  async folder(id: string): Promise<{ dir: string; model: ModelRecord }> {
    const model = await this.get(id);
    return { dir: this.store.folder(id), model };
  }

  async rename(id: string, name: string): Promise<ModelSummary> {
    this.training.assertIdle(id);
    const model = await this.store.rename(id, name);
    if (!model) throw new IpcError({ code: 'not_found', message: `No model with id ${id}` });
    return summary(this.record(model, await this.datasetNames(), new Set()));
  }

  async remove(id: string): Promise<boolean> {
    this.training.assertIdle(id);
    return this.store.remove(id);
  }

  private record(model: StoredModel, names: Map<string, string>, training: Set<string>): ModelRecord {
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

function pathsKey(paths: readonly string[]): string {
  return paths.map((p) => path.resolve(p)).join('\n');
}

/** A record without its history. */
function summary(record: ModelRecord): ModelSummary {
  const { history: _history, vocabSize: _vocabSize, ...rest } = record;
  return rest;
}
