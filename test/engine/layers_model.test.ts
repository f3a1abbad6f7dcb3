import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { parseModelJson } from '../../src/main/engine/model/layers_format.ts';
import { readModelFolder, saveModel } from '../../src/main/engine/model/serialize.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { TokenModel, weightNamesFor } from '../../src/main/engine/model/token_model.ts';

/** A file-reading IOHandler: what `file://` does with tfjs-node, here without it. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const bin = await readFile(path.join(dir, json.weightsManifest[0].paths[0]));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

const config = { vocabSize: 17, layers: [24, 20], dropout: 0.1 };
let dir: string;
let model: TokenModel;

beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(path.join(tmpdir(), 'continuo-layers-'));
  model = TokenModel.create(config, 'layers');
  // A few steps, so the weights are not the initial ones.
  const inputs = Int32Array.from({ length: 4 * 12 }, (_, i) => (i * 5) % 17);
  const targets = Int32Array.from({ length: 4 * 12 }, (_, i) => (i * 5 + 1) % 17);
  for (let s = 0; s < 3; s++) model.trainStep(inputs, targets, 4, { learningRate: 0.05 });
});

afterAll(async () => {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('model folders as TensorFlow.js Layers models', () => {
  it('loads with tf.loadLayersModel and predicts what the fast path predicts, within 1e-4', async () => {
    const folder = path.join(dir, 'trained');
    await saveModel(folder, model, { name: 'x' });
    const layers = await tf.loadLayersModel(folderHandler(folder));
    const tokens = [3, 9, 1, 16, 0, 7, 7, 2];
    const x = tf.oneHot(tf.tensor2d([tokens], [1, tokens.length], 'int32'), config.vocabSize).toFloat();
    const probs = (layers.predict(x) as tf.Tensor3D).arraySync()[0];
    const stepper = new LstmStepper(model.config, model.weightData(), 1);
    let worst = 0;
    for (const [t, token] of tokens.entries()) {
      const logits = stepper.step([token]);
      const max = Math.max(...logits);
      const exp = Array.from(logits, (v) => Math.exp(v - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      for (let v = 0; v < config.vocabSize; v++)
        worst = Math.max(worst, Math.abs(exp[v] / sum - probs[t][v]));
    }
    expect(worst).toBeLessThan(1e-4);
    tf.dispose([x]);
    layers.dispose();
  });

  it('reads an old-format folder and rewrites it in the Layers format', async () => {
    const folder = path.join(dir, 'old');
    await saveModel(folder, model, { name: 'old' });
    // The first layout: config plus weights with byte offsets, same weights.bin.
    let offset = 0;
    const shapes = Object.fromEntries(Object.entries(model.weightData()).map(([n, w]) => [n, w.shape]));
    const weights = weightNamesFor(config).map((name) => {
      const spec = { name, shape: shapes[name], dtype: 'float32', offset };
      offset += shapes[name].reduce((a, b) => a * b, 1) * 4;
      return spec;
    });
    const legacy = {
      format: 'continuo-lstm-token-model',
      formatVersion: 1,
      config,
      weightsFile: 'weights.bin',
      weights,
    };
    await writeFile(path.join(folder, 'model.json'), JSON.stringify(legacy));
    const read = await readModelFolder(folder);
    expect(read.config).toEqual(config);
    expect(read.weights['lstm_1/bias'].data).toEqual(model.weightData()['lstm_1/bias'].data);
    const migrated = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as unknown;
    expect(parseModelJson(migrated).legacy).toBe(false);
    expect((migrated as { format: string }).format).toBe('layers-model');
    await tf.loadLayersModel(folderHandler(folder)).then((m) => m.dispose());
  });
});

describe('a model trained elsewhere comes back', () => {
  it('reads a Layers model saved by tfjs-layers itself (shard file, no Continuo metadata)', async () => {
    const folder = path.join(dir, 'keras-like');
    await saveModel(folder, model, { name: 'keras' });
    // The same network built with tfjs-layers, given the trained weights, saved as the converter would.
    const layers = await tf.loadLayersModel(folderHandler(folder));
    await layers.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const json = {
          format: 'layers-model',
          generatedBy: 'keras',
          convertedBy: 'TensorFlow.js Converter',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
        };
        await writeFile(path.join(folder, 'model.json'), JSON.stringify(json));
        await writeFile(
          path.join(folder, 'group1-shard1of1.bin'),
          new Uint8Array(artifacts.weightData as ArrayBuffer),
        );
        await rm(path.join(folder, 'weights.bin'));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    layers.dispose();
    const read = await readModelFolder(folder);
    expect(read.config).toEqual(config);
    for (const [name, w] of Object.entries(model.weightData()))
      expect(read.weights[name].data).toEqual(w.data);
  });
});
