import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFolderAtomic } from '../storage/atomic.ts';
import type { TokenModelConfig, WeightData } from './token_model.ts';
import { TokenModel, weightNamesFor, weightShapesFor } from './token_model.ts';

/**
 * Model folders: `model.json` (format, architecture, weight manifest), `weights.bin`
 * (little-endian float32, weights back to back in manifest order) and `meta.json` (the
 * caller's: vocabulary, codec, training history...). The model is not a tfjs-layers model,
 * so the layout is our own; it loads without any TensorFlow.js backend (the generation
 * stepper needs none) and without tfjs-node.
 */

/** `format` value in model.json. */
export const MODEL_FORMAT = 'continuo-lstm-token-model';
/** Current `formatVersion`; loaders refuse newer ones. */
export const MODEL_FORMAT_VERSION = 1;

/** One weight in model.json's manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Byte offset in weights.bin. */
  offset: number;
}

/** The contents of model.json. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  config: TokenModelConfig;
  weightsFile: 'weights.bin';
  weights: WeightSpec[];
}

/** What `readModelFolder` returns: everything as plain data. */
export interface ModelFolder<Meta = unknown> {
  config: TokenModelConfig;
  weights: Record<string, WeightData>;
  meta: Meta;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseConfig(v: unknown, where: string): TokenModelConfig {
  if (!isObject(v)) throw new Error(`${where}: "config" is missing`);
  const { vocabSize, layers, dropout } = v;
  if (
    typeof vocabSize !== 'number' ||
    !Array.isArray(layers) ||
    !layers.every((u) => typeof u === 'number')
  ) {
    throw new Error(`${where}: "config" needs vocabSize (number) and layers (number[])`);
  }
  return { vocabSize, layers: layers as number[], dropout: typeof dropout === 'number' ? dropout : 0 };
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
): Promise<void> {
  const shapes = weightShapesFor(config);
  const specs: WeightSpec[] = [];
  let bytes = 0;
  for (const name of weightNamesFor(config)) {
    const w = weights[name];
    if (!w || w.shape.join('x') !== shapes[name].join('x'))
      throw new Error(`Cannot save: weight ${name} is missing or misshapen`);
    specs.push({ name, shape: [...w.shape], dtype: 'float32', offset: bytes });
    bytes += w.data.length * 4;
  }
  const bin = new Uint8Array(bytes);
  const view = new Float32Array(bin.buffer);
  for (const spec of specs) view.set(weights[spec.name].data, spec.offset / 4);
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    config: { vocabSize: config.vocabSize, layers: [...config.layers], dropout: config.dropout },
    weightsFile: 'weights.bin',
    weights: specs,
  };
  await writeFolderAtomic(dir, async (tmp) => {
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
  if (!isObject(parsed) || parsed.format !== MODEL_FORMAT)
    throw new Error(
      `${where}: not a Continuo model (format "${String(isObject(parsed) ? parsed.format : '')}")`,
    );
  if (typeof parsed.formatVersion !== 'number' || parsed.formatVersion > MODEL_FORMAT_VERSION) {
    throw new Error(
      `${where}: format version ${String(parsed.formatVersion)} is newer than this Continuo supports (${MODEL_FORMAT_VERSION})`,
    );
  }
  const config = parseConfig(parsed.config, where);
  const shapes = weightShapesFor(config);
  const specs = Array.isArray(parsed.weights) ? (parsed.weights as WeightSpec[]) : [];
  const bin = await readFile(path.join(dir, 'weights.bin')).catch((error: Error) => {
    throw new Error(`${path.join(dir, 'weights.bin')}: cannot read weights (${error.message})`);
  });
  const weights: Record<string, WeightData> = {};
  for (const name of weightNamesFor(config)) {
    const spec = specs.find((s) => s.name === name);
    const shape = shapes[name];
    if (!spec || !Array.isArray(spec.shape) || spec.shape.join('x') !== shape.join('x')) {
      throw new Error(`${where}: weight ${name} is missing or does not have shape [${shape.join(', ')}]`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (
      !Number.isInteger(spec.offset) ||
      spec.offset < 0 ||
      spec.offset % 4 !== 0 ||
      spec.offset + count * 4 > bin.length
    ) {
      throw new Error(`${where}: weight ${name} lies outside weights.bin (${bin.length} bytes)`);
    }
    // Copy out of the file buffer (its offset need not be 4-byte aligned).
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bin.subarray(spec.offset, spec.offset + count * 4));
    weights[name] = { shape: [...shape], data };
  }
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as Meta;
  } catch (error) {
    throw new Error(`${path.join(dir, 'meta.json')}: cannot read metadata (${(error as Error).message})`);
  }
  return { config, weights, meta };
}

/** Loads a model folder into a trainable `TokenModel` (needs an initialised tfjs backend). */
export async function loadModel<Meta = unknown>(dir: string): Promise<{ model: TokenModel; meta: Meta }> {
  const folder = await readModelFolder<Meta>(dir);
  const values: Record<string, Float32Array> = {};
  for (const [name, w] of Object.entries(folder.weights)) values[name] = w.data;
  return { model: TokenModel.fromWeights(folder.config, values), meta: folder.meta };
}
