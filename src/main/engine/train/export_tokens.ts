import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset } from '../datasets/index.ts';
import { splitTokenLists } from '../datasets/index.ts';
import { writeFolderAtomic } from '../storage/atomic.ts';
import { prepareTrainingData } from './data.ts';
import { npyInt32 } from './npy.ts';

/**
 * Token shards for training the same model elsewhere (Keras on a GPU cluster, see the README):
 * the id streams Continuo's trainer would see — the train items at every transposition of the
 * default range, and the validation items — as NumPy int32 shards, with the vocabulary (ids
 * match a Continuo model trained on the same files) and a manifest.
 */

/** Most tokens per shard file (4 MB of int32). */
export const SHARD_TOKENS = 1 << 20;

/** manifest.json of an export. */
export interface TokenExportManifest {
  format: 'continuo-token-shards';
  formatVersion: 1;
  codec: { name: string; version: number; cacheKey: string };
  vocabSize: number;
  /** Transpositions the train streams hold (0 first). */
  shifts: number[];
  train: Array<{ file: string; tokens: number; shift: number }>;
  validation: Array<{ file: string; tokens: number }>;
  /** Untransposed train tokens (what one epoch should see). */
  trainTokens: number;
  /** The trainer's defaults, for the same windows: tokens per window and windows per batch. */
  seqLen: number;
  batchSize: number;
}

function shards(ids: Uint16Array | Int32Array): Array<Uint16Array | Int32Array> {
  const out: Array<Uint16Array | Int32Array> = [];
  for (let at = 0; at < ids.length; at += SHARD_TOKENS) out.push(ids.subarray(at, at + SHARD_TOKENS));
  return out;
}

/** Writes the token shards of `dataset` into `dir` (replaced whole, atomically). */
export async function exportTokenShards(
  dataset: Dataset,
  dir: string,
  transpose = 3,
): Promise<TokenExportManifest> {
  const data = prepareTrainingData(
    dataset.codec,
    splitTokenLists(dataset, 'train'),
    splitTokenLists(dataset, 'validation'),
    transpose,
  );
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  const manifest: TokenExportManifest = {
    format: 'continuo-token-shards',
    formatVersion: 1,
    codec: { name: dataset.codec.name, version: dataset.codec.version, cacheKey: dataset.codec.cacheKey },
    vocabSize: data.vocabulary.size,
    shifts: data.streams.map((s) => s.shift),
    train: [],
    validation: [],
    trainTokens: data.trainTokens,
    seqLen: 64,
    batchSize: 32,
  };
  for (const stream of data.streams) {
    for (const [i, shard] of shards(stream.ids).entries()) {
      const name = `train_shift${stream.shift >= 0 ? '+' : ''}${stream.shift}_${String(i).padStart(5, '0')}.npy`;
      files.push({ name, bytes: npyInt32(shard) });
      manifest.train.push({ file: name, tokens: shard.length, shift: stream.shift });
    }
  }
  // Validation runs are cut at unknown tokens: each run is its own sequence (no window spans two).
  data.validation.forEach((run, r) => {
    const name = `validation_${String(r).padStart(5, '0')}.npy`;
    files.push({ name, bytes: npyInt32(run) });
    manifest.validation.push({ file: name, tokens: run.length });
  });
  await writeFolderAtomic(dir, async (tmp) => {
    for (const file of files) await writeFile(path.join(tmp, file.name), file.bytes);
    await writeFile(
      path.join(tmp, 'vocabulary.json'),
      JSON.stringify({ codec: manifest.codec, tokens: data.vocabulary.tokens }, null, 1),
    );
    await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  });
  return manifest;
}
