import {
  F32,
  functionBody,
  I32,
  name,
  op,
  section,
  uleb,
  V128,
  wasmApi,
  type WasmMemory,
} from './wasm_asm.ts';

/**
 * A register-blocked f32x4 matrix product, hand-assembled as WebAssembly SIMD (wasm_asm.ts),
 * for the LSTM's recurrent loop: C[m, N] += A[m, K] . B[K, N], all row-major and contiguous
 * in a shared memory. One module per (K, N): the sizes are baked into the load offsets, so
 * the inner loop is loads, multiplies and adds only. Tiles of 4 rows x 8 columns keep 8
 * accumulators in registers (V8 has 16 on x64); leftover rows use 1-row tiles, leftover
 * columns 4-wide or scalar ones, so any m, K, N work. Summation runs over k in order, each
 * output element as one running f32 sum (same rounding as a naive loop, not as XNNPACK).
 *
 * Measured here against tfjs-wasm's XNNPACK at the per-step shapes of the reference model
 * (16 x 256 x 1024 and 16 x 1024 x 256), it is as fast or faster and has no per-call overhead.
 */

/** C += A . B for a given (K, N); byte addresses into the kernel's memory, m rows. */
export type GemmFn = (a: number, b: number, c: number, m: number) => void;

/**
 * Copies `k` rows of a row-major [k, N] matrix at `src` into `gemm`'s packed layout at
 * `dst` (see `packB`), adding each column's sum to the N floats at `sums`.
 */
export type PackFn = (src: number, dst: number, k: number, sums: number) => void;

/**
 * Sizes baked into one module: K, N, and the byte steps of A between output rows (`aRow`)
 * and between k (`aK`). Row-major A: aRow = 4K, aK = 4. A stored transposed, as a [K, W]
 * row-major matrix (weight gradients, X^T . dZ): aRow = 4, aK = 4W.
 */
interface GemmShape {
  k: number;
  n: number;
  aRow: number;
  aK: number;
}

/**
 * k steps per inner-loop iteration. Measured (16 x 256 x 1024, 4 x 8 tiles): 1 step ran at
 * ~40 GFLOP/s, 2 at ~28, 4 at ~23, 8 at ~15 (V8 seems to spill when unrolled); kept as a
 * knob for other machines.
 */
const UNROLL = 1;
/** Row tiles, largest first, the last 1 (measured: 4 beat 5 and 6 here, ~40 vs ~35 and ~27 GFLOP/s). */
const ROW_TILES: readonly number[] = [4, 1];

// Locals: params a, b, c, m; then i32 jb, pa, pb, pc, pk, rows, kc; v128 acc[8], bv[2], s; f32 fa[4], fb, fs.
const A = 0;
const B = 1;
const C = 2;
const M = 3;
const JB = 4;
const PA = 5;
const PB = 6;
const PC = 7;
const PK = 8;
const ROWS_LEFT = 9;
const KC = 10;
const ACC = 11;
const MAX_ACCS = 12;
const BV = ACC + MAX_ACCS;
const S = BV + 2;
const FACC = S + 1;
const FB = FACC + 4;
const FS = FB + 1;

/** One tile of `rows` rows x `vecs` f32x4 columns (vecs 0: one scalar column) at pa/pc, columns at jb. */
function tile(g: GemmShape, rows: number, vecs: number): number[] {
  const { k, n, aRow, aK } = g;
  const scalar = vecs === 0;
  const rowsIdx = Array.from({ length: rows }, (_, r) => r);
  const vecsIdx = Array.from({ length: scalar ? 1 : vecs }, (_, v) => v);
  const acc = (r: number, v: number) => (scalar ? FACC + r : ACC + r * 2 + v);
  // Bytes of one k row of this strip in the packed B.
  const width = scalar ? 4 : vecs * 16;
  const step = (u: number): number[] => [
    ...vecsIdx.flatMap((v) =>
      scalar
        ? [...op.get(PB), ...op.f32Load(u * 4), ...op.set(FB)]
        : [...op.get(PB), ...op.v128Load(u * width + v * 16), ...op.set(BV + v)],
    ),
    ...rowsIdx.flatMap((r) => [
      ...op.get(PK),
      ...(scalar ? op.f32Load(r * aRow + u * aK) : op.v128Load32Splat(r * aRow + u * aK)),
      ...op.set(scalar ? FS : S),
      ...vecsIdx.flatMap((v) =>
        scalar
          ? [
              ...op.get(acc(r, v)),
              ...op.get(FS),
              ...op.get(FB),
              ...op.f32Mul,
              ...op.f32Add,
              ...op.set(acc(r, v)),
            ]
          : [
              ...op.get(acc(r, v)),
              ...op.get(S),
              ...op.get(BV + v),
              ...op.f32x4Mul,
              ...op.f32x4Add,
              ...op.set(acc(r, v)),
            ],
      ),
    ]),
  ];
  const loops = Math.floor(k / UNROLL);
  return [
    // Accumulators start from C (C += A . B).
    ...rowsIdx.flatMap((r) =>
      vecsIdx.flatMap((v) => [
        ...op.get(PC),
        ...(scalar ? op.f32Load(r * n * 4) : op.v128Load(r * n * 4 + v * 16)),
        ...op.set(acc(r, v)),
      ]),
    ),
    ...op.get(PA),
    ...op.set(PK),
    // The strip at column j0 starts at float j0 * K of the packed B, i.e. at byte jb * K.
    ...op.get(B),
    ...op.get(JB),
    ...op.i32(k),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(PB),
    ...(loops > 0
      ? [
          ...op.i32(loops),
          ...op.set(KC),
          ...op.loop,
          ...Array.from({ length: UNROLL }, (_, u) => step(u)).flat(),
          ...op.get(PK),
          ...op.i32(UNROLL * aK),
          ...op.i32Add,
          ...op.set(PK),
          ...op.get(PB),
          ...op.i32(UNROLL * width),
          ...op.i32Add,
          ...op.set(PB),
          ...op.get(KC),
          ...op.i32(1),
          ...op.i32Sub,
          ...op.tee(KC),
          ...op.brIf(0),
          ...op.end,
        ]
      : []),
    ...Array.from({ length: k % UNROLL }, (_, u) => step(u)).flat(),
    ...rowsIdx.flatMap((r) =>
      vecsIdx.flatMap((v) => [
        ...op.get(PC),
        ...op.get(acc(r, v)),
        ...(scalar ? op.f32Store(r * n * 4) : op.v128Store(r * n * 4 + v * 16)),
      ]),
    ),
  ];
}

/** All rows of one column strip at jb: 4-row tiles, then 1-row tiles. */
function strip(g: GemmShape, vecs: number, tiles: readonly number[]): number[] {
  const { n, aRow } = g;
  const rowLoop = (rows: number): number[] => [
    ...op.block,
    ...op.loop,
    ...op.get(ROWS_LEFT),
    ...op.i32(rows),
    ...op.i32LtS,
    ...op.brIf(1),
    ...tile(g, rows, vecs),
    ...op.get(PA),
    ...op.i32(rows * aRow),
    ...op.i32Add,
    ...op.set(PA),
    ...op.get(PC),
    ...op.i32(rows * n * 4),
    ...op.i32Add,
    ...op.set(PC),
    ...op.get(ROWS_LEFT),
    ...op.i32(rows),
    ...op.i32Sub,
    ...op.set(ROWS_LEFT),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return [
    ...op.get(A),
    ...op.set(PA),
    ...op.get(C),
    ...op.get(JB),
    ...op.i32Add,
    ...op.set(PC),
    ...op.get(M),
    ...op.set(ROWS_LEFT),
    ...tiles.flatMap(rowLoop),
  ];
}

function gemmCode(g: GemmShape, tiles: readonly number[]): number[] {
  const { n } = g;
  const wide = Math.floor(n / 8);
  const code: number[] = [...op.i32(0), ...op.set(JB)];
  if (wide > 0)
    code.push(
      ...op.loop,
      ...strip(g, 2, tiles),
      ...op.get(JB),
      ...op.i32(32),
      ...op.i32Add,
      ...op.tee(JB),
      ...op.i32(wide * 32),
      ...op.i32LtS,
      ...op.brIf(0),
      ...op.end,
    );
  let column = wide * 8;
  if (n - column >= 4) {
    code.push(...op.i32(column * 4), ...op.set(JB), ...strip(g, 1, tiles));
    column += 4;
  }
  for (; column < n; column++) code.push(...op.i32(column * 4), ...op.set(JB), ...strip(g, 0, tiles));
  return code;
}

/**
 * The module's bytes: imports env.memory, exports gemm(a, b, c, m) for this (K, N).
 * `aTransposedWidth`: A is given as A^T, a [K, aTransposedWidth] row-major matrix (m <= that width).
 */
export function gemmModuleBytes(
  k: number,
  n: number,
  aTransposedWidth?: number,
  tiles: readonly number[] = ROW_TILES,
): Uint8Array {
  const shape: GemmShape = aTransposedWidth
    ? { k, n, aRow: 4, aK: 4 * aTransposedWidth }
    : { k, n, aRow: 4 * k, aK: 4 };
  const body = functionBody(
    [
      [7, I32],
      [MAX_ACCS + 3, V128],
      [6, F32],
    ],
    gemmCode(shape, tiles),
  );
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]), // type: (i32 x 4) -> ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]), // import memory
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('gemm'), 0x00, 0]),
    ...section(10, [1, ...body]),
  ];
  return new Uint8Array(bytes);
}

/**
 * The column strips `gemm` reads B in: 8-wide strips, then a 4-wide one, then single
 * columns, each strip stored k-row after k-row, so a strip is one contiguous run (B's own
 * rows are N floats apart, and a column walk with that stride thrashes the L1 cache).
 * `transposed`: `src` is B^T, [N, K] row-major. Writes K * N floats into `dst` at `offset`.
 */
export function packB(
  src: Float32Array,
  k: number,
  n: number,
  dst: Float32Array,
  offset: number,
  transposed = false,
): void {
  let out = offset;
  let j0 = 0;
  const strips: number[] = [];
  for (; j0 + 8 <= n; j0 += 8) strips.push(8);
  if (n - j0 >= 4) strips.push(4);
  while (strips.reduce((a, b) => a + b, 0) < n) strips.push(1);
  j0 = 0;
  for (const width of strips) {
    for (let kk = 0; kk < k; kk++) {
      if (transposed) for (let j = 0; j < width; j++) dst[out++] = src[(j0 + j) * k + kk];
      else {
        const row = kk * n + j0;
        for (let j = 0; j < width; j++) dst[out++] = src[row + j];
      }
    }
    j0 += width;
  }
}

/**
 * Instantiates the kernel for (K, N) over `memory` (A row-major, or stored transposed with
 * row length `aTransposedWidth`); throws when WebAssembly SIMD is unavailable.
 */
export function createGemm(memory: WasmMemory, k: number, n: number, aTransposedWidth?: number): GemmFn {
  if (!(Number.isInteger(k) && k >= 1 && Number.isInteger(n) && n >= 1))
    throw new Error(`gemm: bad sizes K=${k}, N=${n}`);
  const module = new wasmApi.Module(gemmModuleBytes(k, n, aTransposedWidth));
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports.gemm as GemmFn;
}

// Locals of pack: params src, dst, k, sums; then i32 jb, ps, kc; v128 v0, v1, s0, s1; f32 f, fs.
const [P_SRC, P_DST, P_K, P_SUMS, P_JB, P_PS, P_KC] = [0, 1, 2, 3, 4, 5, 6];
const [P_V, P_S] = [7, 9];
const [P_F, P_FS] = [11, 12];

/** Packs one strip of `vecs` f32x4 columns (0: one scalar column) at jb, adding to its sums. */
function packStrip(n: number, vecs: number): number[] {
  const scalar = vecs === 0;
  const lanes = Array.from({ length: scalar ? 1 : vecs }, (_, v) => v);
  const width = scalar ? 4 : vecs * 16;
  const zero = scalar ? [0x43, 0, 0, 0, 0] : op.f32x4Const(0); // f32.const 0 / v128 zeros
  const add = scalar ? op.f32Add : op.f32x4Add;
  const load = (offset: number) => (scalar ? op.f32Load(offset) : op.v128Load(offset));
  const store = (offset: number) => (scalar ? op.f32Store(offset) : op.v128Store(offset));
  const value = (v: number) => (scalar ? P_F : P_V + v);
  const sum = (v: number) => (scalar ? P_FS : P_S + v);
  return [
    ...lanes.flatMap((v) => [...zero, ...op.set(sum(v))]),
    ...op.get(P_SRC),
    ...op.get(P_JB),
    ...op.i32Add,
    ...op.set(P_PS),
    ...op.get(P_K),
    ...op.set(P_KC),
    ...op.loop,
    ...lanes.flatMap((v) => [
      ...op.get(P_PS),
      ...load(v * 16),
      ...op.set(value(v)),
      ...op.get(P_DST),
      ...op.get(value(v)),
      ...store(v * 16),
      ...op.get(sum(v)),
      ...op.get(value(v)),
      ...add,
      ...op.set(sum(v)),
    ]),
    ...op.get(P_PS),
    ...op.i32(n * 4),
    ...op.i32Add,
    ...op.set(P_PS),
    ...op.get(P_DST),
    ...op.i32(width),
    ...op.i32Add,
    ...op.set(P_DST),
    ...op.get(P_KC),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.tee(P_KC),
    ...op.brIf(0),
    ...op.end,
    ...lanes.flatMap((v) => [
      ...op.get(P_SUMS),
      ...op.get(P_JB),
      ...op.i32Add,
      ...op.get(P_SUMS),
      ...op.get(P_JB),
      ...op.i32Add,
      ...load(v * 16),
      ...op.get(sum(v)),
      ...add,
      ...store(v * 16),
    ]),
  ];
}

/** Bytes of the pack module for N columns: exports pack(src, dst, k, sums). */
export function packModuleBytes(n: number): Uint8Array {
  const wide = Math.floor(n / 8);
  const code: number[] = [...op.i32(0), ...op.set(P_JB)];
  if (wide > 0)
    code.push(
      ...op.loop,
      ...packStrip(n, 2),
      ...op.get(P_JB),
      ...op.i32(32),
      ...op.i32Add,
      ...op.tee(P_JB),
      ...op.i32(wide * 32),
      ...op.i32LtS,
      ...op.brIf(0),
      ...op.end,
    );
  let column = wide * 8;
  if (n - column >= 4) {
    code.push(...op.i32(column * 4), ...op.set(P_JB), ...packStrip(n, 1));
    column += 4;
  }
  for (; column < n; column++) code.push(...op.i32(column * 4), ...op.set(P_JB), ...packStrip(n, 0));
  const body = functionBody(
    [
      [3, I32],
      [4, V128],
      [2, F32],
    ],
    code,
  );
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('pack'), 0x00, 0]),
    ...section(10, [1, ...body]),
  ];
  return new Uint8Array(bytes);
}

/** Instantiates the packer for N columns over `memory` (the wasm twin of `packB`, plus column sums). */
export function createPack(memory: WasmMemory, n: number): PackFn {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`pack: bad width N=${n}`);
  const module = new wasmApi.Module(packModuleBytes(n));
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports.pack as PackFn;
}

/** Copies B^T ([N, K] row-major at `src`) into `gemm`'s packed layout of B at `dst` (the wasm twin of `packB(…, true)`). */
export type PackTransposedFn = (src: number, dst: number) => void;

// Locals of packTransposed: params src, dst; then i32 ps, kc, strip.
const [T_SRC, T_DST, T_PS, T_KC, T_STRIP] = [0, 1, 2, 3, 4];

/** One strip of `width` columns (rows of the source) starting at source byte offset T_SRC. */
function transposedStrip(k: number, width: number): number[] {
  return [
    ...op.get(T_SRC),
    ...op.set(T_PS),
    ...op.i32(k),
    ...op.set(T_KC),
    ...op.loop,
    ...Array.from({ length: width }, (_, j) => [
      ...op.get(T_DST),
      ...op.get(T_PS),
      ...op.f32Load(j * k * 4),
      ...op.f32Store(j * 4),
    ]).flat(),
    ...op.get(T_PS),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(T_PS),
    ...op.get(T_DST),
    ...op.i32(width * 4),
    ...op.i32Add,
    ...op.set(T_DST),
    ...op.get(T_KC),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.tee(T_KC),
    ...op.brIf(0),
    ...op.end,
    // the next strip starts `width` source rows further
    ...op.get(T_SRC),
    ...op.i32(width * k * 4),
    ...op.i32Add,
    ...op.set(T_SRC),
  ];
}

/** Bytes of the transposed packer for B of [K, N]: exports packT(src, dst). */
export function packTransposedModuleBytes(k: number, n: number): Uint8Array {
  const wide = Math.floor(n / 8);
  const code: number[] = [];
  if (wide > 0)
    code.push(
      ...op.i32(wide),
      ...op.set(T_STRIP),
      ...op.loop,
      ...transposedStrip(k, 8),
      ...op.get(T_STRIP),
      ...op.i32(1),
      ...op.i32Sub,
      ...op.tee(T_STRIP),
      ...op.brIf(0),
      ...op.end,
    );
  let column = wide * 8;
  if (n - column >= 4) {
    code.push(...transposedStrip(k, 4));
    column += 4;
  }
  for (; column < n; column++) code.push(...transposedStrip(k, 1));
  const body = functionBody([[3, I32]], code);
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('packT'), 0x00, 0]),
    ...section(10, [1, ...body]),
  ];
  return new Uint8Array(bytes);
}

/** Instantiates the transposed packer for B of [K, N] over `memory`. */
export function createPackTransposed(memory: WasmMemory, k: number, n: number): PackTransposedFn {
  if (!(Number.isInteger(k) && k >= 1 && Number.isInteger(n) && n >= 1))
    throw new Error(`packT: bad sizes K=${k}, N=${n}`);
  const module = new wasmApi.Module(packTransposedModuleBytes(k, n));
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports.packT as PackTransposedFn;
}
