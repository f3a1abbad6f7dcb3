import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelsService } from '../../src/main/app/models_service.ts';
import type { DatasetService } from '../../src/main/app/datasets_service.ts';
import type { TrainingService } from '../../src/main/app/training_service.ts';
import { ModelStore } from '../../src/main/app/storage/model_store.ts';
import { saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import {
  weightNamesFor,
  weightShapesFor,
  type TokenModelConfig,
} from '../../src/main/engine/model/token_model.ts';
import { IpcError, ModelIdSchema } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';

let root: string;
let store: ModelStore;
let service: ModelsService;
const config: TokenModelConfig = { vocabSize: 4, layers: [8], dropout: 0 };

/** The Library side needs no engine here: no datasets, and nothing trains. */
const noDatasets = { list: async () => [] } as unknown as DatasetService;
const idle = {
  trainingModelIds: () => new Set<string>(),
  assertIdle: () => undefined,
} as unknown as TrainingService;

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'continuo-models-svc-'));
  store = new ModelStore(path.join(root, 'models'));
  service = new ModelsService(store, noDatasets, idle, {
    exportsDir: path.join(root, 'exports'),
    downloadUrl: (name) => `/exports/${name}`,
  });
  const shapes = weightShapesFor(config);
  const weights = Object.fromEntries(
    weightNamesFor(config).map((w) => [
      w,
      { shape: shapes[w], data: new Float32Array(shapes[w].reduce((a, b) => a * b, 1)).fill(0.25) },
    ]),
  );
  await saveModelFolder(path.join(root, 'models', 'm1'), config, weights, {
    name: 'Reels & Jigs',
    codec: { name: 'abc', version: 1, cacheKey: 'abc@1', options: {} },
    vocabSize: 4,
    vocabulary: ['<s>', '</s>', 'A', 'B'],
    config,
    preset: 'sketch',
    parameterCount: 500,
    dataset: null,
    history: [],
    bestValLoss: null,
    backend: 'wasm',
    appVersion: '0.1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IpcError);
    return `${(error as IpcError).code}: ${(error as Error).message}`;
  }
  throw new Error('no error');
}

describe('ModelsService one-file models', () => {
  it('exports to exports/ with a download URL, and imports the file as a new model', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    expect(path.basename(exported.path)).toBe('reels-jigs.continuo-model');
    expect(exported.downloadUrl).toBe('/exports/reels-jigs.continuo-model');
    expect(readFileSync(exported.path).length).toBe(exported.bytes);
    const imported = await service.import({ path: exported.path, name: 'Imported reels' });
    expect(imported.name).toBe('Imported reels');
    expect(imported.id).not.toBe('m1');
    expect((await service.list()).map((m) => m.name).sort()).toEqual(['Imported reels', 'Reels & Jigs']);
  });

  it('duplicates with a "copy" name', async () => {
    const copy = await service.duplicate(ModelIdSchema.parse('m1'));
    expect(copy.name).toBe('Reels & Jigs copy');
    expect(await service.list()).toHaveLength(2);
  });

  it('refuses foreign, truncated and missing files with typed errors, writing nothing', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    const truncated = path.join(root, 'truncated.continuo-model');
    writeFileSync(truncated, readFileSync(exported.path).subarray(0, 500));
    expect(await codeOf(service.import({ path: truncated }))).toMatch(
      /^invalid_file: truncated.continuo-model: /,
    );
    expect(
      await codeOf(service.import({ path: sharedData('nottingham', 'ABC_cleaned', 'jigs.abc') })),
    ).toMatch(/^invalid_file: jigs.abc: Not a Continuo model file/);
    expect(await codeOf(service.import({ path: path.join(root, 'nope.continuo-model') }))).toMatch(
      /^not_found/,
    );
    expect(await codeOf(service.import({}))).toMatch(/^unsupported/);
    expect(readdirSync(path.join(root, 'models'))).toEqual(['m1']);
  });

  it('answers not_found for an unknown model', async () => {
    expect(await codeOf(service.export({ id: ModelIdSchema.parse('zzz') }))).toMatch(/^not_found/);
    expect(await codeOf(service.duplicate(ModelIdSchema.parse('zzz')))).toMatch(/^not_found/);
  });
});
