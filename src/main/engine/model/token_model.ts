import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../random/rng.ts';
import {
  lstmLayerBackward,
  lstmLayerForward,
  lstmTokenLayerForward,
  prepareBackward,
  splitRows,
  type LstmForwardCache,
  type LstmLayerWeights,
} from './fast_lstm.ts';
import { FlatAdam } from './adam.ts';
import { KernelMemoryError, KernelWorkspace } from './kernel_workspace.ts';
import { kernelStep, type KernelMode, type KernelStepResult } from './kernel_step.ts';
import type { ModelArchitecture } from './presets.ts';

/**
 * The token model: one-hot tokens -> N stacked LSTM layers (dropout after each while
 * training) -> dense softmax over the vocabulary. One-hot input into the first LSTM kernel is
 * exactly an embedding folded into that kernel (rows = token vectors); it needs no `gather`,
 * so it trains on every backend (tfjs `Embedding` cannot train on wasm).
 *
 * Training runs the hand-written forward/backward of kernel_step.ts (our own wasm GEMM
 * and JS loops on plain memory, no tfjs kernels) for the whole network, or of fast_lstm.ts
 * over tfjs ops on tfjs-node or without WebAssembly SIMD; then it clips the gradients by
 * global norm and applies Adam.
 */

/**
 * Whether the forward/backward passes run on our own kernels (kernel_step.ts): on every
 * backend but tfjs-node (whose native ops are threaded), unless CONTINUO_TRAIN_KERNELS=0
 * (the tfjs path, for comparisons), and when WebAssembly SIMD is there.
 */
function kernelsWanted(): boolean {
  return process.env.CONTINUO_TRAIN_KERNELS !== '0' && tf.getBackend() !== 'tensorflow';
}

/** Everything needed to rebuild a model's shape. */
export interface TokenModelConfig extends ModelArchitecture {
  vocabSize: number;
}

/** Optimiser settings. */
export interface TrainOptions {
  /** Adam learning rate; default 2e-3. */
  learningRate?: number;
  /** Clip gradients to this global L2 norm; default 5. 0 disables clipping. */
  clipNorm?: number;
}

/** A weight as plain data (serialisation, JS inference). */
export interface WeightData {
  shape: number[];
  data: Float32Array;
}

/** Result of `lossAndGradients`; the caller disposes `grads`. */
export interface LossAndGradients {
  loss: number;
  /** By weight name (see `TokenModel.weightNames`). */
  grads: Record<string, tf.Tensor>;
}

/**
 * The dropout masks of one training step: `seed` drawn once per step from the model's dropout
 * stream, `rowOffset` the first sequence's row in the whole batch (0 unless the batch is split).
 */
export interface DropoutDraw {
  seed: number;
  rowOffset: number;
}

/** Adam's state as plain data, for training checkpoints (see `TokenModel.exportOptimizerState`). */
export interface OptimizerState {
  /** Updates applied so far. */
  iterations: number;
  /** beta1^(iterations+1) and beta2^(iterations+1) as Adam accumulated them (float32, kept exactly). */
  accBeta1: number;
  accBeta2: number;
  /** First and second moments per weight, in the order Adam created them. */
  slots: Array<{ weight: string; m: Float32Array; v: Float32Array }>;
}

let modelCounter = 0;

/** Names of the weights of a model with this config, in a fixed order. */
export function weightNamesFor(config: TokenModelConfig): string[] {
  const names: string[] = [];
  config.layers.forEach((_, l) =>
    names.push(`lstm_${l}/kernel`, `lstm_${l}/recurrent_kernel`, `lstm_${l}/bias`),
  );
  names.push('dense/kernel', 'dense/bias');
  return names;
}

/** Shape of every weight of a model with this config. */
export function weightShapesFor(config: TokenModelConfig): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  let inputSize = config.vocabSize;
  config.layers.forEach((units, l) => {
    shapes[`lstm_${l}/kernel`] = [inputSize, 4 * units];
    shapes[`lstm_${l}/recurrent_kernel`] = [units, 4 * units];
    shapes[`lstm_${l}/bias`] = [4 * units];
    inputSize = units;
  });
  shapes['dense/kernel'] = [inputSize, config.vocabSize];
  shapes['dense/bias'] = [config.vocabSize];
  return shapes;
}

function validateConfig(config: TokenModelConfig): void {
  if (!Number.isInteger(config.vocabSize) || config.vocabSize < 2) {
    throw new Error(`Vocabulary size must be an integer >= 2, got ${config.vocabSize}`);
  }
  if (config.layers.length === 0 || config.layers.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new Error(`LSTM layer sizes must be positive integers, got [${config.layers.join(', ')}]`);
  }
  if (!(config.dropout >= 0 && config.dropout < 1))
    throw new Error(`Dropout must be in [0, 1), got ${config.dropout}`);
}

/**
 * Spread of the first layer's kernel rows. Fed one-hot tokens, that kernel is an embedding
 * folded into the gates: a row is the whole input part of a gate's pre-activation. Glorot's
 * limit (about 0.07 for 2x256) made that part tiny beside the recurrent one, and the model
 * sat at the unigram loss for 200+ steps on the jigs before it learned to read its input
 * (measured; see the training note). Rows of standard deviation 0.5, as an embedding of unit
 * vectors through a Glorot kernel would give, start learning by step ~100.
 */
export const TOKEN_ROW_STD = 0.5;

/** Initial values: Glorot-uniform matrices (token rows: TOKEN_ROW_STD), zero biases except the LSTM forget gate (1). */
function initialWeight(name: string, shape: number[], rng: Rng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if (name === 'lstm_0/kernel') {
    const limit = Math.sqrt(3) * TOKEN_ROW_STD;
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
  } else if (shape.length === 2) {
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    for (let i = 0; i < size; i++) data[i] = (rng.next() * 2 - 1) * limit;
  } else if (/^lstm_\d+\/bias$/.test(name)) {
    const units = size / 4;
    data.fill(1, units, 2 * units);
  }
  return data;
}

/** Checks token ids and returns the batch geometry. */
function geometry(
  ids: Int32Array,
  batchSize: number,
  vocabSize: number,
  what: string,
): { batch: number; steps: number } {
  if (!Number.isInteger(batchSize) || batchSize < 1 || ids.length === 0 || ids.length % batchSize !== 0) {
    throw new Error(`${what}: ${ids.length} token ids do not form a batch of ${batchSize} sequences`);
  }
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < vocabSize))
      throw new Error(`${what}: token id ${ids[i]} is outside the vocabulary (${vocabSize})`);
  }
  return { batch: batchSize, steps: ids.length / batchSize };
}

/** One-hot rows in time-major order (row t*B + b = sequence b at step t), [T*B, V]. */
function oneHotTimeMajor(ids: Int32Array, batch: number, steps: number, vocab: number): Float32Array {
  const out = new Float32Array(steps * batch * vocab);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) out[(t * batch + b) * vocab + ids[b * steps + t]] = 1;
  }
  return out;
}

/** Token ids reordered time-major: out[t*B + b] = ids[b*T + t]. */
function timeMajor(ids: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = ids[b * steps + t];
  return out;
}

/** A stacked-LSTM next-token model with a fast training step and Adam. */
export class TokenModel {
  readonly config: TokenModelConfig;
  private readonly vars = new Map<string, tf.Variable>();
  private optimizer: FlatAdam | undefined;
  /**
   * The weights as plain arrays: what training reads and Adam updates. The tfjs variables
   * follow them lazily (`syncVariables`), only when something reads the variables.
   */
  private readonly values = new Map<string, Float32Array>();
  private variablesStale = false;
  private readonly rng: Rng;
  private disposed = false;
  /** Our kernels' memory (undefined: not made yet; null: not available). */
  private workspace: KernelWorkspace | null | undefined;
  /** Global gradient norm of the last training step, before clipping. */
  lastGradNorm = 0;

  private constructor(config: TokenModelConfig, values: Record<string, Float32Array>, seed: number | string) {
    validateConfig(config);
    this.config = { vocabSize: config.vocabSize, layers: [...config.layers], dropout: config.dropout };
    this.rng = new Rng(seed);
    const prefix = `continuo_model_${++modelCounter}`;
    const shapes = weightShapesFor(this.config);
    for (const name of weightNamesFor(this.config)) {
      const shape = shapes[name];
      const data = values[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!data || data.length !== size) {
        throw new Error(
          `Weight ${name}: expected ${size} values (shape [${shape.join(', ')}]), got ${data?.length ?? 'none'}`,
        );
      }
      const copy = new Float32Array(data);
      this.values.set(name, copy);
      this.vars.set(
        name,
        tf.tidy(() => tf.variable(tf.tensor(copy.slice(), shape), true, `${prefix}/${name}`)),
      );
    }
  }

  /** A new model with random initial weights (deterministic for a given seed). */
  static create(config: TokenModelConfig, seed: number | string = 0): TokenModel {
    validateConfig(config);
    const rng = new Rng(`init:${String(seed)}`);
    const shapes = weightShapesFor(config);
    const values: Record<string, Float32Array> = {};
    for (const name of weightNamesFor(config)) values[name] = initialWeight(name, shapes[name], rng);
    return new TokenModel(config, values, seed);
  }

  /** A model with the given weights (by name; see `weightNamesFor`). */
  static fromWeights(
    config: TokenModelConfig,
    values: Record<string, Float32Array>,
    seed: number | string = 0,
  ): TokenModel {
    return new TokenModel(config, values, seed);
  }

  /** Weight names in their fixed order. */
  weightNames(): string[] {
    return weightNamesFor(this.config);
  }

  /** Number of trainable parameters. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies of all weights as plain arrays. */
  weightData(): Record<string, WeightData> {
    this.assertAlive();
    const out: Record<string, WeightData> = {};
    const shapes = weightShapesFor(this.config);
    for (const [name, data] of this.values) out[name] = { shape: [...shapes[name]], data: data.slice() };
    return out;
  }

  /** Copies the current weights into `target` (by name, each of the weight's size), e.g. shared memory. */
  copyWeightsInto(target: Record<string, Float32Array>): void {
    this.assertAlive();
    for (const [name, data] of this.values) target[name].set(data);
  }

  /** The live weight variables by name (read-only use: tests, reference models). */
  variables(): ReadonlyMap<string, tf.Variable> {
    this.syncVariables();
    return this.vars;
  }

  /** Brings the tfjs variables up to the weight arrays after updates. */
  private syncVariables(): void {
    if (!this.variablesStale) return;
    this.variablesStale = false;
    const shapes = weightShapesFor(this.config);
    for (const [name, v] of this.vars) {
      // A copy: the cpu backend would keep the array itself, which the next update changes.
      const data = (this.values.get(name) as Float32Array).slice();
      tf.tidy(() => v.assign(tf.tensor(data, shapes[name])));
    }
  }

  /** A weight variable, typed by rank (the names and shapes are fixed by the config). */
  private weight<T extends tf.Tensor>(name: string): T {
    this.syncVariables();
    const v = this.vars.get(name);
    if (!v) throw new Error(`TokenModel has no weight ${name}`);
    return v as unknown as T;
  }

  private layerWeights(l: number): LstmLayerWeights {
    return {
      kernel: this.weight<tf.Tensor2D>(`lstm_${l}/kernel`),
      recurrentKernel: this.weight<tf.Tensor2D>(`lstm_${l}/recurrent_kernel`),
      bias: this.weight<tf.Tensor1D>(`lstm_${l}/bias`),
    };
  }

  /** Logits [T*B, V] of top-layer states [T*B, H]. */
  private dense(top: tf.Tensor2D): tf.Tensor2D {
    return tf.add<tf.Tensor2D>(
      tf.matMul(top, this.weight<tf.Tensor2D>('dense/kernel')),
      this.weight('dense/bias'),
    );
  }

  /**
   * Per-step dropout masks (0 or 1/keep), [B, H] each. Each sequence's mask comes from its own
   * stream, seeded by the step's seed, the layer and the sequence's row in the whole batch, so
   * a batch split across workers (`DropoutDraw.rowOffset`) gets the very masks it would get whole.
   */
  private dropoutMasks(
    steps: number,
    batch: number,
    units: number,
    layer: number,
    draw: DropoutDraw,
  ): tf.Tensor2D[] {
    const data = this.dropoutMaskData(steps, batch, units, layer, draw);
    const size = batch * units;
    return Array.from({ length: steps }, (_, t) =>
      tf.tensor2d(data.subarray(t * size, (t + 1) * size), [batch, units]),
    );
  }

  /** The masks of `dropoutMasks` as one time-major array [T*B, H]. */
  private dropoutMaskData(
    steps: number,
    batch: number,
    units: number,
    layer: number,
    draw: DropoutDraw,
  ): Float32Array {
    const keep = 1 - this.config.dropout;
    const data = new Float32Array(steps * batch * units);
    for (let b = 0; b < batch; b++) {
      const rng = new Rng(`dropout:${draw.seed}:${layer}:${draw.rowOffset + b}`);
      for (let t = 0; t < steps; t++) {
        for (let u = (t * batch + b) * units, end = u + units; u < end; u++)
          data[u] = rng.next() < keep ? 1 / keep : 0;
      }
    }
    return data;
  }

  /** Our kernels' workspace when the kernels are to be used (see `kernelsWanted`). */
  private kernels(): KernelWorkspace | null {
    if (!kernelsWanted()) return null;
    if (this.workspace === undefined) this.workspace = KernelWorkspace.create() ?? null;
    return this.workspace;
  }

  /** One pass on our kernels (kernel_step.ts) with this model's current weights. */
  private runKernels(
    ws: KernelWorkspace,
    inputs: Int32Array,
    targets: Int32Array | null,
    batch: number,
    draw: DropoutDraw | null,
    mode: KernelMode,
  ): KernelStepResult | null {
    const steps = inputs.length / batch;
    const masks = this.config.layers.map((units, l) =>
      draw && this.config.dropout > 0 ? this.dropoutMaskData(steps, batch, units, l, draw) : undefined,
    );
    const weights: Record<string, Float32Array> = {};
    for (const [name, data] of this.values) weights[name] = data;
    try {
      return kernelStep(ws, this.config, weights, inputs, targets, batch, masks, mode);
    } catch (error) {
      // The kernels' memory could not grow (a huge model or batch): the tfjs path from now on.
      if (!(error instanceof KernelMemoryError)) throw error;
      this.workspace = null;
      return null;
    }
  }

  /** The dropout masks `training` asks for: a new draw (true), none (false) or the given one. */
  private resolveDraw(training: boolean | DropoutDraw): DropoutDraw | null {
    return training === true ? this.nextDropoutDraw() : training === false ? null : training;
  }

  /** The dropout draw of one training step: advances the model's dropout stream by one number. */
  nextDropoutDraw(): DropoutDraw {
    return { seed: this.rng.uint32(), rowOffset: 0 };
  }

  /** Top-layer hidden states [T*B, H] plus what the backward pass needs. */
  private forward(
    inputs: Int32Array,
    batch: number,
    steps: number,
    dropout: DropoutDraw | null,
    keepCache: boolean,
  ) {
    const caches: LstmForwardCache[] = [];
    const masks: (tf.Tensor2D[] | undefined)[] = [];
    const ids = timeMajor(inputs, batch, steps);
    let layerIn: tf.Tensor2D[] = [];
    this.config.layers.forEach((units, l) => {
      const out =
        l === 0
          ? lstmTokenLayerForward(ids, batch, this.layerWeights(0), undefined, undefined, keepCache)
          : lstmLayerForward(layerIn, this.layerWeights(l), undefined, undefined, keepCache);
      const mask =
        dropout && this.config.dropout > 0 ? this.dropoutMasks(steps, batch, units, l, dropout) : undefined;
      if (out.cache) caches.push(out.cache);
      masks.push(mask);
      layerIn = mask ? out.hs.map((h, t) => tf.mul(h, mask[t])) : out.hs;
    });
    return { top: tf.concat<tf.Tensor2D>(layerIn, 0), caches, masks, ids };
  }

  /**
   * Mean cross-entropy of predicting `targets` from `inputs` (both [B, T] batch-major token
   * ids) and its gradients w.r.t. every weight. `training` turns dropout on: with a draw
   * given (a part of a batch split across workers), its masks; else the next draw.
   */
  lossAndGradients(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
    training: boolean | DropoutDraw = true,
  ): LossAndGradients {
    this.assertAlive();
    const { batch, steps } = this.checkBatch(inputs, targets, batchSize);
    const n = batch * steps;
    const vocab = this.config.vocabSize;
    const ws = this.kernels();
    if (ws) {
      const draw = this.resolveDraw(training);
      const result = this.runKernels(ws, inputs, targets, batch, draw, 'gradients');
      if (result?.grads) {
        const shapes = weightShapesFor(this.config);
        const tensors: Record<string, tf.Tensor> = {};
        for (const name of this.weightNames()) tensors[name] = tf.tensor(result.grads[name], shapes[name]);
        return { loss: result.loss, grads: tensors };
      }
      training = draw ?? false; // the tfjs path below, with the same masks
    }
    const result = tf.tidy(() => {
      const draw = training === true ? this.nextDropoutDraw() : training === false ? null : training;
      const { top, caches, masks, ids } = this.forward(inputs, batch, steps, draw, true);
      const denseKernel = this.weight<tf.Tensor2D>('dense/kernel');
      const logits = this.dense(top);
      const logp = tf.logSoftmax(logits);
      const y = tf.tensor2d(oneHotTimeMajor(targets, batch, steps, vocab), [n, vocab]);
      const loss = tf.div(tf.neg(tf.sum(tf.mul(y, logp))), n);
      // Backward, by hand: softmax cross-entropy, dense layer, then BPTT layer by layer.
      const dLogits = tf.div(tf.sub(tf.exp(logp), y), n) as tf.Tensor2D;
      const grads: Record<string, tf.Tensor> = {
        'dense/kernel': tf.matMul(tf.transpose(top), dLogits),
        'dense/bias': tf.reshape(tf.matMul(tf.ones([1, n]), dLogits), [vocab]),
      };
      let dys = splitRows(tf.matMul(dLogits, tf.transpose(denseKernel)), steps);
      for (let l = this.config.layers.length - 1; l >= 0; l--) {
        const mask = masks[l];
        if (mask) dys = dys.map((d, t) => tf.mul(d, mask[t]));
        const state = prepareBackward(caches[l]);
        const g = lstmLayerBackward(
          state,
          this.layerWeights(l),
          dys,
          l > 0,
          undefined,
          undefined,
          l === 0 ? ids : undefined,
        );
        grads[`lstm_${l}/kernel`] = g.dKernel;
        grads[`lstm_${l}/recurrent_kernel`] = g.dRecurrentKernel;
        grads[`lstm_${l}/bias`] = g.dBias;
        dys = g.dxs ?? [];
      }
      return { loss, grads };
    });
    const loss = result.loss.dataSync()[0];
    result.loss.dispose();
    return { loss, grads: result.grads };
  }

  /**
   * `lossAndGradients` with the gradients as plain arrays by weight name (what our kernels
   * make anyway: data-parallel training ships them through shared memory without tensors).
   */
  lossAndGradientData(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
    training: boolean | DropoutDraw = true,
  ): { loss: number; grads: Record<string, Float32Array> } {
    this.assertAlive();
    const ws = this.kernels();
    if (ws) {
      const { batch } = this.checkBatch(inputs, targets, batchSize);
      const draw = this.resolveDraw(training);
      const result = this.runKernels(ws, inputs, targets, batch, draw, 'gradients');
      if (result?.grads) return { loss: result.loss, grads: result.grads };
      training = draw ?? false;
    }
    const { loss, grads } = this.lossAndGradients(inputs, targets, batchSize, training);
    try {
      const data: Record<string, Float32Array> = {};
      for (const [name, g] of Object.entries(grads))
        data[name] = new Float32Array(g.dataSync() as Float32Array);
      return { loss, grads: data };
    } finally {
      tf.dispose(Object.values(grads));
    }
  }

  /** Checks a batch of inputs and targets; returns its geometry. */
  private checkBatch(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
  ): { batch: number; steps: number } {
    const geo = geometry(inputs, batchSize, this.config.vocabSize, 'inputs');
    geometry(targets, batchSize, this.config.vocabSize, 'targets');
    if (targets.length !== inputs.length)
      throw new Error(`targets: ${targets.length} ids for ${inputs.length} inputs`);
    return geo;
  }

  /**
   * One optimisation step on a batch: forward, backward, clip by global norm, Adam.
   * `inputs` and `targets` are [B, T] batch-major token ids. Returns the mean loss.
   */
  trainStep(inputs: Int32Array, targets: Int32Array, batchSize: number, options: TrainOptions = {}): number {
    const { loss, grads } = this.lossAndGradients(inputs, targets, batchSize, true);
    this.applyGradients(grads, loss, options);
    return loss;
  }

  /**
   * Clips `grads` (by weight name) by global norm and applies one Adam step; disposes them.
   * `loss` only names the step in the error a non-finite gradient gives.
   */
  applyGradients(grads: Record<string, tf.Tensor>, loss: number, options: TrainOptions = {}): void {
    this.assertAlive();
    let data: Record<string, Float32Array>;
    try {
      data = Object.fromEntries(
        Object.entries(grads).map(([name, g]) => [name, new Float32Array(g.dataSync() as Float32Array)]),
      );
    } finally {
      tf.dispose(Object.values(grads));
    }
    this.applyGradientData(data, loss, options);
  }

  /** `applyGradients` for plain-array gradients (by weight name, shapes as `weightShapesFor`). */
  applyGradientData(grads: Record<string, Float32Array>, loss: number, options: TrainOptions = {}): void {
    this.assertAlive();
    const learningRate = options.learningRate ?? 2e-3;
    const clipNorm = options.clipNorm ?? 5;
    const ordered: Record<string, Float32Array> = {};
    let squares = 0;
    for (const name of this.weightNames()) {
      const g = grads[name];
      if (!g) throw new Error(`applyGradients: no gradient for ${name}`);
      ordered[name] = g;
      for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
    }
    const norm = Math.fround(Math.sqrt(squares));
    this.lastGradNorm = norm;
    if (!Number.isFinite(norm)) throw new Error(`Training diverged: gradient norm is ${norm} (loss ${loss})`);
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1;
    this.optimizer ??= new FlatAdam();
    const weights = Object.fromEntries(this.values);
    this.optimizer.update(weights, ordered, learningRate, scale);
    this.variablesStale = true;
  }

  /** Replaces every weight's values (by name; shapes as `weightShapesFor`), e.g. a replica's after an update. */
  loadWeights(values: Record<string, Float32Array>): void {
    this.assertAlive();
    for (const [name, v] of this.vars) {
      const data = values[name];
      if (!data || data.length !== v.size) throw new Error(`loadWeights: weight ${name} has the wrong size`);
    }
    for (const [name, current] of this.values) current.set(values[name]);
    this.variablesStale = true;
  }

  /** Mean cross-entropy on a batch without dropout and without updating anything. */
  evaluate(inputs: Int32Array, targets: Int32Array, batchSize: number): number {
    this.assertAlive();
    const { batch, steps } = geometry(inputs, batchSize, this.config.vocabSize, 'inputs');
    geometry(targets, batchSize, this.config.vocabSize, 'targets');
    const vocab = this.config.vocabSize;
    const ws = this.kernels();
    const result = ws ? this.runKernels(ws, inputs, targets, batch, null, 'loss') : null;
    if (result) return result.loss;
    return tf.tidy(() => {
      const { top } = this.forward(inputs, batch, steps, null, false);
      const logits = this.dense(top);
      const y = tf.tensor2d(oneHotTimeMajor(targets, batch, steps, vocab), [batch * steps, vocab]);
      return tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)))), batch * steps).dataSync()[0];
    });
  }

  /** Logits [B, T, V] for [B, T] batch-major inputs (no dropout). The caller disposes. */
  logits(inputs: Int32Array, batchSize: number): tf.Tensor3D {
    this.assertAlive();
    const { batch, steps } = geometry(inputs, batchSize, this.config.vocabSize, 'inputs');
    const ws = this.kernels();
    const kernelLogits = ws ? this.runKernels(ws, inputs, null, batch, null, 'logits')?.logits : undefined;
    return tf.tidy(() => {
      const logits = kernelLogits
        ? tf.tensor2d(kernelLogits, [batch * steps, this.config.vocabSize])
        : this.dense(this.forward(inputs, batch, steps, null, false).top);
      return tf.transpose(
        tf.reshape(logits, [steps, batch, this.config.vocabSize]),
        [1, 0, 2],
      ) as tf.Tensor3D;
    });
  }

  /** Adam's moments and counters as plain data; null before the first training step. */
  exportOptimizerState(): OptimizerState | null {
    this.assertAlive();
    return this.optimizer ? this.optimizer.exportState() : null;
  }

  /** Restores Adam's state from `exportOptimizerState` output (a resumed run then continues exactly). */
  importOptimizerState(state: OptimizerState): void {
    this.assertAlive();
    const shapes = weightShapesFor(this.config);
    for (const slot of state.slots) {
      const size = shapes[slot.weight]?.reduce((a, b) => a * b, 1);
      if (size === undefined || slot.m.length !== size || slot.v.length !== size)
        throw new Error(`Optimizer state does not fit this model (weight ${slot.weight})`);
    }
    this.optimizer = FlatAdam.fromState(state);
  }

  /** State of the dropout random stream (for checkpoints). */
  getDropoutRngState(): RngState {
    return this.rng.getState();
  }

  /** Restores the dropout random stream from `getDropoutRngState` output. */
  setDropoutRngState(state: RngState): void {
    this.rng.setState(state);
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('TokenModel was disposed');
  }

  /** Frees the weights and optimiser state. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer = undefined;
    this.workspace = null;
    this.values.clear();
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
