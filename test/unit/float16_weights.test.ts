/**
 * float16 model folders: the encoder rounds like IEEE half precision (checked against
 * TensorFlow.js's own decoder), a float16 folder is half the size, loads in the fast path and
 * with `tf.loadLayersModel`, and predicts within a small tolerance of the float32 model.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { decodeFloat16, encodeFloat16, float16Bits } from '../../src/main/engine/model/float16.ts';
import { parseModelJson } from '../../src/main/engine/model/layers_format.ts';
import { readModelFolder, saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { TokenModel } from '../../src/main/engine/model/token_model.ts';
import { probabilityDelta } from '../../src/main/engine/pack/pack_model.ts';

/** A file-reading IOHandler (what `file://` does with tfjs-node). */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const bin = await readFile(path.join(dir, json.weightsManifest[0].paths[0]));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      };
    },
  };
}

describe('float16 encoding', () => {
  it('gives the nearest half-precision value (ties to even), as TensorFlow.js decodes it', () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [-0, -0],
      [1, 1],
      [-2, -2],
      [65504, 65504],
      [65520, Infinity], // rounds past the largest half
      [1e9, Infinity],
      [-Infinity, -Infinity],
      [2 ** -24, 2 ** -24], // smallest subnormal
      [2 ** -26, 0], // below half of it
      [1 + 2 ** -11, 1], // a tie: to even
      [1 + 3 * 2 ** -11, 1 + 2 ** -9], // a tie: to even (up)
      [0.1, 0.0999755859375],
    ];
    for (const [value, expected] of cases) {
      expect(decodeFloat16(encodeFloat16(Float32Array.of(value)))[0]).toBe(expected);
    }
    expect(Number.isNaN(decodeFloat16(encodeFloat16(Float32Array.of(NaN)))[0])).toBe(true);
  });

  it('never errs by more than half a unit in the last place', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const values = Float32Array.from({ length: 20_000 }, (_, i) => random() * 10 ** ((i % 9) - 6));
    const decoded = decodeFloat16(encodeFloat16(values));
    for (let i = 0; i < values.length; i++) {
      const v = Math.abs(values[i]);
      const ulp = v < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(v)) - 10);
      expect(Math.abs(decoded[i] - values[i])).toBeLessThanOrEqual(ulp / 2);
    }
    expect(float16Bits(1)).toBe(0x3c00);
  });
});

describe('float16 model folders', () => {
  const config = { vocabSize: 19, layers: [32, 24], dropout: 0.1 };
  let dir: string;
  let model: TokenModel;

  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(tmpdir(), 'continuo-float16-'));
    model = TokenModel.create(config, 'float16');
    const inputs = Int32Array.from({ length: 4 * 12 }, (_, i) => (i * 5) % 19);
    const targets = Int32Array.from({ length: 4 * 12 }, (_, i) => (i * 5 + 1) % 19);
    for (let s = 0; s < 3; s++) model.trainStep(inputs, targets, 4, { learningRate: 0.05 });
  });

  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('is half the size, marked in the manifest, and predicts within 2e-3 of float32', async () => {
    const full = path.join(dir, 'float32');
    const half = path.join(dir, 'float16');
    await saveModelFolder(full, config, model.weightData(), { name: 'x' });
    await saveModelFolder(
      half,
      config,
      model.weightData(),
      { name: 'x' },
      { quantization: { dtype: 'float16' } },
    );
    expect((await stat(path.join(half, 'weights.bin'))).size * 2).toBe(
      (await stat(path.join(full, 'weights.bin'))).size,
    );
    const manifest = parseModelJson(JSON.parse(await readFile(path.join(half, 'model.json'), 'utf8')));
    expect(manifest.specs.every((spec) => spec.quantization?.dtype === 'float16')).toBe(true);
    const a = await readModelFolder(full);
    const b = await readModelFolder(half);
    const tokens = Array.from({ length: 64 }, (_, i) => (i * 7 + 3) % 19);
    const delta = probabilityDelta(config, a.weights, b.weights, tokens);
    expect(delta).toBeGreaterThan(0); // the weights really were rounded
    expect(delta).toBeLessThan(2e-3);
  });

  it('loads with tf.loadLayersModel, which predicts what the fast path predicts from it, within 1e-4', async () => {
    const half = path.join(dir, 'float16-layers');
    await saveModelFolder(
      half,
      config,
      model.weightData(),
      { name: 'x' },
      { quantization: { dtype: 'float16' } },
    );
    const layers = await tf.loadLayersModel(folderHandler(half));
    const tokens = [3, 9, 1, 16, 0, 7, 7, 2, 18];
    const x = tf.oneHot(tf.tensor2d([tokens], [1, tokens.length], 'int32'), config.vocabSize).toFloat();
    const probs = (layers.predict(x) as tf.Tensor3D).arraySync()[0];
    const stepper = new LstmStepper(config, (await readModelFolder(half)).weights, 1);
    let worst = 0;
    for (const [t, token] of tokens.entries()) {
      const logits = stepper.step([token]);
      const max = Math.max(...logits);
      const exp = Array.from(logits, (v) => Math.exp(v - max));
      const sum = exp.reduce((s, v) => s + v, 0);
      for (let v = 0; v < config.vocabSize; v++)
        worst = Math.max(worst, Math.abs(exp[v] / sum - probs[t][v]));
    }
    expect(worst).toBeLessThan(1e-4);
    tf.dispose(x);
    layers.dispose();
  });

  it('refuses a float16 weights file that is too short', async () => {
    const half = path.join(dir, 'short');
    await saveModelFolder(
      half,
      config,
      model.weightData(),
      { name: 'x' },
      { quantization: { dtype: 'float16' } },
    );
    const bin = await readFile(path.join(half, 'weights.bin'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(half, 'weights.bin'), bin.subarray(0, bin.length - 2));
    await expect(readModelFolder(half)).rejects.toThrow(/lies outside weights.bin/);
  });
});
