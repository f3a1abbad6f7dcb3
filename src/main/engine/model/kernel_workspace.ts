import { wasmApi, type WasmMemory } from './wasm_asm.ts';
import { createCell, type CellKernel } from './wasm_cell.ts';
import {
  createGemm,
  createPack,
  createPackTransposed,
  type GemmFn,
  type PackFn,
  type PackTransposedFn,
} from './wasm_gemm.ts';

/** A float32 block of the workspace memory: byte address and length in floats. */
export interface Region {
  ptr: number;
  length: number;
}

const PAGE = 65536;

/** The workspace memory could not grow to what a step needs (the caller may use the tfjs path). */
export class KernelMemoryError extends Error {}

/**
 * One WebAssembly memory shared by the hand-assembled GEMM kernels (wasm_gemm.ts, one
 * module per (K, N), compiled once and cached) and the JS code around them. Regions are
 * handed out by a bump allocator that `reset` rewinds before each training step; the memory
 * grows when a step needs more, so take views (`f32`) only after all of a step's `alloc`s.
 */
export class KernelWorkspace {
  private readonly memory: WasmMemory;
  private readonly gemms = new Map<string, GemmFn>();
  private readonly cells = new Map<number, CellKernel | null>();
  private readonly packs = new Map<number, PackFn>();
  private readonly transposedPacks = new Map<string, PackTransposedFn>();
  private used = 0;

  private constructor() {
    this.memory = new wasmApi.Memory({ initial: 16 });
  }

  /** A workspace, or undefined when this runtime has no WebAssembly SIMD. */
  static create(): KernelWorkspace | undefined {
    try {
      const ws = new KernelWorkspace();
      ws.gemm(1, 1);
      ws.cell(4);
      return ws;
    } catch {
      return undefined;
    }
  }

  /** Frees every region (their views become meaningless). */
  reset(): void {
    this.used = 0;
  }

  /** A new region of `length` floats, 16-byte aligned, contents undefined. */
  alloc(length: number): Region {
    const ptr = this.used;
    this.used += Math.ceil((length * 4) / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (this.used > have) {
      try {
        this.memory.grow(Math.ceil((this.used - have) / PAGE));
      } catch (error) {
        throw new KernelMemoryError(
          `training kernels: no memory for ${this.used} bytes (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    }
    return { ptr, length };
  }

  /** A view of a region (valid until the memory next grows). */
  f32(region: Region): Float32Array {
    return new Float32Array(this.memory.buffer, region.ptr, region.length);
  }

  /** The LSTM cell kernels for layers of `units`; null when units is not a multiple of 4 (use JS). */
  cell(units: number): CellKernel | null {
    let kernel = this.cells.get(units);
    if (kernel === undefined) {
      kernel = units % 4 === 0 ? createCell(this.memory, units) : null;
      this.cells.set(units, kernel);
    }
    return kernel;
  }

  /**
   * The kernel C[m, n] += A[m, k] . packedB[k, n]; with `aTransposedWidth`, A is stored as
   * A^T, a [k, aTransposedWidth] row-major matrix.
   */
  gemm(k: number, n: number, aTransposedWidth?: number): GemmFn {
    const key = `${k}x${n}:${aTransposedWidth ?? ''}`;
    let fn = this.gemms.get(key);
    if (!fn) {
      fn = createGemm(this.memory, k, n, aTransposedWidth);
      this.gemms.set(key, fn);
    }
    return fn;
  }

  /** The packer of B^T ([n, k] row-major) into `gemm`'s layout of B [k, n]. */
  packTransposed(k: number, n: number): PackTransposedFn {
    const key = `${k}x${n}`;
    let fn = this.transposedPacks.get(key);
    if (!fn) {
      fn = createPackTransposed(this.memory, k, n);
      this.transposedPacks.set(key, fn);
    }
    return fn;
  }

  /** The packer of row-major [k, n] matrices into `gemm`'s B layout, with column sums. */
  pack(n: number): PackFn {
    let fn = this.packs.get(n);
    if (!fn) {
      fn = createPack(this.memory, n);
      this.packs.set(n, fn);
    }
    return fn;
  }
}
