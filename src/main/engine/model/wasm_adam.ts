import { functionBody, I32, name, op, section, V128, wasmApi, type WasmMemory } from './wasm_asm.ts';

/**
 * One Adam update as WebAssembly SIMD (wasm_asm.ts), four floats at a time, for adam.ts:
 * JS needed ~10 ns per weight for it here (two divisions and a square root each), this
 * ~1. Every operation is a float32 operation in tfjs's order, so the results are those
 * of `tf.train.adam`.
 *
 *   g = grad * scale; m = m * keep1 + g * take1; v = v * keep2 + (g * g) * take2;
 *   w = (m / oneMinusAcc1) / (sqrt(v / oneMinusAcc2) + eps) * rate + w
 *
 * `params` points at 9 floats: keep1, take1, keep2, take2, oneMinusAcc1, oneMinusAcc2,
 * eps, rate (the negated learning rate), scale. `groups` counts groups of 4 floats (pad
 * arrays with zeros: a zero gradient on zero moments leaves the weight as it is).
 */
export type AdamFn = (w: number, g: number, m: number, v: number, groups: number, params: number) => void;

const [W, G, M, V, GROUPS, P] = [0, 1, 2, 3, 4, 5];
// v128 locals: the 9 splatted parameters, then g, m, v.
const [K1, T1, K2, T2, A1, A2, EPS, RATE, SCALE, VG, VM, VV] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];

function adamCode(): number[] {
  const { get, set } = op;
  const mul = op.f32x4Mul;
  const add = op.f32x4Add;
  const bump = (local: number): number[] => [...get(local), ...op.i32(16), ...op.i32Add, ...set(local)];
  return [
    ...[K1, T1, K2, T2, A1, A2, EPS, RATE, SCALE].flatMap((local, i) => [
      ...get(P),
      ...op.v128Load32Splat(i * 4),
      ...set(local),
    ]),
    ...op.block,
    ...op.loop,
    ...get(GROUPS),
    ...op.i32Eqz,
    ...op.brIf(1),
    ...get(G),
    ...op.v128Load(0),
    ...get(SCALE),
    ...mul,
    ...set(VG),
    // m = m * keep1 + g * take1
    ...get(M),
    ...op.v128Load(0),
    ...get(K1),
    ...mul,
    ...get(VG),
    ...get(T1),
    ...mul,
    ...add,
    ...set(VM),
    // v = v * keep2 + (g * g) * take2
    ...get(V),
    ...op.v128Load(0),
    ...get(K2),
    ...mul,
    ...get(VG),
    ...get(VG),
    ...mul,
    ...get(T2),
    ...mul,
    ...add,
    ...set(VV),
    ...get(M),
    ...get(VM),
    ...op.v128Store(0),
    ...get(V),
    ...get(VV),
    ...op.v128Store(0),
    // w = (m / a1) / (sqrt(v / a2) + eps) * rate + w
    ...get(W),
    ...get(VM),
    ...get(A1),
    ...op.f32x4Div,
    ...get(VV),
    ...get(A2),
    ...op.f32x4Div,
    ...op.f32x4Sqrt,
    ...get(EPS),
    ...add,
    ...op.f32x4Div,
    ...get(RATE),
    ...mul,
    ...get(W),
    ...op.v128Load(0),
    ...add,
    ...op.v128Store(0),
    ...bump(W),
    ...bump(G),
    ...bump(M),
    ...bump(V),
    ...get(GROUPS),
    ...op.i32(1),
    ...op.i32Sub,
    ...set(GROUPS),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** The module's bytes: imports env.memory, exports adam(w, g, m, v, groups, params). */
export function adamModuleBytes(): Uint8Array {
  const body = functionBody([[12, V128]], adamCode());
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('adam'), 0x00, 0]),
    ...section(10, [1, ...body]),
  ];
  return new Uint8Array(bytes);
}

/** The kernel over `memory`; throws when WebAssembly SIMD is unavailable. */
export function createAdam(memory: WasmMemory): AdamFn {
  const module = new wasmApi.Module(adamModuleBytes());
  const instance = new wasmApi.Instance(module, { env: { memory } });
  return instance.exports.adam as AdamFn;
}
