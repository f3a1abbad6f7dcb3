import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { loadModel, readModelFolder, saveModel } from '../../src/main/engine/model/serialize.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { TokenModel } from '../../src/main/engine/model/token_model.ts';

describe('model folders (model.json + weights.bin + meta.json)', () => {
  let dir: string;
  let model: TokenModel;
  const inputs = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 3 + 1) % 17);
  const targets = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 5 + 2) % 17);

  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-model-'));
    model = TokenModel.create({ vocabSize: 17, layers: [12, 10], dropout: 0.1 }, 5);
    // A couple of training steps so the weights are not just the initial ones.
    model.trainStep(inputs, targets, 2);
    model.trainStep(inputs, targets, 2);
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips weights, config and meta with identical predictions', async () => {
    const folder = path.join(dir, 'm1');
    const meta = { vocabulary: { codec: 'test', tokens: ['a', 'b'] }, epochs: 2 };
    await saveModel(folder, model, meta);
    expect((await readdir(folder)).sort()).toEqual(['meta.json', 'model.json', 'weights.bin']);
    const loaded = await loadModel<typeof meta>(folder);
    expect(loaded.meta).toEqual(meta);
    expect(loaded.model.config).toEqual(model.config);
    expect(loaded.model.parameterCount()).toBe(model.parameterCount());
    const before = model.logits(inputs, 2);
    const after = loaded.model.logits(inputs, 2);
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    before.dispose();
    after.dispose();
    loaded.model.dispose();
  });

  it('loads as plain data for the stepper, without any tfjs model', async () => {
    const folder = path.join(dir, 'm2');
    await saveModel(folder, model, {});
    const { config, weights } = await readModelFolder(folder);
    const a = new LstmStepper(config, weights, 1);
    const b = new LstmStepper(model.config, model.weightData(), 1);
    for (const token of [3, 1, 4, 1, 5])
      expect(Array.from(a.step([token]))).toEqual(Array.from(b.step([token])));
  });

  it('replaces an existing folder atomically and leaves no temporary folders', async () => {
    const folder = path.join(dir, 'm3');
    await saveModel(folder, model, { version: 1 });
    await saveModel(folder, model, { version: 2 });
    expect((await readModelFolder<{ version: number }>(folder)).meta.version).toBe(2);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp-') || name.includes('.old-'))).toEqual(
      [],
    );
  });

  it('reports damaged folders clearly', async () => {
    const folder = path.join(dir, 'm4');
    await saveModel(folder, model, {});
    await truncate(path.join(folder, 'weights.bin'), 100);
    await expect(readModelFolder(folder)).rejects.toThrow(/outside weights\.bin/);
    await writeFile(path.join(folder, 'model.json'), '{"format": "something-else"}');
    await expect(readModelFolder(folder)).rejects.toThrow(/not a Continuo model/);
    await writeFile(path.join(folder, 'model.json'), '{ not json');
    await expect(readModelFolder(folder)).rejects.toThrow(/model\.json: cannot read model/);
    await expect(readModelFolder(path.join(dir, 'missing'))).rejects.toThrow(/cannot read model/);
    const json = JSON.parse(await readFile(path.join(dir, 'm3', 'model.json'), 'utf8')) as {
      userDefinedMetadata: { continuo: { formatVersion: number } };
    };
    json.userDefinedMetadata.continuo.formatVersion = 99;
    await writeFile(path.join(folder, 'model.json'), JSON.stringify(json));
    await expect(readModelFolder(folder)).rejects.toThrow(/newer than this Continuo supports/);
  });
});
