/**
 * A tiny model folder (4 tokens, one LSTM layer of 8) for the Library's tests, and the two
 * services a ModelsService needs, stubbed: no datasets, nothing training.
 */
import path from 'node:path';
import type { DatasetService } from '../../src/main/app/datasets_service.ts';
import { ModelsService } from '../../src/main/app/models_service.ts';
import { ModelStore } from '../../src/main/app/storage/model_store.ts';
import type { TrainingService } from '../../src/main/app/training_service.ts';
import { saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import {
  weightNamesFor,
  weightShapesFor,
  type TokenModelConfig,
} from '../../src/main/engine/model/token_model.ts';

export const TINY_CONFIG: TokenModelConfig = { vocabSize: 4, layers: [8], dropout: 0 };

/** The Library side needs no engine here: no datasets, and nothing trains. */
export const noDatasets = { list: async () => [] } as unknown as DatasetService;
export const idleTraining = {
  trainingModelIds: () => new Set<string>(),
  assertIdle: () => undefined,
} as unknown as TrainingService;

/** meta.json of a tiny ABC model named `name`. */
export function tinyMeta(name: string): Record<string, unknown> {
  return {
    name,
    codec: { name: 'abc', version: 1, cacheKey: 'abc@1', options: {} },
    vocabSize: 4,
    vocabulary: ['<s>', '</s>', 'A', 'B'],
    config: TINY_CONFIG,
    preset: 'sketch',
    parameterCount: 500,
    dataset: null,
    history: [],
    bestValLoss: null,
    backend: 'wasm',
    appVersion: '0.1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Writes a tiny model folder whose weights are all `fill`. */
export async function writeTinyModel(folder: string, name: string, fill = 0.25): Promise<void> {
  const shapes = weightShapesFor(TINY_CONFIG);
  const weights = Object.fromEntries(
    weightNamesFor(TINY_CONFIG).map((w) => [
      w,
      { shape: shapes[w], data: new Float32Array(shapes[w].reduce((a, b) => a * b, 1)).fill(fill) },
    ]),
  );
  await saveModelFolder(folder, TINY_CONFIG, weights, tinyMeta(name));
}

/** A ModelStore and ModelsService over `root`/models, exporting into `root`/exports. */
export function tinyLibrary(root: string): { store: ModelStore; service: ModelsService } {
  const store = new ModelStore(path.join(root, 'models'));
  const service = new ModelsService(store, noDatasets, idleTraining, {
    exportsDir: path.join(root, 'exports'),
    downloadUrl: (name) => `/exports/${name}`,
  });
  return { store, service };
}
