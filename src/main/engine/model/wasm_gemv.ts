/**
 * A tiny hand-assembled WebAssembly SIMD kernel for matrix-vector products, used by the
 * generation stepper: JS scalar loops reach ~0.6 GMAC/s here, f32x4 about 4x that.
 *
 * The module is built as bytes at run time (no toolchain, no .wasm file to ship or locate),
 * with a memory sized for the caller. It exports `memory` and
 *   gemv(w, x, y, rows, cols): y[j] += sum_k W[j][k] * x[k]  for j < rows
 * where W is row-major [rows][cols] at byte address w, x at x, y at y (all f32, 16-byte
 * aligned) and cols is a positive multiple of GEMV_COL_MULTIPLE (pad with zeros).
 */

/** The instantiated kernel. */
export interface GemvKernel {
  memory: { buffer: ArrayBuffer };
  gemv(w: number, x: number, y: number, rows: number, cols: number): void;
  /**
   * Four streams at once: y_s[j] += W[j] . x_s for s < 4, where x_s = x + s * xStride and
   * y_s = y + s * yStride (byte addresses). Each weight vector is loaded once for the four
   * streams, so four variations read the weights once instead of four times.
   */
  gemv4(w: number, x: number, y: number, rows: number, cols: number, xStride: number, yStride: number): void;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// Opcodes.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_EQZ = 0x45;
const F32_LOAD = 0x2a;
const F32_STORE = 0x38;
const F32_ADD = 0x92;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const SIMD = 0xfd;
const simd = (op: number): number[] => [SIMD, ...uleb(op)];
const V128_LOAD = (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)];
const V128_CONST_ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const F32X4_EXTRACT_LANE = (lane: number): number[] => [...simd(0x1f), lane];
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);

/** Independent f32x4 accumulators per row: hides the add latency (cols step = 4 * ACCS). */
const ACCS = 4;
/** Columns consumed per inner iteration; callers pad rows to a multiple of this. */
export const GEMV_COL_MULTIPLE = 4 * ACCS;

// Locals of gemv: params w, x, y, rows, cols; then k, xp (i32), ACCS accumulators (v128).
const [W, X, Y, ROWS, COLS, K, XP, ACC] = [0, 1, 2, 3, 4, 5, 6, 7];

function gemvBody(): number[] {
  const accs = Array.from({ length: ACCS }, (_, a) => ACC + a);
  const stride = 16 * ACCS;
  // prettier-ignore
  const code: number[] = [
    BLOCK, VOID,
    LOOP, VOID,
    LOCAL_GET, ROWS, I32_EQZ, BR_IF, 1,
    ...accs.flatMap((a) => [...V128_CONST_ZERO, LOCAL_SET, a]),
    LOCAL_GET, X, LOCAL_SET, XP,
    LOCAL_GET, COLS, LOCAL_SET, K,
    LOOP, VOID,
    // acc_a += W[4a .. 4a+4) * x[4a .. 4a+4)
    ...accs.flatMap((acc, a) => [
      LOCAL_GET, acc, LOCAL_GET, W, ...V128_LOAD(16 * a), LOCAL_GET, XP, ...V128_LOAD(16 * a),
      ...F32X4_MUL, ...F32X4_ADD, LOCAL_SET, acc,
    ]),
    LOCAL_GET, W, I32_CONST, ...sleb(stride), I32_ADD, LOCAL_SET, W,
    LOCAL_GET, XP, I32_CONST, ...sleb(stride), I32_ADD, LOCAL_SET, XP,
    LOCAL_GET, K, I32_CONST, ...sleb(4 * ACCS), I32_SUB, LOCAL_SET, K,
    LOCAL_GET, K, BR_IF, 0,
    END,
    // y[0] += sum of all partial sums
    ...accs.slice(1).flatMap((acc) => [LOCAL_GET, ACC, LOCAL_GET, acc, ...F32X4_ADD, LOCAL_SET, ACC]),
    LOCAL_GET, Y,
    LOCAL_GET, Y, F32_LOAD, 2, 0,
    ...[0, 1, 2, 3].flatMap((lane) => [LOCAL_GET, ACC, ...F32X4_EXTRACT_LANE(lane), F32_ADD]),
    F32_STORE, 2, 0,
    LOCAL_GET, Y, I32_CONST, 4, I32_ADD, LOCAL_SET, Y,
    LOCAL_GET, ROWS, I32_CONST, 1, I32_SUB, LOCAL_SET, ROWS,
    BR, 0,
    END,
    END,
  ];
  const locals = [2, 2, 0x7f, ACCS, 0x7b]; // 2 x i32, ACCS x v128
  const body = [...locals, ...code, END];
  return [...uleb(body.length), ...body];
}

// Locals of gemv4: params w, x, y, rows, cols, xStride, yStride; then k, x0..x3, y0..y3 (i32),
// wv and acc0..acc3 (v128).
const G4 = { W: 0, X: 1, Y: 2, ROWS: 3, COLS: 4, XS: 5, YS: 6, K: 7, XP: 8, YP: 12, WV: 16, ACC: 17 };
const I32_MUL = 0x6c;
const LOCAL_TEE = 0x22;

function gemv4Body(): number[] {
  const streams = [0, 1, 2, 3];
  const xp = (s: number): number => G4.XP + s;
  const yp = (s: number): number => G4.YP + s;
  const acc = (s: number): number => G4.ACC + s;
  // prettier-ignore
  const code: number[] = [
    // y_s = y + s * yStride
    ...streams.flatMap((s) => [
      LOCAL_GET, G4.Y, LOCAL_GET, G4.YS, I32_CONST, ...sleb(s), I32_MUL, I32_ADD, LOCAL_SET, yp(s),
    ]),
    BLOCK, VOID,
    LOOP, VOID,
    LOCAL_GET, G4.ROWS, I32_EQZ, BR_IF, 1,
    ...streams.flatMap((s) => [...V128_CONST_ZERO, LOCAL_SET, acc(s)]),
    // x_s = x + s * xStride (each row starts again at the streams' inputs)
    ...streams.flatMap((s) => [
      LOCAL_GET, G4.X, LOCAL_GET, G4.XS, I32_CONST, ...sleb(s), I32_MUL, I32_ADD, LOCAL_SET, xp(s),
    ]),
    LOCAL_GET, G4.COLS, LOCAL_SET, G4.K,
    LOOP, VOID,
    LOCAL_GET, G4.W, ...V128_LOAD(0), LOCAL_SET, G4.WV,
    // acc_s += wv * x_s[k .. k+4)
    ...streams.flatMap((s) => [
      LOCAL_GET, acc(s), LOCAL_GET, G4.WV, LOCAL_GET, xp(s), ...V128_LOAD(0), ...F32X4_MUL, ...F32X4_ADD,
      LOCAL_SET, acc(s),
      LOCAL_GET, xp(s), I32_CONST, 16, I32_ADD, LOCAL_SET, xp(s),
    ]),
    LOCAL_GET, G4.W, I32_CONST, 16, I32_ADD, LOCAL_SET, G4.W,
    LOCAL_GET, G4.K, I32_CONST, 4, I32_SUB, LOCAL_TEE, G4.K,
    BR_IF, 0,
    END,
    // y_s[j] += lanes of acc_s; next row
    ...streams.flatMap((s) => [
      LOCAL_GET, yp(s),
      LOCAL_GET, yp(s), F32_LOAD, 2, 0,
      ...[0, 1, 2, 3].flatMap((lane) => [LOCAL_GET, acc(s), ...F32X4_EXTRACT_LANE(lane), F32_ADD]),
      F32_STORE, 2, 0,
      LOCAL_GET, yp(s), I32_CONST, 4, I32_ADD, LOCAL_SET, yp(s),
    ]),
    LOCAL_GET, G4.ROWS, I32_CONST, 1, I32_SUB, LOCAL_SET, G4.ROWS,
    BR, 0,
    END,
    END,
  ];
  const locals = [2, 9, 0x7f, 5, 0x7b]; // k, x0..x3, y0..y3 as i32; wv, acc0..acc3 as v128
  const body = [...locals, ...code, END];
  return [...uleb(body.length), ...body];
}

/** The module's bytes for a memory of `pages` 64 KiB pages. */
export function gemvModuleBytes(pages: number): Uint8Array {
  const i32 = 0x7f;
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    // types: (i32 x 5) -> (), (i32 x 7) -> ()
    ...section(1, [2, 0x60, 5, i32, i32, i32, i32, i32, 0, 0x60, 7, i32, i32, i32, i32, i32, i32, i32, 0]),
    ...section(3, [2, 0, 1]), // gemv of type 0, gemv4 of type 1
    ...section(5, [1, 0x00, ...uleb(pages)]), // memory, no maximum
    ...section(7, [3, ...str('memory'), 0x02, 0, ...str('gemv'), 0x00, 0, ...str('gemv4'), 0x00, 1]), // exports
    ...section(10, [2, ...gemvBody(), ...gemv4Body()]), // code
  ];
  return new Uint8Array(bytes);
}

/** The WebAssembly API (Node's type definitions without the DOM lib do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Instantiates the kernel with at least `bytes` of memory; undefined when WebAssembly SIMD
 * is unavailable (the caller falls back to JS).
 */
export function createGemvKernel(bytes: number): GemvKernel | undefined {
  try {
    const pages = Math.max(1, Math.ceil(bytes / 65536));
    const module = new wasm.Module(gemvModuleBytes(pages));
    const instance = new wasm.Instance(module, {});
    const exports = instance.exports as unknown as GemvKernel;
    return { memory: exports.memory, gemv: exports.gemv, gemv4: exports.gemv4 };
  } catch {
    return undefined;
  }
}
