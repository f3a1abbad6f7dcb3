/**
 * `continuo model pack`: a model folder made ready to ship. The weights are written as float16
 * in the Layers format's own quantization metadata (half the size; `tf.loadLayersModel` and
 * Continuo's fast path both decode them), beside meta.json and the novelty index and held-out
 * baseline the quality report needs (built from the training data when the folder lacks
 * them). Everything is written in one atomic step.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Vocabulary } from '../codecs/vocabulary.ts';
import { openDataset } from '../datasets/index.ts';
import type { WeightQuantization } from '../model/float16.ts';
import { parseModelMeta } from '../model/meta.ts';
import { readModelFolder, saveModelFolder } from '../model/serialize.ts';
import { LstmStepper } from '../model/stepper.ts';
import type { TokenModelConfig, WeightData } from '../model/token_model.ts';
import {
  datasetPieces,
  indexOfPieces,
  NOVELTY_INDEX_FILE,
  QUALITY_BASELINE_FILE,
} from '../quality/model_quality.ts';
import { qualityReport } from '../quality/report.ts';

/** Options of `packModel`. */
export interface PackOptions {
  modelDir: string;
  outDir: string;
  /** Weight storage (default float16). */
  quantization?: WeightQuantization | null;
  /** The training data, for the novelty index (default: the paths in meta.json). */
  dataPaths?: readonly string[];
  /** Display name of the packed model (default: the model's). */
  name?: string;
  cacheDir?: string;
  cache?: boolean;
  onProgress?: (message: string) => void;
}

/** One file of the packed folder. */
export interface PackedFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** What `packModel` wrote. */
export interface PackResult {
  outDir: string;
  files: PackedFile[];
  totalBytes: number;
  /** Largest difference of a next-token probability between the packed and the source weights. */
  maxProbabilityDelta: number;
  /** Tokens the comparison ran over. */
  comparedTokens: number;
  index: { pieces: number; ngrams: number } | null;
}

/** Tokens of the held-out data used to compare packed and source predictions. */
const COMPARE_TOKENS = 256;

/** Packs a model folder (see the module comment); throws an Error saying what is wrong. */
export async function packModel(options: PackOptions): Promise<PackResult> {
  const { modelDir, outDir } = options;
  if (path.resolve(modelDir) === path.resolve(outDir))
    throw new Error('Pack into another folder: the source folder is read while packing');
  const quantization =
    options.quantization === undefined ? { dtype: 'float16' as const } : options.quantization;
  const folder = await readModelFolder(modelDir);
  const rawMeta = folder.meta as Record<string, unknown>;
  const meta = parseModelMeta(rawMeta, path.join(modelDir, 'meta.json'));
  const paths = options.dataPaths?.length ? [...options.dataPaths] : (meta.dataset?.paths ?? []);
  if (paths.length === 0)
    throw new Error(`${modelDir}/meta.json names no training data: give it with --data`);

  options.onProgress?.(`reading the training data ${paths.join(', ')}`);
  const dataset = await openDataset(paths, {
    codec: { name: meta.codec.name, options: meta.codec.options },
    cache: options.cache,
    cacheDir: options.cacheDir,
  });
  if (dataset.items.length === 0) throw new Error(`No music found in ${paths.join(', ')}`);
  const train = datasetPieces(dataset, 'train');
  options.onProgress?.(`indexing ${train.length} training piece(s)`);
  const index = indexOfPieces(train.length > 0 ? train : datasetPieces(dataset, 'all'));
  const heldOut = datasetPieces(dataset, 'validation');
  const extraFiles: Record<string, Uint8Array | string> = { [NOVELTY_INDEX_FILE]: index.toBytes() };
  if (heldOut.length > 0) {
    options.onProgress?.(`measuring ${heldOut.length} held-out piece(s)`);
    const { summary } = qualityReport(heldOut, index);
    extraFiles[QUALITY_BASELINE_FILE] = JSON.stringify({ split: 'validation', summary }, null, 2);
  }

  const now = new Date().toISOString();
  const packedMeta = {
    ...rawMeta,
    name: options.name ?? meta.name,
    updatedAt: now,
    packed: { from: path.resolve(modelDir), quantization: quantization?.dtype ?? 'float32', at: now },
  };
  options.onProgress?.(`writing ${outDir}`);
  await saveModelFolder(outDir, folder.config, folder.weights, packedMeta, {
    ...(quantization ? { quantization } : {}),
    extraFiles,
  });

  // Read back through the normal loader: what a user gets is what is compared.
  const packed = await readModelFolder(outDir);
  const vocabulary = new Vocabulary(meta.codec.name, meta.codec.version, meta.vocabulary);
  const probe = probeTokens(dataset.items, vocabulary);
  const maxProbabilityDelta = probabilityDelta(folder.config, folder.weights, packed.weights, probe);
  const files = await fileList(outDir);
  return {
    outDir,
    files,
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    maxProbabilityDelta,
    comparedTokens: probe.length,
    index: { pieces: index.pieceNames.length, ngrams: index.size },
  };
}

/** Up to COMPARE_TOKENS known tokens of the held-out items (the train items when there are none). */
function probeTokens(items: readonly { split: string; tokens: string }[], vocabulary: Vocabulary): number[] {
  const held = items.filter((item) => item.split === 'validation');
  const ids: number[] = [];
  for (const item of held.length > 0 ? held : items) {
    for (const token of item.tokens ? item.tokens.split(' ') : []) {
      const id = vocabulary.idOf(token);
      if (id !== undefined) ids.push(id);
      if (ids.length >= COMPARE_TOKENS) return ids;
    }
  }
  return ids;
}

/** Largest |p_a - p_b| over the vocabulary and the tokens, stepping both networks along the same tokens. */
export function probabilityDelta(
  config: TokenModelConfig,
  a: Record<string, WeightData>,
  b: Record<string, WeightData>,
  tokens: readonly number[],
): number {
  const stepA = new LstmStepper(config, a, 1);
  const stepB = new LstmStepper(config, b, 1);
  let worst = 0;
  for (const token of tokens) {
    const pa = softmax(stepA.step([token]));
    const pb = softmax(stepB.step([token]));
    for (let v = 0; v < pa.length; v++) worst = Math.max(worst, Math.abs(pa[v] - pb[v]));
  }
  return worst;
}

function softmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Every file of a folder with its size and sha256, by name. */
export async function fileList(dir: string): Promise<PackedFile[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(path.join(dir, name));
      return { name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}
