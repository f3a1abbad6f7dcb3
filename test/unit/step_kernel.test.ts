import { describe, expect, it } from 'vitest';
import {
  createStepKernel,
  PANEL,
  type StepKernel,
  type StepKernelSpec,
} from '../../src/main/engine/model/step_kernel.ts';
import { createStepKernelJs } from '../../src/main/engine/model/step_kernel_js.ts';

// Byte addresses of the test's regions inside the kernel memory.
const [W, X, INIT, Y] = [0, 1 << 18, 1 << 19, 3 << 18];
const K = 37;
const PANELS = 3;
const ROWS = PANELS * PANEL;
const X_STRIDE = 64 * 4;
const Y_STRIDE = ROWS * 4 + 16;
const UNITS = 12;
const spec: StepKernelSpec = {
  bytes: 1 << 20,
  matrices: [
    { x: X_STRIDE, init: Y_STRIDE, y: Y_STRIDE },
    { x: X_STRIDE, init: 0, y: Y_STRIDE },
  ],
  layerUnits: [UNITS],
};

/** Fills the weights, inputs and inits with a fixed irregular pattern. */
function fill(kernel: StepKernel): Float32Array {
  const m = new Float32Array(kernel.memory.buffer);
  for (let i = 0; i < (1 << 20) / 4; i++) m[i] = Math.sin(i * 0.7) * 0.5;
  return m;
}

/** y = init + W x in float64, W packed in panels (panel p, column k, row r at p*PANEL*K + k*PANEL + r). */
function reference(m: Float32Array, x: number, init: number): Float64Array {
  const out = new Float64Array(ROWS);
  for (let row = 0; row < ROWS; row++) {
    const [p, r] = [Math.floor(row / PANEL), row % PANEL];
    let sum = m[init / 4 + row];
    for (let k = 0; k < K; k++) sum += m[W / 4 + p * PANEL * K + k * PANEL + r] * m[x / 4 + k];
    out[row] = sum;
  }
  return out;
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

const kernels: [string, () => StepKernel | undefined][] = [
  ['WebAssembly SIMD', () => createStepKernel(spec)],
  ['plain JS', () => createStepKernelJs(spec)],
];

describe.each(kernels)('step kernels (%s)', (_, create) => {
  it('panels: y = init + W x over whole panels', () => {
    const kernel = create();
    expect(kernel).toBeDefined();
    const m = fill(kernel!);
    kernel!.panels(W, X, INIT, Y, PANELS, K);
    const got = m.subarray(Y / 4, Y / 4 + ROWS);
    expect(worst(got, reference(m, X, INIT))).toBeLessThan(1e-5);
  });

  it('panels4: four streams equal four one-stream calls, bit for bit, with own or shared inits', () => {
    const kernel = create()!;
    const m = fill(kernel);
    for (const [matrix, initStride] of [
      [0, Y_STRIDE],
      [1, 0],
    ]) {
      kernel.panels4[matrix](W, X, INIT, Y, PANELS, K);
      const four = Array.from(m.subarray(Y / 4, Y / 4 + (4 * Y_STRIDE) / 4));
      for (let s = 0; s < 4; s++)
        kernel.panels(W, X + s * X_STRIDE, INIT + s * initStride, Y + s * Y_STRIDE, PANELS, K);
      const single = Array.from(m.subarray(Y / 4, Y / 4 + (4 * Y_STRIDE) / 4));
      expect(four).toEqual(single);
      const expected = reference(m, X + 3 * X_STRIDE, INIT + 3 * initStride);
      expect(worst(m.subarray((Y + 3 * Y_STRIDE) / 4, (Y + 3 * Y_STRIDE) / 4 + ROWS), expected)).toBeLessThan(
        1e-5,
      );
    }
  });

  it('gates: the LSTM cell update within 1e-6, saturating without NaN at large inputs', () => {
    const kernel = create()!;
    const m = new Float32Array(kernel.memory.buffer);
    const [z, c, h] = [0, 4096, 8192];
    const pre = Float32Array.from({ length: 4 * UNITS }, (_, i) =>
      i % 7 === 0 ? 400 * Math.cos(i) : 9 * Math.sin(i * 1.3),
    );
    const cell = Float32Array.from({ length: UNITS }, (_, i) => Math.cos(i) * 3);
    m.set(pre, z / 4);
    m.set(cell, c / 4);
    kernel.gates[0](z, c, h, UNITS / 4);
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    for (let u = 0; u < UNITS; u++) {
      const [i, f, g, o] = [0, 1, 2, 3].map((q) => pre[q * UNITS + u]);
      const cNew = sigmoid(f) * cell[u] + sigmoid(i) * Math.tanh(g);
      expect(Math.abs(m[c / 4 + u] - cNew)).toBeLessThan(1e-6);
      expect(Math.abs(m[h / 4 + u] - sigmoid(o) * Math.tanh(cNew))).toBeLessThan(1e-6);
    }
  });
});

describe('SIMD and plain-JS products', () => {
  it('agree bit for bit (same sums, same order, same f32 rounding)', () => {
    const simd = createStepKernel(spec)!;
    const js = createStepKernelJs(spec);
    const results = [simd, js].map((kernel) => {
      const m = fill(kernel);
      kernel.panels(W, X, INIT, Y, PANELS, K);
      return Array.from(m.subarray(Y / 4, Y / 4 + ROWS));
    });
    expect(results[1]).toEqual(results[0]);
  });
});

describe('exp and tanh of the SIMD gates over their whole range', () => {
  it('stays within 2e-7 of Math across [-30, 30]', () => {
    const kernel = createStepKernel({ ...spec, layerUnits: [4] })!;
    const m = new Float32Array(kernel.memory.buffer);
    let worstH = 0;
    for (let v = -30; v <= 30; v += 0.0137) {
      // z = [i, f, g, o] = [big, -big, v, big]: c = tanh(v), h = tanh(tanh(v)); c starts at 0.
      m.set(
        [
          ...[100, 100, 100, 100],
          ...[-100, -100, -100, -100],
          ...[v, v / 3, -v, v * 2],
          ...[100, 100, 100, 100],
        ],
        0,
      );
      m.fill(0, 1024, 1028);
      kernel.gates[0](0, 4096, 8192, 1);
      const values = [v, v / 3, -v, v * 2];
      values.forEach((x, lane) => {
        const xf = Math.fround(x);
        worstH = Math.max(worstH, Math.abs(m[1024 + lane] - Math.tanh(xf)));
        expect(Math.abs(m[2048 + lane] - Math.tanh(Math.tanh(xf)))).toBeLessThan(3e-7);
      });
    }
    expect(worstH).toBeLessThan(2e-7);
  });
});
