import { createStepKernel, jobIds, PANEL, type StepKernel, type StepKernelSpec } from './step_kernel.ts';
import { createStepKernelJs } from './step_kernel_js.ts';
import { StepTeam, TEAM_BYTES } from './step_team.ts';
import type { TokenModelConfig, WeightData } from './token_model.ts';
import { weightShapesFor } from './token_model.ts';

/**
 * Stateful one-step inference for generation, on typed arrays in one WebAssembly memory.
 *
 * A tfjs step costs ~15-90 us per op on wasm (0.9 ms per event for 2x256), while the
 * arithmetic of one event is under a million multiply-adds. Each event is a few calls into
 * hand-assembled SIMD kernels (step_kernel.ts): per layer one matrix product over weights
 * packed in row panels, then the gate maths (exp by polynomial) in the same module; then the
 * dense layer. Plain-JS kernels with the same layout are the fallback (step_kernel_js.ts).
 * Needs no TensorFlow.js backend at all. Carries (h, c) per layer for `batch` streams.
 *
 * Layout (floats): units are padded to a multiple of 8 (P), so each layer's 4P gate rows
 * fill whole 32-row panels; padded rows have zero weights and bias, so their h and c stay 0.
 * A stream's hidden states sit side by side, [h_0 | h_1 | ...], so layer l's input
 * [h_(l-1), h_l] is one contiguous vector and nothing is copied between layers.
 *
 * `threads: 2` adds a helper thread (step_team.ts) that takes half of each phase's jobs
 * (panel chunks of each product, streams' gates); results are bit-identical to one thread.
 */

/** Stops the helper threads of steppers nobody holds any more. */
const helpers = new FinalizationRegistry<StepTeam>((team) => team.close());

/** Float32 regions of the kernel memory, 64-byte aligned. */
class Arena {
  private floats = 0;
  private readonly plan: { at: number; n: number }[] = [];
  /** Reserves n floats; returns the region's index. */
  reserve(n: number): number {
    this.plan.push({ at: this.floats, n });
    this.floats += Math.ceil(n / 16) * 16;
    return this.plan.length - 1;
  }
  get bytes(): number {
    return this.floats * 4;
  }
  view(buffer: ArrayBuffer, region: number): Float32Array {
    const { at, n } = this.plan[region];
    return new Float32Array(buffer, at * 4, n);
  }
}

const padTo = (n: number, multiple: number): number => Math.ceil(n / multiple) * multiple;

interface StepLayer {
  units: number;
  /** Padded units (multiple of 8). */
  padded: number;
  /** Offset (floats) of this layer's h and c inside a stream's state block. */
  stateOffset: number;
  /** Input columns of the product: [h_(l-1), h_l] padded (layer 0: h_0 only). */
  k: number;
  /** Offset (floats) of the product's input inside a stream's state block. */
  inputOffset: number;
  weights: Float32Array;
  /** Layer 0: [V][4P] kernel rows by token plus bias (a one-hot input is a row lookup). Else [4P] bias. */
  init: Float32Array;
  z: Float32Array;
}

/**
 * Packs rows x k weights into PANEL-row panels: panel p holds, for each k, rows
 * p*PANEL .. p*PANEL+PANEL-1. `source(r, k)` gives a weight's index in `data`, or -1 for padding.
 */
function packPanels(
  out: Float32Array,
  rows: number,
  k: number,
  data: (kk: number) => { src: Float32Array; rowBase: number } | undefined,
  column: (r: number) => number,
): void {
  let o = 0;
  const columns = Int32Array.from({ length: rows }, (_, r) => column(r));
  for (let p = 0; p < rows; p += PANEL) {
    for (let kk = 0; kk < k; kk++) {
      const row = data(kk);
      for (let r = p; r < p + PANEL; r++) {
        const c = columns[r];
        out[o++] = row && c >= 0 ? row.src[row.rowBase + c] : 0;
      }
    }
  }
}

/** One-event-at-a-time inference over `batch` streams of a token model's weights. */
export class LstmStepper {
  readonly batch: number;
  readonly vocabSize: number;
  private readonly kernel: StepKernel;
  private readonly simd: boolean;
  private readonly layers: StepLayer[];
  /** Floats of one stream's state block (all layers' padded units). */
  private readonly stateWidth: number;
  /** [B][stateWidth] hidden states, [B][stateWidth] cell states. */
  private readonly h: Float32Array;
  private readonly c: Float32Array;
  private readonly denseWeights: Float32Array;
  private readonly denseBias: Float32Array;
  /** Vocabulary padded to whole panels. */
  private readonly paddedVocab: number;
  /** [B][paddedVocab]. */
  private readonly logits: Float32Array;
  /** [B][V]: what `step` returns (a view of `logits` when no padding). */
  private readonly out: Float32Array;
  /** [B][4P_0] token rows of the streams of a four-stream group. */
  private readonly tokenInit: Float32Array;
  private readonly team: StepTeam;
  /** Panel chunks [first, count] each product is split into (one chunk without a helper). */
  private readonly chunks: [number, number][][];
  /** Per layer, [first, count] ranges of 4-unit groups each stream's gates are split into. */
  private readonly gateChunks: [number, number][][];
  private readonly spec: StepKernelSpec;

  /**
   * Reads the weights once (copies); later model updates do not affect the stepper.
   * `options.simd: false` forces the plain-JS kernels (tests, debugging). `options.threads: 2`
   * (more count as 2) runs each step on this thread and a helper (only worth it when a second core is free;
   * the helper steps aside by itself when it falls behind). Call `close()` when done.
   */
  constructor(
    config: TokenModelConfig,
    weights: Record<string, WeightData>,
    batch = 1,
    options: { simd?: boolean; threads?: number } = {},
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
    const vocab = config.vocabSize;
    this.vocabSize = vocab;
    // Geometry first, so the kernel's memory can be sized before anything is copied in.
    const padded = config.layers.map((u) => padTo(u, 8));
    const offsets = padded.map((_, l) => padded.slice(0, l).reduce((a, b) => a + b, 0));
    this.stateWidth = padded.reduce((a, b) => a + b, 0);
    this.paddedVocab = padTo(vocab, PANEL);
    const top = padded.length - 1;
    const arena = new Arena();
    const geo = config.layers.map((units, l) => {
      const gates = 4 * padded[l];
      const k = l === 0 ? padded[0] : padded[l - 1] + padded[l];
      return {
        units,
        k,
        gates,
        weights: arena.reserve(gates * k),
        init: arena.reserve(l === 0 ? vocab * gates : gates),
        z: arena.reserve(batch * gates),
      };
    });
    const regions = {
      h: arena.reserve(batch * this.stateWidth),
      c: arena.reserve(batch * this.stateWidth),
      dense: arena.reserve(this.paddedVocab * padded[top]),
      denseBias: arena.reserve(this.paddedVocab),
      logits: arena.reserve(batch * this.paddedVocab),
      tokenInit: arena.reserve(batch * 4 * padded[0]),
      team: arena.reserve(TEAM_BYTES / 4),
    };
    const streamBytes = this.stateWidth * 4;
    const spec: StepKernelSpec = {
      bytes: arena.bytes + 64,
      matrices: [
        ...geo.map((g, l) => ({ x: streamBytes, init: l === 0 ? g.gates * 4 : 0, y: g.gates * 4 })),
        { x: streamBytes, init: 0, y: this.paddedVocab * 4 },
      ],
      layerUnits: padded,
    };
    this.spec = spec;
    const threaded = (options.threads ?? 1) >= 2 && options.simd !== false;
    const wasm =
      options.simd === false
        ? undefined
        : ((threaded ? createStepKernel(spec, { shared: true }) : undefined) ?? createStepKernel(spec));
    this.kernel = wasm ?? createStepKernelJs(spec);
    this.simd = wasm !== undefined;
    const buffer = this.kernel.memory.buffer as ArrayBuffer;
    const shared = this.kernel.shared;
    this.team = new StepTeam(
      this.kernel.table,
      shared && {
        kernel: shared,
        buffer: buffer as unknown as SharedArrayBuffer,
        control: arena.view(buffer, regions.team).byteOffset,
      },
    );
    if (this.team.threaded) helpers.register(this, this.team);
    // Enough chunks per product for both threads to share it, within a phase's job limit.
    const perProduct = this.team.threaded
      ? Math.max(1, Math.min(8, Math.floor(255 / ((batch >> 2) + (batch & 3)))))
      : 1;
    const split = (panels: number): [number, number][] => {
      const n = Math.min(perProduct, panels);
      return Array.from({ length: n }, (_, i) => {
        const from = Math.floor((i * panels) / n);
        return [from, Math.floor(((i + 1) * panels) / n) - from];
      });
    };
    this.chunks = [...geo.map((g) => split(g.gates / PANEL)), split(this.paddedVocab / PANEL)];
    // Fewer than four streams: split each stream's gates in two, so both threads have a share.
    const gateSplit = this.team.threaded && batch < 4 ? 2 : 1;
    this.gateChunks = padded.map((p) =>
      Array.from({ length: gateSplit }, (_, i): [number, number] => {
        const [from, to] = [Math.floor((i * p) / 4 / gateSplit), Math.floor(((i + 1) * p) / 4 / gateSplit)];
        return [from, to - from];
      }),
    );
    this.layers = geo.map((g, l) => {
      const units = g.units;
      const p = padded[l];
      // Padded gate row r -> column of the Keras kernels (gate r / P, unit r % P), -1 for padding.
      const column = (r: number): number => (r % p < units ? Math.floor(r / p) * units + (r % p) : -1);
      const kernel = weights[`lstm_${l}/kernel`].data;
      const recurrent = weights[`lstm_${l}/recurrent_kernel`].data;
      const bias = weights[`lstm_${l}/bias`].data;
      const below = l === 0 ? 0 : padded[l - 1];
      const belowUnits = l === 0 ? 0 : config.layers[l - 1];
      const layerWeights = arena.view(buffer, g.weights);
      packPanels(
        layerWeights,
        g.gates,
        g.k,
        (kk) => {
          if (kk < below) return kk < belowUnits ? { src: kernel, rowBase: kk * 4 * units } : undefined;
          const r = kk - below;
          return r < units ? { src: recurrent, rowBase: r * 4 * units } : undefined;
        },
        column,
      );
      const init = arena.view(buffer, g.init);
      const rows = l === 0 ? vocab : 1;
      for (let t = 0; t < rows; t++) {
        for (let r = 0; r < g.gates; r++) {
          const col = column(r);
          init[t * g.gates + r] = col < 0 ? 0 : (l === 0 ? kernel[t * 4 * units + col] : 0) + bias[col];
        }
      }
      return {
        units,
        padded: p,
        stateOffset: offsets[l],
        k: g.k,
        inputOffset: l === 0 ? 0 : offsets[l - 1],
        weights: layerWeights,
        init,
        z: arena.view(buffer, g.z),
      };
    });
    const topUnits = config.layers[top];
    this.denseWeights = arena.view(buffer, regions.dense);
    const dense = weights['dense/kernel'].data;
    packPanels(
      this.denseWeights,
      this.paddedVocab,
      padded[top],
      (kk) => (kk < topUnits ? { src: dense, rowBase: kk * vocab } : undefined),
      (r) => (r < vocab ? r : -1),
    );
    this.denseBias = arena.view(buffer, regions.denseBias);
    this.denseBias.set(weights['dense/bias'].data);
    this.h = arena.view(buffer, regions.h);
    this.c = arena.view(buffer, regions.c);
    this.logits = arena.view(buffer, regions.logits);
    this.out = this.paddedVocab === vocab ? this.logits : new Float32Array(batch * vocab);
    this.tokenInit = arena.view(buffer, regions.tokenInit);
  }

  /** True when the WebAssembly SIMD kernels are in use (false: plain-JS fallback). */
  get usesSimd(): boolean {
    return this.simd;
  }

  /** True while a helper thread takes part in each step. */
  get usesHelperThread(): boolean {
    return this.team.threaded;
  }

  /** Phases in which the helper fell behind (the second core was busy), for diagnostics. */
  get helperStalls(): number {
    return this.team.stalls;
  }

  /** Jobs the helper thread has run so far (diagnostics). */
  get helperJobs(): number {
    return this.team.helped;
  }

  /** Stops the helper thread, if any (the stepper keeps working on one thread). */
  close(): void {
    this.team.close();
    helpers.unregister(this);
  }

  /** Zeroes the states of one stream, or of all streams. */
  reset(stream?: number): void {
    const from = stream === undefined ? 0 : stream * this.stateWidth;
    const to = stream === undefined ? this.h.length : from + this.stateWidth;
    this.h.fill(0, from, to);
    this.c.fill(0, from, to);
  }

  /** A copy of all states (h then c per layer, each [B][units]), e.g. to branch a stream. */
  getState(): Float32Array[] {
    const read = (block: Float32Array, layer: StepLayer): Float32Array => {
      const out = new Float32Array(this.batch * layer.units);
      for (let b = 0; b < this.batch; b++) {
        const at = b * this.stateWidth + layer.stateOffset;
        out.set(block.subarray(at, at + layer.units), b * layer.units);
      }
      return out;
    };
    return [...this.layers.map((l) => read(this.h, l)), ...this.layers.map((l) => read(this.c, l))];
  }

  /** Restores states from `getState`. */
  setState(state: readonly Float32Array[]): void {
    const n = this.layers.length;
    if (state.length !== 2 * n)
      throw new Error(`Stepper state: expected ${2 * n} arrays, got ${state.length}`);
    this.layers.forEach((layer, l) => {
      const size = this.batch * layer.units;
      if (state[l].length !== size || state[n + l].length !== size) {
        throw new Error(`Stepper state: layer ${l} has the wrong size`);
      }
    });
    this.layers.forEach((layer, l) => {
      for (let b = 0; b < this.batch; b++) {
        const at = b * this.stateWidth + layer.stateOffset;
        const from = b * layer.units;
        this.h.set(state[l].subarray(from, from + layer.units), at);
        this.c.set(state[n + l].subarray(from, from + layer.units), at);
      }
    });
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
    const { team, layers } = this;
    const groups = batch >> 2;
    const stream = this.stateWidth * 4;
    const hAt = this.h.byteOffset;
    const cAt = this.c.byteOffset;
    const bytes = PANEL * 4;
    for (let l = 0; l < layers.length; l++) {
      const { weights, init, z, k, inputOffset, stateOffset } = layers[l];
      const gates = 4 * layers[l].padded;
      const w = weights.byteOffset;
      // Layer 0 starts from each stream's token row (bias included), the others from the bias.
      if (l === 0) {
        for (let b = 0; b < groups * 4; b++)
          this.tokenInit.set(init.subarray(tokens[b] * gates, (tokens[b] + 1) * gates), b * gates);
      }
      const four = jobIds.panels4(l);
      for (const [from, count] of this.chunks[l]) {
        const rows = from * bytes;
        for (let b = 0; b < groups * 4; b += 4) {
          const start = l === 0 ? this.tokenInit.byteOffset + b * gates * 4 : init.byteOffset;
          team.add(
            four,
            w + from * k * bytes,
            hAt + b * stream + inputOffset * 4,
            start + rows,
            z.byteOffset + b * gates * 4 + rows,
            count,
            k,
          );
        }
        for (let b = groups * 4; b < batch; b++) {
          const start = init.byteOffset + (l === 0 ? tokens[b] * gates * 4 : 0);
          team.add(
            jobIds.panels,
            w + from * k * bytes,
            hAt + b * stream + inputOffset * 4,
            start + rows,
            z.byteOffset + b * gates * 4 + rows,
            count,
            k,
          );
        }
      }
      team.run();
      const gatesJob = jobIds.gates(this.spec, l);
      for (let b = 0; b < batch; b++) {
        const [zb, cb, hb] = [
          z.byteOffset + b * gates * 4,
          cAt + b * stream + stateOffset * 4,
          hAt + b * stream + stateOffset * 4,
        ];
        for (const [from, groups] of this.gateChunks[l])
          team.add(gatesJob, zb + from * 16, cb + from * 16, hb + from * 16, groups);
      }
      team.run();
    }
    const top = layers[layers.length - 1];
    const vp = this.paddedVocab;
    const x = hAt + top.stateOffset * 4;
    const dense = this.denseWeights.byteOffset;
    const bias = this.denseBias.byteOffset;
    const logits = this.logits.byteOffset;
    const four = jobIds.panels4(layers.length);
    for (const [from, count] of this.chunks[layers.length]) {
      const rows = from * bytes;
      const w = dense + from * top.padded * bytes;
      for (let b = 0; b < groups * 4; b += 4)
        team.add(four, w, x + b * stream, bias + rows, logits + b * vp * 4 + rows, count, top.padded);
      for (let b = groups * 4; b < batch; b++)
        team.add(
          jobIds.panels,
          w,
          x + b * stream,
          bias + rows,
          logits + b * vp * 4 + rows,
          count,
          top.padded,
        );
    }
    team.run();
    if (this.out !== this.logits) {
      const vocab = this.vocabSize;
      for (let b = 0; b < batch; b++) this.out.set(this.logits.subarray(b * vp, b * vp + vocab), b * vocab);
    }
    return this.out;
  }
}
