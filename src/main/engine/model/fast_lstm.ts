import * as tf from '@tensorflow/tfjs';

/**
 * A fast LSTM layer for training on backends where per-op overhead dominates (wasm, cpu).
 *
 * Same maths and weight layout as Keras / tfjs-layers `tf.layers.lstm` with
 * `activation: 'tanh'` and `recurrentActivation: 'sigmoid'`: kernel [D, 4H],
 * recurrentKernel [H, 4H], bias [4H], gate order i, f, c (called g here), o.
 *
 * Measured on wasm (TOOLCHAIN + our probes): a small elementwise op costs ~20-30 us, but
 * `slice` and `transpose` copy their whole input (slicing one step out of a [T*B, 4H]
 * tensor costs ~4 ms) and matMul with transposeA/transposeB is 10-40x slower than a plain
 * one. So sequences are kept as per-step lists of [B, ·] tensors (concat is cheap), each
 * gate has its own weight matrix (no slicing of gate outputs), bulk tensors are split into
 * steps through one `dataSync` instead of T slices, and every matMul is untransposed.
 *
 * Forward, per step: concat [x, h, 1], four gate matMuls (bias folded in as the last weight
 * row), 10 elementwise ops. Backward (hand-written BPTT): per step 8 small ops and one
 * matMul (two when input gradients are needed); the weight gradients of all steps are one
 * large matMul [D+H+1, T*B] x [T*B, 4H].
 *
 * A first layer fed with token ids (`lstmTokenLayerForward`) looks the input part of the
 * gates up in the kernel instead of multiplying one-hot vectors, and gets the kernel and
 * bias gradients by a scatter-add of dZ rows: about a third less arithmetic for that layer.
 *
 * Reference config (2 x 256, vocab 128, batch 32 x 64, Adam): ~3,400 kernels per training
 * step including Adam, 0.55-0.8 s on wasm (tfjs-layers: 4.2 s unloaded).
 *
 * TokenModel now trains on kernel_step.ts instead (our own wasm GEMM and cell kernels on
 * plain memory, ~2x less CPU per step); this file stays as the path on tfjs-node, without
 * WebAssembly SIMD or with CONTINUO_TRAIN_KERNELS=0, and for `fastLstm` (tfjs autodiff).
 */

/** Weights of one LSTM layer, in the Keras layout. */
export interface LstmLayerWeights {
  /** [inputSize, 4 * units] */
  kernel: tf.Tensor2D;
  /** [units, 4 * units] */
  recurrentKernel: tf.Tensor2D;
  /** [4 * units] */
  bias: tf.Tensor1D;
}

/** Gradients of one LSTM layer (see `lstmLayerBackward`). */
export interface LstmLayerGrads {
  dKernel: tf.Tensor2D;
  dRecurrentKernel: tf.Tensor2D;
  dBias: tf.Tensor1D;
  /** Per-step gradients w.r.t. the inputs; only when requested. */
  dxs?: tf.Tensor2D[];
  dh0: tf.Tensor2D;
  dc0: tf.Tensor2D;
}

/** Per-step values the forward pass produced; input to `prepareBackward`. */
export interface LstmForwardCache {
  xhs: tf.Tensor2D[];
  is: tf.Tensor2D[];
  fs: tf.Tensor2D[];
  gs: tf.Tensor2D[];
  os: tf.Tensor2D[];
  cPrevs: tf.Tensor2D[];
  tcs: tf.Tensor2D[];
}

/** Compact whole-sequence tensors the backward pass needs (rows t*B .. t*B+B-1 = step t). */
export interface LstmBackwardState {
  steps: number;
  batch: number;
  /** [T*B, 4H]: dL/dz = [dc, dc, dc, dh] * Q (activation derivatives folded in). */
  q: tf.Tensor2D;
  /** [T*B, H]: the part of dc coming from the step's own output, dc += dh * R. */
  r: tf.Tensor2D;
  /** [T*B, H]: forget gates, dc_prev = dc * F. */
  f: tf.Tensor2D;
  /** The rows the gate matMuls saw: [T*B, D+H+1] = [x, h_prev, 1], or [T*B, H] = h_prev for a token layer. */
  xh: tf.Tensor2D;
}

/** Output of `lstmLayerForward`. */
export interface LstmLayerOutput {
  /** Hidden state of every step, [B, H] each. */
  hs: tf.Tensor2D[];
  /** Final states. */
  h: tf.Tensor2D;
  c: tf.Tensor2D;
  /** Set when `keepCache` was true. */
  cache?: LstmForwardCache;
}

/**
 * Splits a [T*B, N] tensor into T tensors of [B, N] through a single read of its data
 * (on wasm each `slice` would copy the whole input). The pieces are new constants: use
 * only where gradients are computed by hand.
 */
export function splitRows(t: tf.Tensor2D, parts: number): tf.Tensor2D[] {
  const [rows, cols] = t.shape;
  if (rows % parts !== 0) throw new Error(`splitRows: ${rows} rows do not split into ${parts} parts`);
  const per = rows / parts;
  const data = t.dataSync() as Float32Array;
  const out: tf.Tensor2D[] = new Array(parts);
  for (let p = 0; p < parts; p++)
    out[p] = tf.tensor2d(data.subarray(p * per * cols, (p + 1) * per * cols), [per, cols]);
  return out;
}

/** The four gate matrices [D+H+1, H] (kernel, recurrent kernel and bias stacked by rows). */
function gateMatrices(w: LstmLayerWeights): tf.Tensor2D[] {
  const units = w.recurrentKernel.shape[0];
  const stacked = tf.concat<T2>([w.kernel, w.recurrentKernel, tf.reshape(w.bias, [1, 4 * units])], 0);
  const rows = stacked.shape[0];
  return [0, 1, 2, 3].map((k) => tf.slice(stacked, [0, k * units], [rows, units]) as T2);
}

/** Pre-activations of the four gates for step t given h_{t-1}, and the row the gate matMuls saw. */
type GateInput = (t: number, h: tf.Tensor2D) => { xh: tf.Tensor2D; z: tf.Tensor2D[] };

/** The step loop shared by dense and token inputs. */
function runLayer(
  steps: number,
  batch: number,
  units: number,
  gates: GateInput,
  h0: tf.Tensor2D | undefined,
  c0: tf.Tensor2D | undefined,
  keepCache: boolean,
): LstmLayerOutput {
  if (steps === 0) throw new Error('LSTM: empty sequence');
  let h = h0 ?? tf.zeros<tf.Rank.R2>([batch, units]);
  let c = c0 ?? tf.zeros<tf.Rank.R2>([batch, units]);
  const cache: LstmForwardCache = { xhs: [], is: [], fs: [], gs: [], os: [], cPrevs: [], tcs: [] };
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const { xh, z } = gates(t, h);
    const i = tf.sigmoid<T2>(z[0]);
    const f = tf.sigmoid<T2>(z[1]);
    const g = tf.tanh<T2>(z[2]);
    const o = tf.sigmoid<T2>(z[3]);
    if (keepCache) {
      cache.xhs.push(xh);
      cache.is.push(i);
      cache.fs.push(f);
      cache.gs.push(g);
      cache.os.push(o);
      cache.cPrevs.push(c);
    }
    c = tf.add<T2>(tf.mul<T2>(f, c), tf.mul<T2>(i, g));
    const tc = tf.tanh<T2>(c);
    if (keepCache) cache.tcs.push(tc);
    h = tf.mul<T2>(o, tc);
    hs.push(h);
  }
  return { hs, h, c, cache: keepCache ? cache : undefined };
}

/**
 * Runs one LSTM layer over the per-step inputs `xs` ([B, D] each) from states `h0`, `c0`
 * (zeros when omitted). Not differentiable by tfjs autodiff: gradients come from
 * `prepareBackward` + `lstmLayerBackward` (or use `fastLstm`, which wraps both).
 */
export function lstmLayerForward(
  xs: readonly tf.Tensor2D[],
  w: LstmLayerWeights,
  h0?: tf.Tensor2D,
  c0?: tf.Tensor2D,
  keepCache = false,
): LstmLayerOutput {
  if (xs.length === 0) throw new Error('LSTM: empty sequence');
  const batch = xs[0].shape[0];
  const units = w.recurrentKernel.shape[0];
  const [wi, wf, wg, wo] = gateMatrices(w);
  const ones = tf.ones([batch, 1]) as T2;
  return runLayer(
    xs.length,
    batch,
    units,
    (t, h) => {
      const xh = tf.concat<T2>([xs[t], h, ones], 1);
      return { xh, z: [wi, wf, wg, wo].map((wk) => tf.matMul<T2>(xh, wk)) };
    },
    h0,
    c0,
    keepCache,
  );
}

/**
 * A first layer fed with token ids instead of one-hot vectors: one-hot x . kernel is a row
 * of the kernel, so the input part of every gate is looked up (one read of the kernel)
 * instead of multiplied, and the gate matMuls only see h. `ids` are time-major
 * (ids[t*B + b] = sequence b at step t), each in [0, kernel rows). Backward: pass the same
 * ids to `lstmLayerBackward`.
 */
export function lstmTokenLayerForward(
  ids: Int32Array,
  batch: number,
  w: LstmLayerWeights,
  h0?: tf.Tensor2D,
  c0?: tf.Tensor2D,
  keepCache = false,
): LstmLayerOutput {
  const units = w.recurrentKernel.shape[0];
  const gatesWidth = 4 * units;
  if (ids.length % batch !== 0)
    throw new Error(`LSTM: ${ids.length} token ids do not form ${batch} sequences`);
  const steps = ids.length / batch;
  const kernel = w.kernel.dataSync() as Float32Array;
  const bias = w.bias.dataSync() as Float32Array;
  const recurrent = [0, 1, 2, 3].map(
    (k) => tf.slice(w.recurrentKernel, [0, k * units], [units, units]) as T2,
  );
  const projection = new Float32Array(batch * units);
  const project = (t: number, k: number): T2 => {
    for (let b = 0; b < batch; b++) {
      const row = ids[t * batch + b] * gatesWidth + k * units;
      const out = b * units;
      for (let j = 0; j < units; j++) projection[out + j] = kernel[row + j] + bias[k * units + j];
    }
    return tf.tensor2d(projection, [batch, units]);
  };
  return runLayer(
    steps,
    batch,
    units,
    (t, h) => ({ xh: h, z: recurrent.map((wk, k) => tf.add<T2>(project(t, k), tf.matMul<T2>(h, wk))) }),
    h0,
    c0,
    keepCache,
  );
}

/** Turns the per-step forward cache into the few whole-sequence tensors BPTT needs. */
export function prepareBackward(cache: LstmForwardCache): LstmBackwardState {
  const steps = cache.is.length;
  const batch = cache.is[0].shape[0];
  const I = tf.concat<T2>(cache.is, 0);
  const F = tf.concat<T2>(cache.fs, 0);
  const G = tf.concat<T2>(cache.gs, 0);
  const O = tf.concat<T2>(cache.os, 0);
  const TC = tf.concat<T2>(cache.tcs, 0);
  const CPrev = tf.concat<T2>(cache.cPrevs, 0);
  const one = tf.scalar(1);
  // d/dz of [i, f, g, o] times what each gate multiplies: [g, c_prev, i, tanh(c)].
  const q = tf.concat<T2>(
    [
      tf.mul<T2>(G, tf.mul<T2>(I, tf.sub<T2>(one, I))),
      tf.mul<T2>(CPrev, tf.mul<T2>(F, tf.sub<T2>(one, F))),
      tf.mul<T2>(I, tf.sub<T2>(one, tf.square<T2>(G))),
      tf.mul<T2>(TC, tf.mul<T2>(O, tf.sub<T2>(one, O))),
    ],
    1,
  );
  const r = tf.mul<T2>(O, tf.sub<T2>(one, tf.square<T2>(TC)));
  return { steps, batch, q, r, f: F, xh: tf.concat<T2>(cache.xhs, 0) };
}

/**
 * Backpropagation through time for one layer. `dys[t]` is dL/dh_t from above ([B, H]);
 * `dhT` / `dcT` are gradients w.r.t. the final states, if any. Set `inputGrads` to get
 * dL/dx_t (not needed for a first layer fed with one-hot tokens).
 */
export function lstmLayerBackward(
  state: LstmBackwardState,
  w: Pick<LstmLayerWeights, 'kernel' | 'recurrentKernel'>,
  dys: readonly tf.Tensor2D[],
  inputGrads: boolean,
  dhT?: tf.Tensor2D,
  dcT?: tf.Tensor2D,
  tokenIds?: Int32Array,
): LstmLayerGrads {
  if (tokenIds && inputGrads) throw new Error('LSTM backward: token inputs have no input gradients');
  const { steps, batch } = state;
  const inputSize = w.kernel.shape[0];
  const units = w.recurrentKernel.shape[0];
  if (dys.length !== steps)
    throw new Error(`LSTM backward: ${dys.length} output gradients for ${steps} steps`);
  const qs = splitRows(state.q, steps);
  const rs = splitRows(state.r, steps);
  const fs = splitRows(state.f, steps);
  const recurrentT = tf.transpose<T2>(w.recurrentKernel);
  const kernelT = inputGrads ? tf.transpose<T2>(w.kernel) : undefined;
  const dzs: tf.Tensor2D[] = new Array(steps);
  const dxs: tf.Tensor2D[] = new Array(steps);
  let dhNext = dhT;
  let dcNext = dcT;
  for (let t = steps - 1; t >= 0; t--) {
    const dh = dhNext ? tf.add<T2>(dys[t], dhNext) : dys[t];
    const dcOwn = tf.mul<T2>(dh, rs[t]);
    const dc = dcNext ? tf.add<T2>(dcOwn, dcNext) : dcOwn;
    const dz = tf.mul<T2>(tf.concat<T2>([dc, dc, dc, dh], 1), qs[t]);
    dzs[t] = dz;
    dhNext = tf.matMul<T2>(dz, recurrentT);
    if (kernelT) dxs[t] = tf.matMul<T2>(dz, kernelT);
    dcNext = tf.mul<T2>(dc, fs[t]);
  }
  const dZ = tf.concat<T2>(dzs, 0);
  const dh0 = dhNext ?? tf.zeros<tf.Rank.R2>([batch, units]);
  const dc0 = dcNext ?? tf.zeros<tf.Rank.R2>([batch, units]);
  if (tokenIds) {
    // Token layer: the matMuls saw h_prev only; kernel rows and bias gather dZ rows (scatter-add).
    const dRecurrentKernel = tf.matMul<T2>(tf.transpose<T2>(state.xh), dZ);
    const width = 4 * units;
    const dz = dZ.dataSync() as Float32Array;
    const dk = new Float32Array(inputSize * width);
    const db = new Float32Array(width);
    for (let r = 0; r < tokenIds.length; r++) {
      const src = r * width;
      const dst = tokenIds[r] * width;
      for (let j = 0; j < width; j++) {
        dk[dst + j] += dz[src + j];
        db[j] += dz[src + j];
      }
    }
    return {
      dKernel: tf.tensor2d(dk, [inputSize, width]),
      dRecurrentKernel,
      dBias: tf.tensor1d(db),
      dh0,
      dc0,
    };
  }
  // All weight gradients at once: [x, h_prev, 1]^T . dZ.
  const dW = tf.matMul<T2>(tf.transpose<T2>(state.xh), dZ);
  return {
    dKernel: tf.slice(dW, [0, 0], [inputSize, 4 * units]) as T2,
    dRecurrentKernel: tf.slice(dW, [inputSize, 0], [units, 4 * units]) as T2,
    dBias: tf.reshape(tf.slice(dW, [inputSize + units, 0], [1, 4 * units]), [4 * units]),
    dxs: kernelT ? dxs : undefined,
    dh0,
    dc0,
  };
}

/** Shorthand for the 2-D tensors everything here works on. */
type T2 = tf.Tensor2D;

type Saver = (tensors: tf.Tensor[]) => void;

/**
 * One LSTM layer with the shapes of `tf.layers.lstm({returnSequences: true})`, x [B, T, D]
 * -> [B, T, H], differentiable by tfjs autodiff (`tf.grads`, optimizers) w.r.t. x, the
 * weights and the initial states (zeros when omitted) through `tf.customGrad` with the
 * hand-written BPTT above.
 */
export function fastLstm(
  x: tf.Tensor3D,
  weights: LstmLayerWeights,
  h0?: tf.Tensor2D,
  c0?: tf.Tensor2D,
): tf.Tensor3D {
  const [batch, steps, inputSize] = x.shape;
  const units = weights.recurrentKernel.shape[0];
  const h = h0 ?? tf.zeros([batch, units]);
  const c = c0 ?? tf.zeros([batch, units]);
  const toSteps = (t: tf.Tensor3D, width: number) =>
    splitRows(tf.reshape(tf.transpose(t, [1, 0, 2]), [steps * batch, width]) as tf.Tensor2D, steps);
  const fromSteps = (list: tf.Tensor2D[], width: number) =>
    tf.transpose(tf.reshape(tf.concat<T2>(list, 0), [steps, batch, width]), [1, 0, 2]) as tf.Tensor3D;
  const fn = tf.customGrad((...args: (tf.Tensor | Saver)[]) => {
    const [xa, k, rk, b, ha, ca] = args.slice(0, 6) as tf.Tensor[];
    const save = args[6] as Saver;
    const w: LstmLayerWeights = {
      kernel: k as tf.Tensor2D,
      recurrentKernel: rk as tf.Tensor2D,
      bias: b as tf.Tensor1D,
    };
    const out = lstmLayerForward(
      toSteps(xa as tf.Tensor3D, inputSize),
      w,
      ha as tf.Tensor2D,
      ca as tf.Tensor2D,
      true,
    );
    const st = prepareBackward(out.cache as LstmForwardCache);
    // The forward scope disposes everything not saved; keep only the compact state.
    save([st.q, st.r, st.f, st.xh, k, rk]);
    return {
      value: fromSteps(out.hs, units),
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [q, r, f, xh, sk, srk] = saved as tf.Tensor2D[];
        const grads = lstmLayerBackward(
          { steps, batch, q, r, f, xh },
          { kernel: sk, recurrentKernel: srk },
          toSteps(dy, units),
          true,
        );
        return [
          fromSteps(grads.dxs as tf.Tensor2D[], inputSize),
          grads.dKernel,
          grads.dRecurrentKernel,
          grads.dBias,
          grads.dh0,
          grads.dc0,
        ];
      },
    };
  });
  return fn(x, weights.kernel, weights.recurrentKernel, weights.bias, h, c) as tf.Tensor3D;
}
