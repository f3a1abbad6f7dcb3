import type { TokenModelConfig, WeightData } from './token_model.ts';
import { weightShapesFor } from './token_model.ts';
import { createGemvKernel, GEMV_COL_MULTIPLE, type GemvKernel } from './wasm_gemv.ts';

/**
 * Stateful one-step inference for generation, in plain JS on typed arrays.
 *
 * A tfjs step costs ~15-90 us per op on wasm (0.9 ms per event for 2x256), while the
 * arithmetic of one event is under a million multiply-adds. The matrix-vector products run
 * in a tiny WebAssembly SIMD kernel (wasm_gemv.ts; ~14 GMAC/s here) over weights laid out
 * for contiguous dot products, with a plain-JS fallback; the gate maths is plain JS.
 * Needs no TensorFlow.js backend at all. Carries (h, c) per layer for `batch` streams.
 */

interface StepLayer {
  inputSize: number;
  units: number;
  /** Layer 0: kernel rows by token, [V][4H] (one-hot input = row lookup). */
  tokenRows?: Float32Array;
  /** Transposed [4H][rowWidth] where a row holds [x, h, zero padding] (x omitted for layer 0). */
  weightsT: Float32Array;
  /** Width of one row of `weightsT` (padded for the SIMD kernel). */
  rowWidth: number;
  /** Columns of a row used for x (0 for layer 0). */
  xWidth: number;
  bias: Float32Array;
}

function transpose(
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
  outCols: number,
  colOffset: number,
): void {
  // out[c][colOffset + r] = data[r][c]
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * outCols + colOffset + r] = data[base + c];
  }
}

/** Dot product of a[ao .. ao+n) and b[bo .. bo+n), four accumulators for instruction-level parallelism. */
function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[ao + k] * b[bo + k];
    s1 += a[ao + k + 1] * b[bo + k + 1];
    s2 += a[ao + k + 2] * b[bo + k + 2];
    s3 += a[ao + k + 3] * b[bo + k + 3];
  }
  for (; k < n; k++) s0 += a[ao + k] * b[bo + k];
  return s0 + s1 + s2 + s3;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function padTo(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Float32 buffers carved out of the kernel's memory (16-byte aligned), or plain arrays. */
class Arena {
  private offset = 0;
  constructor(private readonly memory: ArrayBuffer | undefined) {}
  /** Floats the arena needs for these sizes. */
  static floats(sizes: number[]): number {
    return sizes.reduce((sum, n) => sum + padTo(n, 4), 0);
  }
  alloc(n: number): Float32Array {
    if (!this.memory) return new Float32Array(n);
    const view = new Float32Array(this.memory, this.offset * 4, n);
    this.offset += padTo(n, 4);
    return view;
  }
}

/** Byte address of a view inside the kernel memory. */
function addr(view: Float32Array): number {
  return view.byteOffset;
}

/** One-event-at-a-time inference over `batch` streams of a token model's weights. */
export class LstmStepper {
  readonly batch: number;
  readonly vocabSize: number;
  private readonly layers: StepLayer[];
  private readonly denseT: Float32Array;
  private readonly denseBias: Float32Array;
  /** Per layer: [B][H] hidden and cell states. */
  private readonly h: Float32Array[];
  private readonly c: Float32Array[];
  /** Per layer scratch: [B][inputs] concatenated [x, h_prev], and [B][4H] pre-activations. */
  private readonly inputs: Float32Array[];
  private readonly z: Float32Array[];
  private readonly logits: Float32Array;
  /** [B][topWidth] padded copy of the top layer's h, input of the dense layer. */
  private readonly denseIn: Float32Array;
  private readonly topWidth: number;
  private readonly kernel: GemvKernel | undefined;

  /**
   * Reads the weights once (copies); later model updates do not affect the stepper.
   * `options.simd: false` forces the plain-JS path (tests, debugging).
   */
  constructor(
    config: TokenModelConfig,
    weights: Record<string, WeightData>,
    batch = 1,
    options: { simd?: boolean } = {},
  ) {
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(`Stepper batch must be a positive integer, got ${batch}`);
    const shapes = weightShapesFor(config);
    for (const [name, shape] of Object.entries(shapes)) {
      const w = weights[name];
      if (!w || w.shape.join('x') !== shape.join('x')) {
        throw new Error(
          `Weight ${name}: expected shape [${shape.join(', ')}], got ${w ? `[${w.shape.join(', ')}]` : 'none'}`,
        );
      }
    }
    this.batch = batch;
    this.vocabSize = config.vocabSize;
    // Geometry first, so the kernel's memory can be sized before anything is copied in.
    const geo: { inputSize: number; units: number; xWidth: number; rowWidth: number }[] = [];
    let inputSize = config.vocabSize;
    for (const [l, units] of config.layers.entries()) {
      const xWidth = l === 0 ? 0 : inputSize;
      geo.push({ inputSize, units, xWidth, rowWidth: padTo(xWidth + units, GEMV_COL_MULTIPLE) });
      inputSize = units;
    }
    const topWidth = padTo(inputSize, GEMV_COL_MULTIPLE);
    const vocab = config.vocabSize;
    const sizes = [
      ...geo.flatMap((g) => [4 * g.units * g.rowWidth, batch * g.rowWidth, batch * 4 * g.units]),
      vocab * topWidth,
      batch * topWidth,
      batch * vocab,
    ];
    this.kernel = options.simd === false ? undefined : createGemvKernel(Arena.floats(sizes) * 4 + 64);
    const arena = new Arena(this.kernel?.memory.buffer);
    this.layers = geo.map((g, l) => {
      const kernel = weights[`lstm_${l}/kernel`].data;
      const recurrent = weights[`lstm_${l}/recurrent_kernel`].data;
      const gates = 4 * g.units;
      const weightsT = arena.alloc(gates * g.rowWidth);
      if (l > 0) transpose(kernel, g.inputSize, gates, weightsT, g.rowWidth, 0);
      transpose(recurrent, g.units, gates, weightsT, g.rowWidth, g.xWidth);
      return {
        inputSize: g.inputSize,
        units: g.units,
        tokenRows: l === 0 ? new Float32Array(kernel) : undefined,
        weightsT,
        rowWidth: g.rowWidth,
        xWidth: g.xWidth,
        bias: new Float32Array(weights[`lstm_${l}/bias`].data),
      };
    });
    this.inputs = [];
    this.z = [];
    for (const g of geo) {
      this.inputs.push(arena.alloc(batch * g.rowWidth));
      this.z.push(arena.alloc(batch * 4 * g.units));
    }
    this.topWidth = topWidth;
    this.denseT = arena.alloc(vocab * topWidth);
    transpose(weights['dense/kernel'].data, inputSize, vocab, this.denseT, topWidth, 0);
    this.denseIn = arena.alloc(batch * topWidth);
    this.logits = arena.alloc(batch * vocab);
    this.denseBias = new Float32Array(weights['dense/bias'].data);
    this.h = this.layers.map((l) => new Float32Array(batch * l.units));
    this.c = this.layers.map((l) => new Float32Array(batch * l.units));
  }

  /** True when the WebAssembly SIMD kernel is in use (false: plain-JS fallback). */
  get usesSimd(): boolean {
    return this.kernel !== undefined;
  }

  /** y[j] (+)= W[j] . x for j < rows: the kernel when present, else JS. */
  private gemv(
    w: Float32Array,
    wOffset: number,
    x: Float32Array,
    xOffset: number,
    y: Float32Array,
    yOffset: number,
    rows: number,
    cols: number,
  ): void {
    if (this.kernel) {
      this.kernel.gemv(addr(w) + wOffset * 4, addr(x) + xOffset * 4, addr(y) + yOffset * 4, rows, cols);
      return;
    }
    for (let j = 0; j < rows; j++) y[yOffset + j] += dot(w, wOffset + j * cols, x, xOffset, cols);
  }

  /**
   * y_b (+)= W . x_b for every stream b < batch, x_b at x[b * xStride], y_b at y[b * yStride]:
   * four streams per kernel call (the weights are read once for the four), the rest one by one.
   */
  private gemvStreams(
    w: Float32Array,
    x: Float32Array,
    xStride: number,
    y: Float32Array,
    yStride: number,
    rows: number,
    cols: number,
  ): void {
    let b = 0;
    if (this.kernel) {
      for (; b + 3 < this.batch; b += 4) {
        this.kernel.gemv4(
          addr(w),
          addr(x) + b * xStride * 4,
          addr(y) + b * yStride * 4,
          rows,
          cols,
          xStride * 4,
          yStride * 4,
        );
      }
    }
    for (; b < this.batch; b++) this.gemv(w, 0, x, b * xStride, y, b * yStride, rows, cols);
  }

  /** Zeroes the states of one stream, or of all streams. */
  reset(stream?: number): void {
    this.layers.forEach((layer, l) => {
      if (stream === undefined) {
        this.h[l].fill(0);
        this.c[l].fill(0);
      } else {
        this.h[l].fill(0, stream * layer.units, (stream + 1) * layer.units);
        this.c[l].fill(0, stream * layer.units, (stream + 1) * layer.units);
      }
    });
  }

  /** A copy of all states (h then c per layer), e.g. to branch a stream. */
  getState(): Float32Array[] {
    return [...this.h.map((h) => new Float32Array(h)), ...this.c.map((c) => new Float32Array(c))];
  }

  /** Restores states from `getState`. */
  setState(state: readonly Float32Array[]): void {
    const n = this.layers.length;
    if (state.length !== 2 * n)
      throw new Error(`Stepper state: expected ${2 * n} arrays, got ${state.length}`);
    for (let l = 0; l < n; l++) {
      if (state[l].length !== this.h[l].length || state[n + l].length !== this.c[l].length) {
        throw new Error(`Stepper state: layer ${l} has the wrong size`);
      }
      this.h[l].set(state[l]);
      this.c[l].set(state[n + l]);
    }
  }

  /**
   * Feeds one token per stream and returns the next-token logits, [B * V] (stream b at
   * b*V). The returned array is reused by the next call: copy what you keep.
   */
  step(tokens: ArrayLike<number>): Float32Array {
    const batch = this.batch;
    if (tokens.length !== batch) throw new Error(`Stepper: expected ${batch} tokens, got ${tokens.length}`);
    for (let b = 0; b < batch; b++) {
      const t = tokens[b];
      if (!(Number.isInteger(t) && t >= 0 && t < this.vocabSize)) {
        throw new Error(`Stepper: token id ${t} is outside the vocabulary (${this.vocabSize})`);
      }
    }
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      const { units, rowWidth, weightsT, bias } = layer;
      const gates = 4 * units;
      const input = this.inputs[l];
      const z = this.z[l];
      const h = this.h[l];
      const c = this.c[l];
      // input_b = [x_b, h_b, 0...]
      for (let b = 0; b < batch; b++) {
        const base = b * rowWidth;
        if (l > 0) input.set(this.h[l - 1].subarray(b * layer.inputSize, (b + 1) * layer.inputSize), base);
        input.set(h.subarray(b * units, (b + 1) * units), base + layer.xWidth);
      }
      // z = bias (+ token row) + W^T . input
      for (let b = 0; b < batch; b++) z.set(bias, b * gates);
      this.gemvStreams(weightsT, input, rowWidth, z, gates, gates, rowWidth);
      if (layer.tokenRows) {
        for (let b = 0; b < batch; b++) {
          const src = tokens[b] * gates;
          const dst = b * gates;
          for (let j = 0; j < gates; j++) z[dst + j] += layer.tokenRows[src + j];
        }
      }
      for (let b = 0; b < batch; b++) {
        const zb = b * gates;
        const sb = b * units;
        for (let k = 0; k < units; k++) {
          const i = sigmoid(z[zb + k]);
          const f = sigmoid(z[zb + units + k]);
          const g = Math.tanh(z[zb + 2 * units + k]);
          const o = sigmoid(z[zb + 3 * units + k]);
          const cNew = f * c[sb + k] + i * g;
          c[sb + k] = cNew;
          h[sb + k] = o * Math.tanh(cNew);
        }
      }
    }
    const top = this.h[this.h.length - 1];
    const units = this.layers[this.layers.length - 1].units;
    const vocab = this.vocabSize;
    for (let b = 0; b < batch; b++) {
      this.denseIn.set(top.subarray(b * units, (b + 1) * units), b * this.topWidth);
      this.logits.set(this.denseBias, b * vocab);
    }
    this.gemvStreams(this.denseT, this.denseIn, this.topWidth, this.logits, vocab, vocab, this.topWidth);
    return this.logits;
  }
}
