/**
 * A minimal WebAssembly assembler: LEB128 encoders, sections, function bodies and the
 * opcodes the hand-assembled kernels use, so a kernel reads as an instruction list and is
 * built as bytes at run time (no toolchain, no .wasm file to ship or locate).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number): number[] {
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
export function sleb(n: number): number[] {
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

/** A length-prefixed name (imports, exports). */
export function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A size-prefixed function body: local groups as [count, type], then the code and `end`. */
export function functionBody(locals: [number, number][], code: number[]): number[] {
  const body = [
    ...uleb(locals.length),
    ...locals.flatMap(([count, type]) => [...uleb(count), type]),
    ...code,
    0x0b,
  ];
  return [...uleb(body.length), ...body];
}

const simd = (code: number): number[] => [0xfd, ...uleb(code)];

/** Instructions, each an array of bytes to spread into a body. */
export const op = {
  get: (local: number): number[] => [0x20, ...uleb(local)],
  set: (local: number): number[] => [0x21, ...uleb(local)],
  tee: (local: number): number[] => [0x22, ...uleb(local)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtS: [0x48],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Load: (offset = 0): number[] => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset = 0): number[] => [0x38, 2, ...uleb(offset)],
  v128Load: (offset = 0): number[] => [...simd(0x00), 4, ...uleb(offset)],
  v128Store: (offset = 0): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  v128Load32Splat: (offset = 0): number[] => [...simd(0x09), 2, ...uleb(offset)],
  f32x4Neg: simd(0xe1),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  f32x4Nearest: simd(0x6a),
  i32x4TruncSatF32x4S: simd(0xf8),
  i32x4Add: simd(0xae),
  i32x4Shl: simd(0xab),
  /** v128.const with four equal f32 lanes. */
  f32x4Const: (value: number): number[] => {
    const lane = [...new Uint8Array(new Float32Array([value]).buffer)];
    return [...simd(0x0c), ...lane, ...lane, ...lane, ...lane];
  },
  /** v128.const with four equal i32 lanes. */
  i32x4Const: (value: number): number[] => {
    const lane = [...new Uint8Array(new Int32Array([value]).buffer)];
    return [...simd(0x0c), ...lane, ...lane, ...lane, ...lane];
  },
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  end: [0x0b],
};

/** A WebAssembly.Memory (Node's type definitions without the DOM lib do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
