import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFolderAtomic } from '../storage/atomic.ts';
import type { EpochMetrics } from '../model/meta.ts';
import type { OptimizerState, TokenModelConfig, WeightData } from '../model/token_model.ts';
import { weightNamesFor, weightShapesFor } from '../model/token_model.ts';
import type { RngState } from '../random/rng.ts';

/**
 * Training checkpoints: `<modelDir>/checkpoint/` holds `weights.bin` (float32 weights in
 * `weightNamesFor` order), `optimizer.bin` (Adam's first then second moments, slot by slot)
 * and `state.json` (step, epoch, random streams, loss history...). It is written to a
 * temporary sibling folder and swapped in by rename, so a kill at any moment leaves either
 * the previous or the new checkpoint whole; if a kill falls between the two renames, the
 * previous one is found under its `checkpoint.old-*` name.
 */

/** Folder name of the checkpoint inside a model folder. */
export const CHECKPOINT_DIR = 'checkpoint';
const FORMAT = 'continuo-training-checkpoint';
const FORMAT_VERSION = 1;

/** Everything but the big arrays; stored as state.json. */
export interface CheckpointState {
  /** Optimisation steps done. */
  step: number;
  /** Epochs completed. */
  epoch: number;
  /** Steps done in the current (unfinished) epoch. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** Sum and count of training losses in the current epoch (its mean goes into the history). */
  epochLossSum: number;
  epochLossCount: number;
  /** Wall-clock seconds spent in the current epoch so far (for its tokens/s figure). */
  epochSeconds: number;
  history: EpochMetrics[];
  bestValLoss: number | null;
  /** Epochs since the validation loss last improved (early stopping). */
  epochsSinceBest: number;
  /** The window sampler's random stream. */
  samplerRng: RngState;
  /** The model's dropout random stream. */
  dropoutRng: RngState;
  savedAt: string;
}

/** A checkpoint as plain data. */
export interface Checkpoint {
  config: TokenModelConfig;
  weights: Record<string, WeightData>;
  optimizer: OptimizerState | null;
  state: CheckpointState;
}

interface StateJson extends CheckpointState {
  format: typeof FORMAT;
  formatVersion: number;
  config: TokenModelConfig;
  optimizer: { iterations: number; accBeta1: number; accBeta2: number; slots: string[] } | null;
}

/** Writes the checkpoint of a model folder atomically (see the module comment). */
export async function writeCheckpoint(modelDir: string, checkpoint: Checkpoint): Promise<void> {
  const { config, weights, optimizer, state } = checkpoint;
  const names = weightNamesFor(config);
  const weightFloats = names.reduce((n, name) => n + weights[name].data.length, 0);
  const weightBin = new Float32Array(weightFloats);
  let at = 0;
  for (const name of names) {
    weightBin.set(weights[name].data, at);
    at += weights[name].data.length;
  }
  const slots = optimizer?.slots ?? [];
  const optimizerBin = new Float32Array(slots.reduce((n, s) => n + 2 * s.m.length, 0));
  at = 0;
  for (const s of slots) {
    optimizerBin.set(s.m, at);
    at += s.m.length;
  }
  for (const s of slots) {
    optimizerBin.set(s.v, at);
    at += s.v.length;
  }
  const json: StateJson = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    config,
    ...state,
    optimizer: optimizer
      ? {
          iterations: optimizer.iterations,
          accBeta1: optimizer.accBeta1,
          accBeta2: optimizer.accBeta2,
          slots: slots.map((s) => s.weight),
        }
      : null,
  };
  await writeFolderAtomic(path.join(modelDir, CHECKPOINT_DIR), async (tmp) => {
    await writeFile(path.join(tmp, 'weights.bin'), new Uint8Array(weightBin.buffer));
    await writeFile(path.join(tmp, 'optimizer.bin'), new Uint8Array(optimizerBin.buffer));
    // state.json last: its presence marks a complete checkpoint.
    await writeFile(path.join(tmp, 'state.json'), JSON.stringify(json));
  });
}

/** The folder holding the newest complete checkpoint, or null. */
async function findCheckpointDir(modelDir: string): Promise<string | null> {
  const main = path.join(modelDir, CHECKPOINT_DIR);
  if (await isFile(path.join(main, 'state.json'))) return main;
  // Killed between the two renames of a write: the previous checkpoint is still whole.
  const entries = await readdir(modelDir).catch(() => [] as string[]);
  for (const name of entries
    .filter((n) => n.startsWith(`${CHECKPOINT_DIR}.old-`))
    .sort()
    .reverse()) {
    const dir = path.join(modelDir, name);
    if (await isFile(path.join(dir, 'state.json'))) return dir;
  }
  return null;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Removes leftovers of interrupted checkpoint writes (never the checkpoint itself). */
export async function cleanCheckpointLeftovers(modelDir: string): Promise<void> {
  const entries = await readdir(modelDir).catch(() => [] as string[]);
  const hasMain = await isFile(path.join(modelDir, CHECKPOINT_DIR, 'state.json'));
  for (const name of entries) {
    const tmp = name.startsWith(`${CHECKPOINT_DIR}.tmp-`) || name.startsWith('.staging-');
    const old = name.startsWith(`${CHECKPOINT_DIR}.old-`);
    if (tmp || (old && hasMain)) await rm(path.join(modelDir, name), { recursive: true, force: true });
  }
}

function floats(buffer: Buffer, where: string): Float32Array {
  if (buffer.length % 4 !== 0)
    throw new Error(`${where}: size ${buffer.length} is not a whole number of floats`);
  const out = new Float32Array(buffer.length / 4);
  new Uint8Array(out.buffer).set(buffer);
  return out;
}

/**
 * Reads the checkpoint of a model folder; null when there is none. A damaged one is a clear
 * error naming the file.
 */
export async function readCheckpoint(modelDir: string): Promise<Checkpoint | null> {
  const dir = await findCheckpointDir(modelDir);
  if (!dir) return null;
  const where = path.join(dir, 'state.json');
  let json: StateJson;
  try {
    json = JSON.parse(await readFile(where, 'utf8')) as StateJson;
  } catch (error) {
    throw new Error(`${where}: cannot read checkpoint (${(error as Error).message})`);
  }
  if (json.format !== FORMAT || typeof json.formatVersion !== 'number' || json.formatVersion > FORMAT_VERSION)
    throw new Error(`${where}: not a Continuo training checkpoint this version can read`);
  const config = json.config;
  const shapes = weightShapesFor(config);
  const names = weightNamesFor(config);
  const weightBin = floats(
    await readFile(path.join(dir, 'weights.bin')).catch((e: Error) => {
      throw new Error(`${path.join(dir, 'weights.bin')}: cannot read checkpoint weights (${e.message})`);
    }),
    path.join(dir, 'weights.bin'),
  );
  const expected = names.reduce((n, name) => n + shapes[name].reduce((a, b) => a * b, 1), 0);
  if (weightBin.length !== expected)
    throw new Error(`${path.join(dir, 'weights.bin')}: ${weightBin.length} floats, expected ${expected}`);
  const weights: Record<string, WeightData> = {};
  let at = 0;
  for (const name of names) {
    const size = shapes[name].reduce((a, b) => a * b, 1);
    weights[name] = { shape: [...shapes[name]], data: weightBin.slice(at, at + size) };
    at += size;
  }
  let optimizer: OptimizerState | null = null;
  if (json.optimizer) {
    const optimizerFile = path.join(dir, 'optimizer.bin');
    const bin = floats(
      await readFile(optimizerFile).catch((e: Error) => {
        throw new Error(`${optimizerFile}: cannot read optimiser state (${e.message})`);
      }),
      optimizerFile,
    );
    const slotNames = json.optimizer.slots;
    const sizes = slotNames.map((name) => {
      if (!shapes[name]) throw new Error(`${where}: optimiser slot for unknown weight ${name}`);
      return shapes[name].reduce((a, b) => a * b, 1);
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (bin.length !== 2 * total)
      throw new Error(`${optimizerFile}: ${bin.length} floats, expected ${2 * total}`);
    let m = 0;
    let v = total;
    const slots = slotNames.map((weight, i) => {
      const slot = { weight, m: bin.slice(m, m + sizes[i]), v: bin.slice(v, v + sizes[i]) };
      m += sizes[i];
      v += sizes[i];
      return slot;
    });
    // Adam pairs its moments with the gradients by position, and those come in weight-name
    // order; checkpoints of older versions listed the slots in another order (dense first).
    const position = new Map(names.map((name, i) => [name, i]));
    slots.sort((a, b) => (position.get(a.weight) ?? 0) - (position.get(b.weight) ?? 0));
    optimizer = {
      iterations: json.optimizer.iterations,
      accBeta1: json.optimizer.accBeta1,
      accBeta2: json.optimizer.accBeta2,
      slots,
    };
  }
  const { format: _f, formatVersion: _v, config: _c, optimizer: _o, ...state } = json;
  return { config, weights, optimizer, state };
}
