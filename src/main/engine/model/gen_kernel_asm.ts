/**
 * The module builder of the generation kernels (step_kernel.ts): functions that ask for their
 * locals as they go, and a module with its own or an imported shared memory. The opcodes and
 * encoders are wasm_asm.ts's, shared with the training kernels.
 */
import { name, op, section, uleb, type ValType } from './wasm_asm.ts';

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
