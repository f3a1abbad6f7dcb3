import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFolderAtomic, writeJsonAtomic } from '../storage/atomic.ts';
import { bytesPerValue, decodeFloat16, encodeFloat16, type WeightQuantization } from './float16.ts';
import { layersModelJson, parseModelJson, weightByteLength } from './layers_format.ts';
import type { TokenModelConfig, WeightData } from './token_model.ts';
import { TokenModel, weightNamesFor, weightShapesFor } from './token_model.ts';

/**
 * Model folders: `model.json` (a standard TensorFlow.js Layers model: topology and weight
 * manifest, see layers_format.ts), `weights.bin` (little-endian float32, weights back to back
 * in manifest order) and `meta.json` (the caller's: vocabulary, codec, training history...).
 * They load without any TensorFlow.js backend (the generation stepper needs none), and with
 * `tf.loadLayersModel` elsewhere.
 */

export { MODEL_FORMAT_VERSION, parseModelJson, type WeightSpec } from './layers_format.ts';

/** What `readModelFolder` returns: everything as plain data. */
export interface ModelFolder<Meta = unknown> {
  config: TokenModelConfig;
  weights: Record<string, WeightData>;
  meta: Meta;
}

/** Options of `saveModelFolder`. */
export interface SaveModelOptions {
  /** Store the weights as float16 (half the size; decoded to float32 on load). */
  quantization?: WeightQuantization;
  /** More files of the folder (e.g. the novelty index), written in the same atomic step. */
  extraFiles?: Readonly<Record<string, Uint8Array | string>>;
}

/**
 * Writes a model folder atomically: everything goes to a sibling temporary folder first,
 * which then replaces `dir` by rename, so a crash never leaves a half-written model.
 */
export async function saveModelFolder(
  dir: string,
  config: TokenModelConfig,
  weights: Record<string, WeightData>,
  meta: unknown,
  options: SaveModelOptions = {},
): Promise<void> {
  const shapes = weightShapesFor(config);
  const width = bytesPerValue(options.quantization);
  let bytes = 0;
  const offsets: Record<string, number> = {};
  for (const name of weightNamesFor(config)) {
    const w = weights[name];
    if (!w || w.shape.join('x') !== shapes[name].join('x'))
      throw new Error(`Cannot save: weight ${name} is missing or misshapen`);
    offsets[name] = bytes;
    bytes += w.data.length * width;
  }
  const bin = new Uint8Array(bytes);
  for (const [name, offset] of Object.entries(offsets)) {
    const data = weights[name].data;
    bin.set(
      options.quantization
        ? encodeFloat16(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      offset,
    );
  }
  const modelJson = layersModelJson(config, 'Continuo', options.quantization);
  await writeFolderAtomic(dir, async (tmp) => {
    for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
      if (path.basename(name) !== name || ['model.json', 'weights.bin', 'meta.json'].includes(name))
        throw new Error(`Cannot save: ${name} is not a file name of its own`);
      await writeFile(path.join(tmp, name), content);
    }
    await writeFile(path.join(tmp, 'weights.bin'), bin);
    await writeFile(path.join(tmp, 'meta.json'), JSON.stringify(meta ?? {}, null, 2));
    // model.json last: its presence marks a complete folder.
    await writeFile(path.join(tmp, 'model.json'), JSON.stringify(modelJson, null, 2));
  });
}

/** Saves a live model (see `saveModelFolder`). */
export async function saveModel(dir: string, model: TokenModel, meta: unknown): Promise<void> {
  await saveModelFolder(dir, model.config, model.weightData(), meta);
}

/** Reads a model folder as plain data; clear errors for missing or damaged files. */
export async function readModelFolder<Meta = unknown>(dir: string): Promise<ModelFolder<Meta>> {
  const where = path.join(dir, 'model.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(where, 'utf8'));
  } catch (error) {
    throw new Error(`${where}: cannot read model (${(error as Error).message})`);
  }
  const { config, specs, legacy, weightsFile } = parseModelJson(parsed, where);
  if (path.basename(weightsFile) !== weightsFile)
    throw new Error(`${where}: the weights file must sit beside model.json (${weightsFile})`);
  const shapes = weightShapesFor(config);
  const bin = await readFile(path.join(dir, weightsFile)).catch((error: Error) => {
    throw new Error(`${path.join(dir, weightsFile)}: cannot read weights (${error.message})`);
  });
  const weights: Record<string, WeightData> = {};
  for (const name of weightNamesFor(config)) {
    const spec = specs.find((s) => s.name === name);
    const shape = shapes[name];
    if (!spec || !Array.isArray(spec.shape) || spec.shape.join('x') !== shape.join('x')) {
      throw new Error(`${where}: weight ${name} is missing or does not have shape [${shape.join(', ')}]`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const length = weightByteLength(spec);
    if (
      !Number.isInteger(spec.offset) ||
      spec.offset < 0 ||
      spec.offset % bytesPerValue(spec.quantization) !== 0 ||
      spec.offset + length > bin.length
    ) {
      throw new Error(`${where}: weight ${name} lies outside ${weightsFile} (${bin.length} bytes)`);
    }
    const stored = bin.subarray(spec.offset, spec.offset + length);
    let data: Float32Array;
    if (spec.quantization) data = decodeFloat16(stored);
    else {
      // Copy out of the file buffer (its offset need not be 4-byte aligned).
      data = new Float32Array(count);
      new Uint8Array(data.buffer).set(stored);
    }
    weights[name] = { shape: [...shape], data };
  }
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  } catch (error) {
    throw new Error(`${path.join(dir, 'meta.json')}: cannot read metadata (${(error as Error).message})`);
  }
  // An old folder is rewritten in the Layers format (same weights.bin); read-only places stay as they are.
  if (legacy) await writeJsonAtomic(where, layersModelJson(config, 'Continuo')).catch(() => undefined);
  return { config, weights, meta };
}

/** Loads a model folder into a trainable `TokenModel` (needs an initialised tfjs backend). */
export async function loadModel<Meta = unknown>(dir: string): Promise<{ model: TokenModel; meta: Meta }> {
  const folder = await readModelFolder<Meta>(dir);
  const values: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(folder.weights)) values[name] = w.data;
  return { model: TokenModel.fromWeights(folder.config, values), meta: folder.meta };
}
