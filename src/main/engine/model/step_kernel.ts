import { moduleBytes, WasmFunction } from './gen_kernel_asm.ts';
import { I32, op, V128 } from './wasm_asm.ts';

/**
 * The generation stepper's WebAssembly SIMD kernels, built per stepper geometry (strides and
 * sizes baked into the code, so inner loops are loads, multiplies and adds only).
 *
 * Matrices are stored in panels of PANEL rows: panel p holds, for each input column k in
 * order, its PANEL weights W[p*PANEL .. p*PANEL+PANEL)[k] (an "axpy" layout). The kernel keeps
 * a panel's outputs in registers and walks k once: per k one splat of x[k] and PANEL/4
 * multiply-adds, no horizontal sums. Measured on this machine (AVX-512 EPYC, idle-ish), a
 * 1024x512 product takes ~40 us (~50 GB/s, at the cache bandwidth) against ~75 us for the
 * row-major dot-product kernel it replaces; 256x256 fits the cache and runs at ~65 GB/s.
 *
 * Each output is one running f32 sum init + W[r][0]*x[0] + W[r][1]*x[1] + ... in k order, so
 * results do not depend on how rows are split between calls.
 */

/** Rows per panel (8 f32x4 accumulators: V8 has 16 vector registers on x64). */
export const PANEL = 32;

/** (w, x, init, y, panels, k): y[r] = init[r] + sum_k W[r][k] x[k] for r < panels * PANEL (byte addresses). */
export type PanelsFn = (w: number, x: number, init: number, y: number, panels: number, k: number) => void;
/** (z, c, h, groups): one LSTM layer's gate maths for `groups` x 4 units of one stream; see `gatesFunction`. */
export type GatesFn = (z: number, c: number, h: number, groups: number) => void;

/** Strides (bytes) of a four-stream product: stream s reads x + s*x, init + s*init, writes y + s*y. */
export interface StreamStrides {
  x: number;
  init: number;
  y: number;
}

/** What a stepper needs: memory size, one four-stream product per matrix, gates per layer. */
export interface StepKernelSpec {
  bytes: number;
  /** Strides of each matrix's four-stream product. */
  matrices: readonly StreamStrides[];
  /** Padded units (multiple of 4) of each layer. */
  layerUnits: readonly number[];
}

export interface StepKernel {
  readonly memory: { buffer: ArrayBuffer | SharedArrayBuffer };
  /** One stream. */
  panels: PanelsFn;
  /** Four streams per call, each weight loaded once for the four; by matrix of the spec. */
  panels4: readonly PanelsFn[];
  /** By layer of the spec. */
  gates: readonly GatesFn[];
  /** Every function by job id: panels, then panels4 by matrix, then gates by layer. */
  table: readonly ((...args: number[]) => void)[];
  /** With `shared: true`: what a helper thread needs to run the same code on the same memory. */
  shared?: SharedKernel;
}

/** The compiled module, its shared memory, and the export names in `table` order. */
export interface SharedKernel {
  module: object;
  memory: object;
  names: readonly string[];
}

/** Job ids of `StepKernel.table`. */
export const jobIds = {
  panels: 0,
  panels4: (matrix: number): number => 1 + matrix,
  gates: (spec: StepKernelSpec, layer: number): number => 1 + spec.matrices.length + layer,
};

function panelsFunction(): WasmFunction {
  const f = new WasmFunction('panels', [I32, I32, I32, I32, I32, I32]);
  const [W, X, INIT, Y, PANELS, K] = [0, 1, 2, 3, 4, 5];
  const kp = f.local(I32);
  const kEnd = f.local(I32);
  const s = f.local(V128);
  const acc = Array.from({ length: PANEL / 4 }, () => f.local(V128));
  const bytes = PANEL * 4;
  f.emit(op.block, op.loop, op.get(PANELS), op.i32Eqz, op.brIf(1));
  acc.forEach((a, i) => f.emit(op.get(INIT), op.v128Load(16 * i), op.set(a)));
  f.emit(op.get(X), op.set(kp), op.get(X), op.get(K), op.i32(4), op.i32Mul, op.i32Add, op.set(kEnd));
  f.emit(op.loop, op.get(kp), op.v128Load32Splat(0), op.set(s));
  acc.forEach((a, i) =>
    f.emit(op.get(a), op.get(W), op.v128Load(16 * i), op.get(s), op.f32x4Mul, op.f32x4Add, op.set(a)),
  );
  f.emit(op.get(W), op.i32(bytes), op.i32Add, op.set(W));
  f.emit(op.get(kp), op.i32(4), op.i32Add, op.tee(kp), op.get(kEnd), op.i32Ne, op.brIf(0), op.end);
  acc.forEach((a, i) => f.emit(op.get(Y), op.get(a), op.v128Store(16 * i)));
  f.emit(
    op.get(Y),
    op.i32(bytes),
    op.i32Add,
    op.set(Y),
    op.get(INIT),
    op.i32(bytes),
    op.i32Add,
    op.set(INIT),
  );
  f.emit(op.get(PANELS), op.i32(1), op.i32Sub, op.set(PANELS), op.br(0), op.end, op.end);
  return f;
}

/**
 * Four streams: each panel in chunks of 8 rows (2 weight vectors x 4 streams = 8 accumulators),
 * so each weight vector is loaded once for the four streams. Measured: 4 streams cost ~2.7x one
 * stream of `panels` on a 1024x512 matrix (the multiply-adds, not the loads, set the pace).
 */
function panels4Function(name: string, strides: StreamStrides): WasmFunction {
  const f = new WasmFunction(name, [I32, I32, I32, I32, I32, I32]);
  const [W, X, INIT, Y, PANELS, K] = [0, 1, 2, 3, 4, 5];
  const kp = f.local(I32);
  const kEnd = f.local(I32);
  const wp = f.local(I32);
  const s = f.local(V128);
  const chunk = 8;
  const vecs = chunk / 4;
  const streams = [0, 1, 2, 3];
  const wv = Array.from({ length: vecs }, () => f.local(V128));
  const acc = Array.from({ length: 4 * vecs }, () => f.local(V128));
  const bytes = PANEL * 4;
  f.emit(op.block, op.loop, op.get(PANELS), op.i32Eqz, op.brIf(1));
  for (let c = 0; c < PANEL / chunk; c++) {
    const rowBytes = (a: number): number => c * chunk * 4 + 16 * a;
    for (const st of streams)
      wv.forEach((_, a) =>
        f.emit(op.get(INIT), op.v128Load(st * strides.init + rowBytes(a)), op.set(acc[st * vecs + a])),
      );
    f.emit(op.get(W), op.set(wp), op.get(X), op.set(kp));
    f.emit(op.get(X), op.get(K), op.i32(4), op.i32Mul, op.i32Add, op.set(kEnd));
    f.emit(op.loop);
    wv.forEach((v, a) => f.emit(op.get(wp), op.v128Load(rowBytes(a)), op.set(v)));
    for (const st of streams) {
      f.emit(op.get(kp), op.v128Load32Splat(st * strides.x), op.set(s));
      wv.forEach((v, a) => {
        const sum = acc[st * vecs + a];
        f.emit(op.get(sum), op.get(v), op.get(s), op.f32x4Mul, op.f32x4Add, op.set(sum));
      });
    }
    f.emit(op.get(wp), op.i32(bytes), op.i32Add, op.set(wp));
    f.emit(op.get(kp), op.i32(4), op.i32Add, op.tee(kp), op.get(kEnd), op.i32Ne, op.brIf(0), op.end);
    for (const st of streams)
      wv.forEach((_, a) =>
        f.emit(op.get(Y), op.get(acc[st * vecs + a]), op.v128Store(st * strides.y + rowBytes(a))),
      );
  }
  f.emit(op.get(W), op.get(K), op.i32(bytes), op.i32Mul, op.i32Add, op.set(W));
  f.emit(
    op.get(Y),
    op.i32(bytes),
    op.i32Add,
    op.set(Y),
    op.get(INIT),
    op.i32(bytes),
    op.i32Add,
    op.set(INIT),
  );
  f.emit(op.get(PANELS), op.i32(1), op.i32Sub, op.set(PANELS), op.br(0), op.end, op.end);
  return f;
}

/**
 * exp of the vector on the stack, leaving the result on the stack (Cephes expf: 2^n times a
 * degree-6 polynomial of the remainder, ~1e-7 relative error). The input is clamped to
 * [-87, 87], where 2^n stays a normal float; NaN stays NaN.
 */
function emitExp(f: WasmFunction, t: { x: number; n: number; r: number }): void {
  // n = round(x log2 e) by adding and removing 1.5 * 2^23, whose low mantissa bits then hold n
  const magic = 12582912;
  f.emit(op.f32x4Const(-87), op.f32x4Max, op.f32x4Const(87), op.f32x4Min, op.tee(t.x));
  f.emit(op.f32x4Const(Math.LOG2E), op.f32x4Mul, op.f32x4Const(magic), op.f32x4Add, op.tee(t.r));
  f.emit(op.f32x4Const(magic), op.f32x4Sub, op.set(t.n));
  // 2^n: n's bits shifted into the exponent field, plus the bias 127 (as the bits of 1.0)
  f.emit(op.get(t.r), op.i32(23), op.i32x4Shl, op.i32x4Const(0x3f800000), op.i32x4Add);
  // r = x - n*C1 - n*C2 (ln 2 split in two for an exact first product)
  f.emit(op.get(t.x), op.get(t.n), op.f32x4Const(0.693359375), op.f32x4Mul, op.f32x4Sub);
  f.emit(op.get(t.n), op.f32x4Const(-2.1219444e-4), op.f32x4Mul, op.f32x4Sub, op.set(t.r));
  const coefficients = [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
  f.emit(op.f32x4Const(1.98756915e-4));
  for (const c of coefficients) f.emit(op.get(t.r), op.f32x4Mul, op.f32x4Const(c), op.f32x4Add);
  // (p * r^2 + r + 1) * 2^n
  f.emit(
    op.get(t.r),
    op.f32x4Mul,
    op.get(t.r),
    op.f32x4Mul,
    op.get(t.r),
    op.f32x4Add,
    op.f32x4Const(1),
    op.f32x4Add,
    op.f32x4Mul,
  );
}

/**
 * Gates of one layer with `units` (multiple of 4) padded units, for units [0, 4 * groups) from
 * the given addresses (so a range can start anywhere): z holds the pre-activations
 * [i | f | g | o], each `units` long (Keras order), c and h the cell and hidden states,
 * updated in place: c = sigmoid(f) c + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c).
 * sigmoid(x) = 1 / (1 + exp(-x)), tanh(x) = 1 - 2 / (1 + exp(2x)).
 */
function gatesFunction(name: string, units: number): WasmFunction {
  const f = new WasmFunction(name, [I32, I32, I32, I32]);
  const [Z, C, H, left] = [0, 1, 2, 3];
  const t = { x: f.local(V128), n: f.local(V128), r: f.local(V128) };
  const [gi, gf, gg, go, cell] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const gate = units * 4;
  const sigmoid = (offset: number, into: number): void => {
    f.emit(op.f32x4Const(1), op.f32x4Const(1), op.get(Z), op.v128Load(offset), op.f32x4Neg);
    emitExp(f, t);
    f.emit(op.f32x4Add, op.f32x4Div, op.set(into));
  };
  /** tanh of the vector in local `src`, left on the stack. */
  const tanh = (src: number): void => {
    f.emit(op.f32x4Const(1), op.f32x4Const(2), op.f32x4Const(1), op.get(src), op.get(src), op.f32x4Add);
    emitExp(f, t);
    f.emit(op.f32x4Add, op.f32x4Div, op.f32x4Sub);
  };
  f.emit(op.block, op.loop, op.get(left), op.i32Eqz, op.brIf(1));
  sigmoid(0, gi);
  sigmoid(gate, gf);
  sigmoid(3 * gate, go);
  f.emit(op.get(Z), op.v128Load(2 * gate), op.set(gg));
  tanh(gg);
  f.emit(op.set(gg));
  // c = f * c + i * g
  f.emit(
    op.get(gf),
    op.get(C),
    op.v128Load(0),
    op.f32x4Mul,
    op.get(gi),
    op.get(gg),
    op.f32x4Mul,
    op.f32x4Add,
    op.set(cell),
  );
  f.emit(op.get(C), op.get(cell), op.v128Store(0));
  f.emit(op.get(H), op.get(go));
  tanh(cell);
  f.emit(op.f32x4Mul, op.v128Store(0));
  for (const p of [Z, C, H]) f.emit(op.get(p), op.i32(16), op.i32Add, op.set(p));
  f.emit(op.get(left), op.i32(1), op.i32Sub, op.set(left), op.br(0), op.end, op.end);
  return f;
}

/** The WebAssembly API (Node's type definitions without the DOM lib do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => {
    buffer: SharedArrayBuffer;
  };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * The kernels for `spec`, or undefined when this runtime has no WebAssembly SIMD (or, with
 * `shared`, no shared memory). `shared`: the memory is a shared one a worker can use too.
 */
export function createStepKernel(
  spec: StepKernelSpec,
  options: { shared?: boolean } = {},
): StepKernel | undefined {
  if (!wasm) return undefined;
  try {
    const functions = [
      panelsFunction(),
      ...spec.matrices.map((strides, m) => panels4Function(`panels4_${m}`, strides)),
      ...spec.layerUnits.map((units, l) => gatesFunction(`gates_${l}`, units)),
    ];
    const pages = Math.max(1, Math.ceil(spec.bytes / 65536));
    const module = new wasm.Module(moduleBytes(functions, pages, options.shared ? pages : undefined));
    const memory = options.shared
      ? new wasm.Memory({ initial: pages, maximum: pages, shared: true })
      : undefined;
    const e = new wasm.Instance(module, memory ? { env: { memory } } : {}).exports;
    const names = functions.map((f) => f.exportName);
    return {
      memory: memory ?? (e.memory as { buffer: ArrayBuffer }),
      panels: e.panels as PanelsFn,
      panels4: spec.matrices.map((_, m) => e[`panels4_${m}`] as PanelsFn),
      gates: spec.layerUnits.map((_, l) => e[`gates_${l}`] as GatesFn),
      table: names.map((n) => e[n] as (...args: number[]) => void),
      shared: memory ? { module, memory, names } : undefined,
    };
  } catch {
    return undefined;
  }
}
