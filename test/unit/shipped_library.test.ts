/**
 * Shipped models in the Library: listed beside the data folder's models with `shipped: true`,
 * read-only (rename, delete and "Train more" refused with a message that says to duplicate),
 * duplicated into an ordinary model that keeps its novelty index; and `.continuo-model` files
 * carry the novelty index and quality baseline, validated on import.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelsService } from '../../src/main/app/models_service.ts';
import { shippedModelsDir } from '../../src/main/app/shipped_models.ts';
import { ModelStore } from '../../src/main/app/storage/model_store.ts';
import { TrainingService } from '../../src/main/app/training_service.ts';
import type { EngineClient } from '../../src/main/engine/host/client.ts';
import { readModelFolder, saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import { readCheckpoint } from '../../src/main/engine/train/checkpoint.ts';
import { weightNamesFor, weightShapesFor } from '../../src/main/engine/model/token_model.ts';
import { NoveltyIndex } from '../../src/main/engine/quality/novelty_index.ts';
import { idleTraining, noDatasets, TINY_CONFIG, tinyMeta } from '../helpers/tiny_model.ts';
import { IpcError, ModelIdSchema, ModelSummarySchema } from '../../src/shared/ipc/index.ts';

/** The id the Library gives the shipped folder `folk`. */
const FOLK = ModelIdSchema.parse('shipped-folk');
let root: string;
let shipped: string;
let store: ModelStore;
let service: ModelsService;
const config = TINY_CONFIG;
const idle = idleTraining;

const meta = tinyMeta;

const index = NoveltyIndex.build([
  {
    name: 'Tune (t.abc #1)',
    line: Array.from({ length: 12 }, (_, i) => ({ pitch: 60 + (i % 5), onset: i * 6, duration: 6 })),
  },
]);
const baseline = {
  split: 'validation',
  summary: {
    pieces: 1,
    validShare: 1,
    abc2midiClean: null,
    abc2midiChecked: 0,
    badInnerBarShare: null,
    hanging: 0,
    ngramFoundShare: null,
    longestRun: null,
    medianLongestRun: null,
    inKeyShare: 1,
    range: null,
  },
};

async function writeModel(dir: string, name: string): Promise<void> {
  const shapes = weightShapesFor(config);
  const weights = Object.fromEntries(
    weightNamesFor(config).map((w) => [
      w,
      { shape: shapes[w], data: new Float32Array(shapes[w].reduce((a, b) => a * b, 1)).fill(0.25) },
    ]),
  );
  await saveModelFolder(dir, config, weights, meta(name), {
    quantization: { dtype: 'float16' },
    extraFiles: { 'novelty-index.bin': index.toBytes(), 'quality-baseline.json': JSON.stringify(baseline) },
  });
}

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'continuo-shipped-'));
  shipped = path.join(root, 'resources', 'models');
  store = new ModelStore(path.join(root, 'models'), () => undefined, shipped);
  service = new ModelsService(store, noDatasets, idle, { exportsDir: path.join(root, 'exports') });
  await writeModel(path.join(shipped, 'folk'), 'Folk tunes');
  await writeModel(path.join(root, 'models', 'm1'), 'Mine');
  writeFileSync(path.join(shipped, 'README.md'), '# not a model');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IpcError);
    return `${(error as IpcError).code}: ${(error as Error).message}`;
  }
  throw new Error('not refused');
}

describe('shipped models in the Library', () => {
  it('are listed after the data folder models, marked shipped, with their index counted in the size', async () => {
    const models = await service.list();
    expect(models.map((m) => [m.id, m.name, m.shipped ?? false])).toEqual([
      ['m1', 'Mine', false],
      ['shipped-folk', 'Folk tunes', true],
    ]);
    for (const model of models) ModelSummarySchema.parse(model);
    const folk = models[1];
    expect(folk.sizeBytes).toBeGreaterThan(index.toBytes().length);
    expect((await service.folder(FOLK)).dir).toBe(path.join(shipped, 'folk'));
  });

  it('refuse rename and delete, saying to duplicate, and stay as they are', async () => {
    const before = readFileSync(path.join(shipped, 'folk', 'meta.json'), 'utf8');
    expect(await refusal(service.rename(FOLK, 'Mine now'))).toMatch(
      /^unsupported: This model is shipped with Continuo and cannot be renamed: duplicate it/,
    );
    expect(await refusal(service.remove(FOLK))).toMatch(/^unsupported: .*cannot be deleted/);
    expect(readFileSync(path.join(shipped, 'folk', 'meta.json'), 'utf8')).toBe(before);
    expect(readdirSync(shipped).sort()).toEqual(['README.md', 'folk']);
  });

  it('refuse "Train more" before the engine is asked', async () => {
    let asked = false;
    const engine = {
      on: () => () => undefined,
      onStatus: () => () => undefined,
      request: async () => {
        asked = true;
        return {};
      },
    } as unknown as EngineClient;
    const training = new TrainingService(
      engine,
      noDatasets,
      store,
      path.join(root, 'cache'),
      () => undefined,
    );
    expect(
      await refusal(training.continueRun({ modelId: ModelIdSchema.parse('shipped-folk'), moreEpochs: 2 })),
    ).toMatch(/^unsupported: .*cannot be trained more: duplicate it/);
    expect(asked).toBe(false);
  });

  it('duplicate into an ordinary model with the index, which can be renamed', async () => {
    const copy = await service.duplicate(FOLK);
    expect(copy.shipped).toBeUndefined();
    expect(copy.name).toBe('Folk tunes copy');
    const dir = store.folder(copy.id);
    expect(dir.startsWith(path.join(root, 'models'))).toBe(true);
    expect(existsSync(path.join(dir, 'novelty-index.bin'))).toBe(true);
    expect((await service.rename(copy.id, 'My folk')).name).toBe('My folk');
    // "Train more" goes on from the shipped weights: the copy has a checkpoint of them.
    const checkpoint = await readCheckpoint(dir);
    const shippedWeights = (await readModelFolder(path.join(shipped, 'folk'))).weights;
    expect(checkpoint?.optimizer).toBeNull();
    expect(checkpoint?.weights['dense/bias'].data).toEqual(shippedWeights['dense/bias'].data);
    expect(checkpoint?.state).toMatchObject({ epoch: 0, stepInEpoch: 0, history: [] });
  });

  it('come from CONTINUO_SHIPPED_MODELS, resources/models of the app or of the source tree', () => {
    expect(shippedModelsDir({ env: {}, repoRoot: '/repo' })).toBe(path.join('/repo', 'resources', 'models'));
    expect(shippedModelsDir({ env: {}, resourcesPath: '/app/res', repoRoot: '/repo' })).toBe(
      path.join('/app/res', 'models'),
    );
    expect(shippedModelsDir({ env: { CONTINUO_SHIPPED_MODELS: 'none' }, repoRoot: '/repo' })).toBeUndefined();
    expect(shippedModelsDir({ env: { CONTINUO_SHIPPED_MODELS: '/x' }, repoRoot: '/repo' })).toBe('/x');
  });
});

describe('.continuo-model files carry the novelty index and baseline', () => {
  it('exports them, and the imported model has them byte for byte', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('shipped-folk') });
    const entries = unzipSync(readFileSync(exported.path));
    expect(Object.keys(entries).sort()).toEqual([
      'meta.json',
      'model.json',
      'novelty-index.bin',
      'quality-baseline.json',
      'weights.bin',
    ]);
    const imported = await service.import({ path: exported.path, name: 'Imported folk' });
    const dir = store.folder(imported.id);
    expect(readFileSync(path.join(dir, 'novelty-index.bin'))).toEqual(
      readFileSync(path.join(shipped, 'folk', 'novelty-index.bin')),
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'quality-baseline.json'), 'utf8'))).toEqual(baseline);
  });

  it('still imports a model file without them (older exports)', async () => {
    const plain = path.join(root, 'models', 'm1');
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    expect(Object.keys(unzipSync(readFileSync(exported.path))).sort()).toEqual([
      'meta.json',
      'model.json',
      'novelty-index.bin',
      'quality-baseline.json',
      'weights.bin',
    ]);
    rmSync(path.join(plain, 'novelty-index.bin'));
    rmSync(path.join(plain, 'quality-baseline.json'));
    const older = await service.export({ id: ModelIdSchema.parse('m1') });
    expect(Object.keys(unzipSync(readFileSync(older.path))).sort()).toEqual([
      'meta.json',
      'model.json',
      'weights.bin',
    ]);
    const imported = await service.import({ path: older.path, name: 'Older' });
    expect(existsSync(path.join(store.folder(imported.id), 'novelty-index.bin'))).toBe(false);
  });

  it('refuses a damaged index or baseline, installing nothing', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('shipped-folk') });
    const entries = unzipSync(readFileSync(exported.path));
    const damagedIndex = path.join(root, 'damaged-index.continuo-model');
    writeFileSync(
      damagedIndex,
      zipSync({ ...entries, 'novelty-index.bin': entries['novelty-index.bin'].subarray(0, 40) }),
    );
    expect(await refusal(service.import({ path: damagedIndex }))).toMatch(
      /^invalid_file: damaged-index.continuo-model: novelty-index.bin: file size does not match/,
    );
    const damagedBaseline = path.join(root, 'damaged-baseline.continuo-model');
    const wrong = new TextEncoder().encode(JSON.stringify({ split: 'validation', summary: { pieces: 'x' } }));
    writeFileSync(damagedBaseline, zipSync({ ...entries, 'quality-baseline.json': wrong }));
    expect(await refusal(service.import({ path: damagedBaseline }))).toMatch(
      /^invalid_file: .*quality-baseline.json is not a quality baseline/,
    );
    expect(readdirSync(path.join(root, 'models'))).toEqual(['m1']);
    expect(strFromU8(entries['meta.json'])).toContain('Folk tunes');
  });
});

// Kept so a copied folder with a look-alike id in models/ cannot shadow a shipped one.
describe('a data-folder model named like a shipped one', () => {
  it('is not listed (its id would point into the shipped folder)', async () => {
    cpSync(path.join(root, 'models', 'm1'), path.join(root, 'models', 'shipped-folk'), { recursive: true });
    const ids = (await service.list()).map((m) => m.id);
    expect(ids).toEqual(['m1', 'shipped-folk']);
    expect((await service.get(FOLK)).name).toBe('Folk tunes');
  });
});
