/**
 * A minimal WebAssembly assembler for the generation kernels (step_kernel.ts): opcode helpers and a module
 * builder, so the kernels can be written as readable instruction lists and built as bytes at
 * run time (no toolchain, no .wasm file to ship or locate).
 */

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

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** Instructions (each an array of bytes; spread them into a body). */
export const op = {
  get: (local: number): number[] => [0x20, ...uleb(local)],
  set: (local: number): number[] => [0x21, ...uleb(local)],
  tee: (local: number): number[] => [0x22, ...uleb(local)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Eqz: [0x45],
  i32Ne: [0x47],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  end: [0x0b],
  load: (offset = 0): number[] => [...simd(0x00), ...memarg(4, offset)],
  store: (offset = 0): number[] => [...simd(0x0b), ...memarg(4, offset)],
  loadSplat: (offset = 0): number[] => [...simd(0x09), ...memarg(2, offset)],
  /** v128.const with four equal f32 lanes. */
  f32x4: (value: number): number[] => {
    const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
    return [...simd(0x0c), ...bytes];
  },
  /** v128.const with four equal i32 lanes. */
  i32x4: (value: number): number[] => {
    const bytes = new Uint8Array(new Int32Array([value, value, value, value]).buffer);
    return [...simd(0x0c), ...bytes];
  },
  nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4Add: simd(0xae),
  i32x4TruncSat: simd(0xf8),
  add: simd(0xe4),
  sub: simd(0xe5),
  neg: simd(0xe1),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
};

/** A function under construction: params first, then the locals it asks for. */
export class WasmFunction {
  private readonly locals: ValType[] = [];
  readonly body: number[] = [];
  constructor(
    readonly exportName: string,
    readonly params: ValType[],
  ) {}
  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
  emit(...code: number[][]): void {
    for (const c of code) this.body.push(...c);
  }
  encode(): number[] {
    const groups: number[] = [];
    let count = 0;
    for (let i = 0; i < this.locals.length; i++) {
      count++;
      if (i === this.locals.length - 1 || this.locals[i + 1] !== this.locals[i]) {
        groups.push(...uleb(count), this.locals[i]);
        count = 0;
      }
    }
    const runs = groups.length / 2;
    const body = [...uleb(runs), ...groups, ...this.body, ...op.end];
    return [...uleb(body.length), ...body];
  }
}

/**
 * The bytes of a module exporting `memory` (`pages` of 64 KiB; imported as `env.memory` when
 * `sharedMaxPages` is given, a shared memory with that maximum) and the functions, all of
 * which return nothing.
 */
export function moduleBytes(functions: WasmFunction[], pages: number, sharedMaxPages?: number): Uint8Array {
  const types = functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]);
  const limits =
    sharedMaxPages === undefined ? [0x00, ...uleb(pages)] : [0x03, ...uleb(pages), ...uleb(sharedMaxPages)];
  const imports =
    sharedMaxPages === undefined ? [] : section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits]);
  const memory = sharedMaxPages === undefined ? section(5, [1, ...limits]) : [];
  const exports = [
    ...uleb(functions.length + 1),
    ...name('memory'),
    0x02,
    0,
    ...functions.flatMap((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]),
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...uleb(functions.length), ...types]),
    ...imports,
    ...section(3, [...uleb(functions.length), ...functions.map((_, i) => i)]),
    ...memory,
    ...section(7, exports),
    ...section(10, [...uleb(functions.length), ...functions.flatMap((f) => f.encode())]),
  ];
  return new Uint8Array(bytes);
}
