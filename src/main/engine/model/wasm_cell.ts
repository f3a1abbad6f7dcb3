import { functionBody, I32, name, op, section, V128, wasmApi, type WasmMemory } from './wasm_asm.ts';

/**
 * The LSTM cell of one step as WebAssembly SIMD (wasm_asm.ts), for kernel_step.ts: the
 * gate activations, c, tanh(c) and h forward, and the cell's backward, for all rows of a
 * step, four units at a time. JS spent ~30 ns per Math.exp here (5 per unit and step), more
 * than the step's matrix products; this runs the same maths at a few ns per unit.
 *
 * exp is Cephes' expf (range reduction by ln 2, degree-6 polynomial, 2^n built in the
 * exponent bits): within ~2 float ulp of Math.exp over [-88, 88], saturating outside.
 * sigmoid(x) = 1 / (1 + exp(-x)), tanh(x) = 1 - 2 / (exp(2x) + 1).
 *
 * One module per layer width (`units`, a multiple of 4; the offsets are immediates). Rows are
 * the step's sequences; a row of `act` is [i, f, g, o] of `units` each.
 */

/** forward(act, cPrev, c, tc, h, rows) and backward(act, cPrev, tc, dY, dcNext, rows); byte addresses. */
export interface CellKernel {
  /** act: pre-activations in, activations out; c = f*cPrev + i*g, tc = tanh(c), h = o*tc. */
  forward(act: number, cPrev: number, c: number, tc: number, h: number, rows: number): void;
  /**
   * act: activations in, dL/dz out, from dY (dL/dh of the step) and dcNext (dL/dc from the
   * next step, replaced by this step's dL/dc_prev).
   */
  backward(act: number, cPrev: number, tc: number, dY: number, dcNext: number, rows: number): void;
}

// Locals: six i32 params (pointers and rows), then i32 j; v128 temporaries.
const [P0, P1, P2, P3, P4, ROWS, J] = [0, 1, 2, 3, 4, 5, 6];
const [VI, VF, VG, VO, X, N, R, CV, TV, DH, DC] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const V128_LOCALS = 11;

const get = op.get;
const set = op.set;

/** exp of local X (clobbers X, N, R); result on the stack. */
function expOfX(): number[] {
  const poly = [
    1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
  ];
  return [
    ...get(X),
    ...op.f32x4Const(88),
    ...op.f32x4Min,
    ...op.f32x4Const(-88),
    ...op.f32x4Max,
    ...set(X),
    ...get(X),
    ...op.f32x4Const(Math.LOG2E),
    ...op.f32x4Mul,
    ...op.f32x4Nearest,
    ...set(N),
    // r = x - n * ln2 (in two parts, for precision)
    ...get(X),
    ...get(N),
    ...op.f32x4Const(0.693359375),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...get(N),
    ...op.f32x4Const(-2.1219444e-4),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...set(R),
    // p(r) by Horner, then y = p r^2 + r + 1
    ...op.f32x4Const(poly[0]),
    ...poly.slice(1).flatMap((c) => [...get(R), ...op.f32x4Mul, ...op.f32x4Const(c), ...op.f32x4Add]),
    ...get(R),
    ...op.f32x4Mul,
    ...get(R),
    ...op.f32x4Mul,
    ...get(R),
    ...op.f32x4Add,
    ...op.f32x4Const(1),
    ...op.f32x4Add,
    // times 2^n: (n + 127) << 23 as float bits
    ...get(N),
    ...op.i32x4TruncSatF32x4S,
    ...op.i32x4Const(127),
    ...op.i32x4Add,
    ...op.i32(23),
    ...op.i32x4Shl,
    ...op.f32x4Mul,
  ];
}

/** sigmoid of the value on the stack, stored into `into`. */
function sigmoidInto(into: number): number[] {
  return [
    ...op.f32x4Neg,
    ...set(X),
    ...op.f32x4Const(1),
    ...op.f32x4Const(1),
    ...expOfX(),
    ...op.f32x4Add,
    ...op.f32x4Div,
    ...set(into),
  ];
}

/** tanh of the value on the stack, stored into `into`. */
function tanhInto(into: number): number[] {
  return [
    ...op.f32x4Const(2),
    ...op.f32x4Mul,
    ...set(X),
    ...op.f32x4Const(1),
    ...op.f32x4Const(2),
    ...expOfX(),
    ...op.f32x4Const(1),
    ...op.f32x4Add,
    ...op.f32x4Div,
    ...op.f32x4Sub,
    ...set(into),
  ];
}

/** Runs `body` for each row and each 4-unit group; `advance` moves the pointers to the next group. */
function rowsAndGroups(units: number, body: number[], advance: number[], endOfRow: number[]): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...get(ROWS),
    ...op.i32Eqz,
    ...op.brIf(1),
    ...op.i32(units / 4),
    ...set(J),
    ...op.loop,
    ...body,
    ...advance,
    ...get(J),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.tee(J),
    ...op.brIf(0),
    ...op.end,
    ...endOfRow,
    ...get(ROWS),
    ...op.i32(1),
    ...op.i32Sub,
    ...set(ROWS),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

const bump = (local: number, bytes: number): number[] => [
  ...get(local),
  ...op.i32(bytes),
  ...op.i32Add,
  ...set(local),
];
const load = (ptr: number, offset = 0): number[] => [...get(ptr), ...op.v128Load(offset)];
const store = (ptr: number, offset: number, value: number[]): number[] => [
  ...get(ptr),
  ...value,
  ...op.v128Store(offset),
];
const ONE_MINUS = (local: number): number[] => [...op.f32x4Const(1), ...get(local), ...op.f32x4Sub];

function forwardCode(units: number): number[] {
  const gate = units * 4; // bytes between gates in a row
  // params: act P0, cPrev P1, c P2, tc P3, h P4
  const body = [
    ...load(P0, 0),
    ...sigmoidInto(VI),
    ...load(P0, gate),
    ...sigmoidInto(VF),
    ...load(P0, 2 * gate),
    ...tanhInto(VG),
    ...load(P0, 3 * gate),
    ...sigmoidInto(VO),
    ...store(P0, 0, get(VI)),
    ...store(P0, gate, get(VF)),
    ...store(P0, 2 * gate, get(VG)),
    ...store(P0, 3 * gate, get(VO)),
    ...get(VF),
    ...load(P1),
    ...op.f32x4Mul,
    ...get(VI),
    ...get(VG),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...set(CV),
    ...store(P2, 0, get(CV)),
    ...get(CV),
    ...tanhInto(TV),
    ...store(P3, 0, get(TV)),
    ...store(P4, 0, [...get(VO), ...get(TV), ...op.f32x4Mul]),
  ];
  const advance = [P0, P1, P2, P3, P4].flatMap((p) => bump(p, 16));
  return rowsAndGroups(units, body, advance, bump(P0, 3 * gate));
}

function backwardCode(units: number): number[] {
  const gate = units * 4;
  // params: act P0, cPrev P1, tc P2, dY P3, dcNext P4
  const mul = op.f32x4Mul;
  const body = [
    ...load(P0, 0),
    ...set(VI),
    ...load(P0, gate),
    ...set(VF),
    ...load(P0, 2 * gate),
    ...set(VG),
    ...load(P0, 3 * gate),
    ...set(VO),
    ...load(P2),
    ...set(TV),
    ...load(P3),
    ...set(DH),
    // dc = dh * o * (1 - tc^2) + dcNext
    ...get(DH),
    ...get(VO),
    ...mul,
    ...op.f32x4Const(1),
    ...get(TV),
    ...get(TV),
    ...mul,
    ...op.f32x4Sub,
    ...mul,
    ...load(P4),
    ...op.f32x4Add,
    ...set(DC),
    ...store(P0, 0, [...get(DC), ...get(VG), ...mul, ...get(VI), ...mul, ...ONE_MINUS(VI), ...mul]),
    ...store(P0, gate, [...get(DC), ...load(P1), ...mul, ...get(VF), ...mul, ...ONE_MINUS(VF), ...mul]),
    ...store(P0, 2 * gate, [
      ...get(DC),
      ...get(VI),
      ...mul,
      ...op.f32x4Const(1),
      ...get(VG),
      ...get(VG),
      ...mul,
      ...op.f32x4Sub,
      ...mul,
    ]),
    ...store(P0, 3 * gate, [...get(DH), ...get(TV), ...mul, ...get(VO), ...mul, ...ONE_MINUS(VO), ...mul]),
    ...store(P4, 0, [...get(DC), ...get(VF), ...mul]),
  ];
  const advance = [P0, P1, P2, P3, P4].flatMap((p) => bump(p, 16));
  return rowsAndGroups(units, body, advance, bump(P0, 3 * gate));
}

/** The module's bytes for layers of `units` (a multiple of 4). */
export function cellModuleBytes(units: number): Uint8Array {
  const locals: Array<[number, number]> = [
    [1, I32],
    [V128_LOCALS, V128],
  ];
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [2, 0, 0]),
    ...section(7, [2, ...name('forward'), 0x00, 0, ...name('backward'), 0x00, 1]),
    ...section(10, [2, ...functionBody(locals, forwardCode(units)), ...functionBody(locals, backwardCode(units))]),
  ];
  return new Uint8Array(bytes);
}

/** The cell kernels for `units` over `memory`; throws when units is not a multiple of 4 or SIMD is missing. */
export function createCell(memory: WasmMemory, units: number): CellKernel {
  if (!(Number.isInteger(units) && units >= 4 && units % 4 === 0))
    throw new Error(`cell kernel: units must be a positive multiple of 4, got ${units}`);
  const module = new wasmApi.Module(cellModuleBytes(units));
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports as unknown as CellKernel;
}
