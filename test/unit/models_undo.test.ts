import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelsService, uniqueName } from '../../src/main/app/models_service.ts';
import { ModelIdSchema } from '../../src/shared/ipc/index.ts';
import type { DatasetService } from '../../src/main/app/datasets_service.ts';
import type { TrainingService } from '../../src/main/app/training_service.ts';
import { ModelStore } from '../../src/main/app/storage/model_store.ts';
import { saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import {
  weightNamesFor,
  weightShapesFor,
  type TokenModelConfig,
} from '../../src/main/engine/model/token_model.ts';

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
  root = mkdtempSync(path.join(tmpdir(), 'continuo-models-undo-'));
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

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('model names and undo', () => {
  it('uniqueName adds (2), (3)… to a name in use', () => {
    expect(uniqueName('Jigs', new Set())).toBe('Jigs');
    expect(uniqueName('Jigs', new Set(['Jigs']))).toBe('Jigs (2)');
    expect(uniqueName('Jigs', new Set(['Jigs', 'Jigs (2)']))).toBe('Jigs (3)');
    expect(uniqueName('x'.repeat(200), new Set(['x'.repeat(200)]))).toHaveLength(200);
  });

  it('an exported model imported back is named apart from the original', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    const imported = await service.import({ path: exported.path });
    expect(imported.name).toBe('Reels & Jigs (2)');
    const again = await service.import({ path: exported.path });
    expect(again.name).toBe('Reels & Jigs (3)');
  });

  it('a deleted model can be restored until another one is deleted', async () => {
    const copy = await service.duplicate(ModelIdSchema.parse('m1'));
    expect(await service.remove(ModelIdSchema.parse('m1'))).toBe(true);
    expect((await service.list()).map((m) => m.id)).toEqual([copy.id]);
    expect((await service.restore(ModelIdSchema.parse('m1'))).name).toBe('Reels & Jigs');
    expect((await service.list()).map((m) => m.id).sort()).toEqual([copy.id, 'm1'].sort());

    await service.remove(ModelIdSchema.parse('m1'));
    await service.remove(copy.id);
    // Only the last one deleted waits in the trash.
    await expect(service.restore(ModelIdSchema.parse('m1'))).rejects.toMatchObject({ code: 'not_found' });
    expect(existsSync(path.join(root, 'models', 'm1'))).toBe(false);
    expect((await service.restore(copy.id)).id).toBe(copy.id);
  });
});
