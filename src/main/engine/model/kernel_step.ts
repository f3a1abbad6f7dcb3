import type { KernelWorkspace, Region } from './kernel_workspace.ts';
import { packB } from './wasm_gemm.ts';

/**
 * The token model's forward and backward pass on plain float32 memory: every matrix product
 * is the hand-assembled GEMM (wasm_gemm.ts), the LSTM cell the wasm kernel of wasm_cell.ts
 * (JS loops for widths that are not a multiple of 4), the rest JS loops, so a training step
 * runs no TensorFlow.js kernel at all (on tfjs-wasm each small op costs 10-30 us, and the
 * step ran ~3,400 of them; XNNPACK also ran these shapes ~1.5x slower, measured). The step's
 * CPU time halved (reference config, see the training bench).
 *
 * Same maths as fast_lstm.ts + token_model.ts (Keras LSTM layout, gate order i, f, c, o,
 * zero initial states, dropout masks after each layer, dense softmax, mean cross-entropy),
 * equal to them within float rounding. Sequences are time-major: row t*B + b is sequence b
 * at step t.
 */

/** The shape of the network. */
export interface KernelNetwork {
  vocabSize: number;
  layers: readonly number[];
}

/** What `kernelStep` computes. */
export type KernelMode = 'gradients' | 'loss' | 'logits';

/** Output of `kernelStep`. */
export interface KernelStepResult {
  /** Mean cross-entropy (NaN in 'logits' mode without targets). */
  loss: number;
  /** By weight name (`weightNamesFor` names), in 'gradients' mode. */
  grads?: Record<string, Float32Array>;
  /** Time-major logits [T*B, V], in 'logits' mode. */
  logits?: Float32Array;
}

/** Rows of dZ per weight-gradient product (chunks keep the packed panels in cache). */
const CHUNK = 256;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** tanh through one exp; saturates cleanly (never NaN) for large |x|. */
const tanh = (x: number): number => 1 - 2 / (Math.exp(2 * x) + 1);

interface LayerRegions {
  units: number;
  inputSize: number;
  /** Packed recurrent kernel, and its transpose for the backward pass. */
  whP: Region;
  whTP: Region | null;
  /** Packed input kernel and transpose (layers above the first). */
  wxP: Region | null;
  wxTP: Region | null;
  /** The layer's (masked) input [n, D] (layers above the first). */
  x: Region | null;
  /** Gate pre-activations, then activations [i, f, g, o], then dZ: [n, 4H]. */
  act: Region;
  c: Region;
  tc: Region;
  /** h_t [n, H]; it sits right after B zero rows, so `hPrev` (h_{t-1}, h_{-1} = 0) is [n, H] too. */
  h: Region;
  hPrev: Region;
  /** dL/dh_t [n, H], the recurrent part accumulated in place. */
  dY: Region | null;
  /** Weight gradients: input kernel [D, 4H] (layers above the first), recurrent kernel, bias. */
  dWx: Region | null;
  dWh: Region | null;
  dB: Region | null;
  /** Zeros [B, H]: c_{-1}. */
  zeros: Region;
  /** dL/dc of the next step [B, H] (backward). */
  dcNext: Region | null;
}

/** Token ids reordered time-major: out[t*B + b] = ids[b*T + t]. */
function timeMajor(ids: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = ids[b * steps + t];
  return out;
}

/** Rows of `out` [n, width] all set to `bias`. */
function fillRows(out: Float32Array, bias: Float32Array, n: number): void {
  const width = bias.length;
  for (let r = 0; r < n; r++) out.set(bias, r * width);
}

/** out = a * mask (or a copy when there is no mask). */
function masked(a: Float32Array, mask: Float32Array | undefined, out: Float32Array): void {
  if (!mask) out.set(a);
  else for (let i = 0; i < a.length; i++) out[i] = a[i] * mask[i];
}

/** One-hot x . kernel is a kernel row: act[r] = kernel[ids[r]] + bias (bias added once per token, rows copied). */
function gatherTokenRows(act: Float32Array, kernel: Float32Array, bias: Float32Array, ids: Int32Array): void {
  const gates = bias.length;
  const rows = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) rows[i] = kernel[i] + bias[i % gates];
  for (let r = 0; r < ids.length; r++)
    act.set(rows.subarray(ids[r] * gates, (ids[r] + 1) * gates), r * gates);
}

/** The first layer's kernel gradient: each dZ row added to its token's row. */
function scatterTokenRows(dZ: Float32Array, ids: Int32Array, vocab: number, gates: number): Float32Array {
  const dk = new Float32Array(vocab * gates);
  for (let r = 0; r < ids.length; r++) {
    const src = r * gates;
    const dst = ids[r] * gates;
    for (let j = 0; j < gates; j++) dk[dst + j] += dZ[src + j];
  }
  return dk;
}

/**
 * Runs one network step: forward always; the loss when targets are given; in 'gradients'
 * mode the gradients of every weight. `inputs` / `targets` are batch-major [B, T] ids;
 * `masks[l]` is layer l's time-major dropout mask [T*B, H] (undefined: none).
 */
export function kernelStep(
  ws: KernelWorkspace,
  net: KernelNetwork,
  weights: Readonly<Record<string, Float32Array>>,
  inputs: Int32Array,
  targets: Int32Array | null,
  batch: number,
  masks: readonly (Float32Array | undefined)[],
  mode: KernelMode,
): KernelStepResult {
  const steps = inputs.length / batch;
  const n = inputs.length;
  const vocab = net.vocabSize;
  const grads = mode === 'gradients';
  const top = net.layers[net.layers.length - 1];
  ws.reset();
  // Plan every region first: the memory may grow, which invalidates views.
  const maybe = (length: number): Region | null => (grads ? ws.alloc(length) : null);
  const layers: LayerRegions[] = net.layers.map((units, l) => {
    const inputSize = l === 0 ? vocab : net.layers[l - 1];
    const gates = 4 * units;
    const hPad = ws.alloc((n + batch) * units);
    return {
      units,
      inputSize,
      whP: ws.alloc(units * gates),
      whTP: maybe(gates * units),
      wxP: l > 0 ? ws.alloc(inputSize * gates) : null,
      wxTP: l > 0 ? maybe(gates * inputSize) : null,
      x: l > 0 ? ws.alloc(n * inputSize) : null,
      act: ws.alloc(n * gates),
      c: ws.alloc(n * units),
      tc: ws.alloc(n * units),
      h: { ptr: hPad.ptr + batch * units * 4, length: n * units },
      hPrev: { ptr: hPad.ptr, length: n * units },
      dY: maybe(n * units),
      dWx: l > 0 ? maybe(inputSize * gates) : null,
      dWh: maybe(units * gates),
      dB: maybe(gates),
      zeros: ws.alloc(batch * units),
      dcNext: maybe(batch * units),
    };
  });
  const topX = ws.alloc(n * top);
  const wdP = ws.alloc(top * vocab);
  const wdTP = maybe(vocab * top);
  const logits = ws.alloc(n * vocab);
  const dWd = maybe(top * vocab);
  const dBd = maybe(vocab);
  const gatesMax = Math.max(vocab, ...layers.map((L) => 4 * L.units));
  const packed = maybe(CHUNK * gatesMax);
  // A weight copied in for the transposed packer.
  const weightMax = Math.max(...Object.values(weights).map((w) => w.length));
  const staging = maybe(weightMax);
  const f32 = (r: Region | null): Float32Array => {
    if (!r) throw new Error('kernelStep: missing region');
    return ws.f32(r);
  };
  const ptr = (r: Region | null): number => {
    if (!r) throw new Error('kernelStep: missing region');
    return r.ptr;
  };
  /** packB(w, k, n, …, true) by the wasm packer: w is B^T [n, k]. */
  const packTransposed = (w: Float32Array, k: number, n: number, into: Region | null): void => {
    f32(staging).set(w);
    ws.packTransposed(k, n)(ptr(staging), ptr(into));
  };
  for (const L of layers) {
    f32(L.zeros).fill(0);
    f32(L.hPrev).fill(0, 0, batch * L.units);
  }

  const ids = timeMajor(inputs, batch, steps);
  // Forward.
  layers.forEach((L, l) => {
    const gates = 4 * L.units;
    packB(weights[`lstm_${l}/recurrent_kernel`], L.units, gates, f32(L.whP), 0);
    const act = f32(L.act);
    const bias = weights[`lstm_${l}/bias`];
    if (l === 0) gatherTokenRows(act, weights['lstm_0/kernel'], bias, ids);
    else {
      masked(f32(layers[l - 1].h), masks[l - 1], f32(L.x));
      packB(weights[`lstm_${l}/kernel`], L.inputSize, gates, f32(L.wxP), 0);
      fillRows(act, bias, n);
      ws.gemm(L.inputSize, gates)(ptr(L.x), ptr(L.wxP), L.act.ptr, n);
    }
    recurrentForward(ws, L, steps, batch);
  });
  const last = layers[layers.length - 1];
  masked(f32(last.h), masks[layers.length - 1], f32(topX));
  packB(weights['dense/kernel'], top, vocab, f32(wdP), 0);
  fillRows(f32(logits), weights['dense/bias'], n);
  ws.gemm(top, vocab)(topX.ptr, wdP.ptr, logits.ptr, n);
  if (mode === 'logits') return { loss: NaN, logits: new Float32Array(f32(logits)) };
  if (!targets) throw new Error('kernelStep: targets are needed for the loss');
  const loss = softmaxCrossEntropy(f32(logits), timeMajor(targets, batch, steps), vocab, grads);
  if (!grads) return { loss };

  // Backward. dL/dlogits is in `logits` now.
  const out: Record<string, Float32Array> = {};
  packTransposed(weights['dense/kernel'], vocab, top, wdTP);
  f32(last.dY).fill(0);
  ws.gemm(vocab, top)(logits.ptr, ptr(wdTP), ptr(last.dY), n);
  weightGradient(ws, logits, vocab, n, [{ a: topX, width: top, out: dWd }], dBd, packed);
  out['dense/kernel'] = new Float32Array(f32(dWd));
  out['dense/bias'] = new Float32Array(f32(dBd));
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l];
    const gates = 4 * L.units;
    const dY = f32(L.dY);
    const mask = masks[l];
    if (mask) for (let i = 0; i < dY.length; i++) dY[i] *= mask[i];
    packTransposed(weights[`lstm_${l}/recurrent_kernel`], gates, L.units, L.whTP);
    recurrentBackward(ws, L, steps, batch);
    const parts: GradientPart[] = [{ a: L.hPrev, width: L.units, out: L.dWh }];
    if (l > 0) parts.unshift({ a: L.x as Region, width: L.inputSize, out: L.dWx });
    weightGradient(ws, L.act, gates, n, parts, L.dB, packed);
    out[`lstm_${l}/kernel`] =
      l === 0 ? scatterTokenRows(f32(L.act), ids, vocab, gates) : new Float32Array(f32(L.dWx));
    out[`lstm_${l}/recurrent_kernel`] = new Float32Array(f32(L.dWh));
    out[`lstm_${l}/bias`] = new Float32Array(f32(L.dB));
    if (l > 0) {
      // dL/dx = dZ . Wx^T goes to the layer below as its dL/dh.
      const below = layers[l - 1];
      packTransposed(weights[`lstm_${l}/kernel`], gates, L.inputSize, L.wxTP);
      f32(below.dY).fill(0);
      ws.gemm(gates, L.inputSize)(L.act.ptr, ptr(L.wxTP), ptr(below.dY), n);
    }
  }
  return { loss, grads: out };
}

/** The step loop: z_t += h_{t-1} . Wh, then the cell; keeps activations, c, tanh(c), h. */
function recurrentForward(ws: KernelWorkspace, L: LayerRegions, steps: number, batch: number): void {
  const units = L.units;
  const gates = 4 * units;
  const gemm = ws.gemm(units, gates);
  const act = ws.f32(L.act);
  const c = ws.f32(L.c);
  const tc = ws.f32(L.tc);
  const h = ws.f32(L.h);
  const cell = ws.cell(units);
  const stepBytes = batch * units * 4;
  for (let t = 0; t < steps; t++) {
    if (t > 0) gemm(L.h.ptr + (t - 1) * stepBytes, L.whP.ptr, L.act.ptr + t * batch * gates * 4, batch);
    if (cell) {
      const cPrev = t > 0 ? L.c.ptr + (t - 1) * stepBytes : L.zeros.ptr;
      const at = t * stepBytes;
      cell.forward(
        L.act.ptr + t * batch * gates * 4,
        cPrev,
        L.c.ptr + at,
        L.tc.ptr + at,
        L.h.ptr + at,
        batch,
      );
      continue;
    }
    for (let b = 0; b < batch; b++) {
      const z = (t * batch + b) * gates;
      const s = (t * batch + b) * units;
      const prev = s - batch * units;
      for (let j = 0; j < units; j++) {
        const i = sigmoid(act[z + j]);
        const f = sigmoid(act[z + units + j]);
        const g = tanh(act[z + 2 * units + j]);
        const o = sigmoid(act[z + 3 * units + j]);
        act[z + j] = i;
        act[z + units + j] = f;
        act[z + 2 * units + j] = g;
        act[z + 3 * units + j] = o;
        c[s + j] = f * (t > 0 ? c[prev + j] : 0) + i * g;
        const tcj = tanh(c[s + j]);
        tc[s + j] = tcj;
        h[s + j] = o * tcj;
      }
    }
  }
}

/**
 * BPTT: from dL/dh_t in dY (the layer above's part), the cell backward of each step writes
 * dZ_t over the activations, and dz_t . Wh^T is added to dY_{t-1}.
 */
function recurrentBackward(ws: KernelWorkspace, L: LayerRegions, steps: number, batch: number): void {
  const units = L.units;
  const gates = 4 * units;
  const gemm = ws.gemm(gates, units);
  const cell = ws.cell(units);
  const dYRegion = L.dY as Region;
  const dcRegion = L.dcNext as Region;
  const whTP = (L.whTP as Region).ptr;
  const stepBytes = batch * units * 4;
  const gateBytes = batch * gates * 4;
  ws.f32(dcRegion).fill(0);
  for (let t = steps - 1; t >= 0; t--) {
    const cPrev = t > 0 ? L.c.ptr + (t - 1) * stepBytes : L.zeros.ptr;
    if (cell) {
      cell.backward(
        L.act.ptr + t * gateBytes,
        cPrev,
        L.tc.ptr + t * stepBytes,
        dYRegion.ptr + t * stepBytes,
        dcRegion.ptr,
        batch,
      );
    } else {
      cellBackwardJs(ws, L, t, batch, cPrev);
    }
    if (t > 0) gemm(L.act.ptr + t * gateBytes, whTP, dYRegion.ptr + (t - 1) * stepBytes, batch);
  }
}

/** The cell backward of step t in JS (layers whose width is not a multiple of 4). */
function cellBackwardJs(
  ws: KernelWorkspace,
  L: LayerRegions,
  t: number,
  batch: number,
  cPrevPtr: number,
): void {
  const units = L.units;
  const gates = 4 * units;
  const act = ws.f32(L.act);
  const tc = ws.f32(L.tc);
  const dY = ws.f32(L.dY as Region);
  const dcNext = ws.f32(L.dcNext as Region);
  const cPrev = new Float32Array(act.buffer, cPrevPtr, batch * units);
  for (let b = 0; b < batch; b++) {
    const z = (t * batch + b) * gates;
    const s = (t * batch + b) * units;
    const d = b * units;
    for (let j = 0; j < units; j++) {
      const i = act[z + j];
      const f = act[z + units + j];
      const g = act[z + 2 * units + j];
      const o = act[z + 3 * units + j];
      const tcj = tc[s + j];
      const dh = dY[s + j];
      const dc = dh * o * (1 - tcj * tcj) + dcNext[d + j];
      act[z + j] = dc * g * i * (1 - i);
      act[z + units + j] = dc * cPrev[d + j] * f * (1 - f);
      act[z + 2 * units + j] = dc * i * (1 - g * g);
      act[z + 3 * units + j] = dh * tcj * o * (1 - o);
      dcNext[d + j] = dc * f;
    }
  }
}

/** An input of a weight gradient: out [width, G] += a^T . dZ, for a [n, width] row-major. */
interface GradientPart {
  a: Region;
  width: number;
  out: Region | null;
}

/**
 * Every part's out = a^T . dZ [n, G], and `sums` = the column sums of dZ (the bias
 * gradient), chunk by chunk of rows: a chunk of dZ is packed once (adding its column sums),
 * then one GEMM per part reads the chunk's rows of `a` as A^T where they are (no transposes).
 */
function weightGradient(
  ws: KernelWorkspace,
  dZ: Region,
  gates: number,
  n: number,
  parts: readonly GradientPart[],
  sums: Region | null,
  packed: Region | null,
): void {
  if (!sums || !packed) throw new Error('kernelStep: missing scratch');
  ws.f32(sums).fill(0);
  const outs = parts.map((part) => {
    if (!part.out) throw new Error('kernelStep: missing gradient region');
    ws.f32(part.out).fill(0);
    return part.out.ptr;
  });
  const pack = ws.pack(gates);
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const rows = Math.min(CHUNK, n - r0);
    pack(dZ.ptr + r0 * gates * 4, packed.ptr, rows, sums.ptr);
    parts.forEach((part, p) =>
      ws.gemm(rows, gates, part.width)(part.a.ptr + r0 * part.width * 4, packed.ptr, outs[p], part.width),
    );
  }
}

/**
 * Mean cross-entropy of time-major logits [n, V] against targets; with `gradient`, the
 * logits are overwritten by dL/dlogits = (softmax - onehot) / n.
 */
function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  vocab: number,
  gradient: boolean,
): number {
  const n = targets.length;
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = r * vocab;
    let max = -Infinity;
    for (let j = 0; j < vocab; j++) if (logits[row + j] > max) max = logits[row + j];
    const target = logits[row + targets[r]];
    let sum = 0;
    for (let j = 0; j < vocab; j++) {
      const e = Math.exp(logits[row + j] - max);
      sum += e;
      if (gradient) logits[row + j] = e;
    }
    total -= target - max - Math.log(sum);
    if (gradient) {
      const scale = 1 / (sum * n);
      for (let j = 0; j < vocab; j++) logits[row + j] *= scale;
      logits[row + targets[r]] -= 1 / n;
    }
  }
  return total / n;
}
