import { PANEL, type StepKernel, type StepKernelSpec, type StreamStrides } from './step_kernel.ts';

/**
 * The step kernels (step_kernel.ts) in plain JS over an ordinary ArrayBuffer, same layout and
 * byte addresses: the fallback when WebAssembly SIMD is missing, and a second opinion in tests.
 * Sums run in the same order and f32 rounding as the SIMD kernels (each output one f32 sum in
 * k order), so both give the same products.
 */

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function createStepKernelJs(spec: StepKernelSpec): StepKernel {
  const buffer = new ArrayBuffer(Math.ceil(spec.bytes / 16) * 16);
  const m = new Float32Array(buffer);
  const panels = (w: number, x: number, init: number, y: number, count: number, k: number): void => {
    const [xi, ii, yi] = [x >> 2, init >> 2, y >> 2];
    for (let p = 0; p < count; p++) {
      const wp = (w >> 2) + p * PANEL * k;
      // Four rows at a time in locals (typed-array accumulators ran ~2x slower).
      for (let r = 0; r < PANEL; r += 4) {
        const out = p * PANEL + r;
        let [a0, a1, a2, a3] = [m[ii + out], m[ii + out + 1], m[ii + out + 2], m[ii + out + 3]];
        for (let kk = 0, o = wp + r; kk < k; kk++, o += PANEL) {
          const xk = m[xi + kk];
          a0 = Math.fround(a0 + Math.fround(m[o] * xk));
          a1 = Math.fround(a1 + Math.fround(m[o + 1] * xk));
          a2 = Math.fround(a2 + Math.fround(m[o + 2] * xk));
          a3 = Math.fround(a3 + Math.fround(m[o + 3] * xk));
        }
        m[yi + out] = a0;
        m[yi + out + 1] = a1;
        m[yi + out + 2] = a2;
        m[yi + out + 3] = a3;
      }
    }
  };
  const panels4 =
    (strides: StreamStrides) => (w: number, x: number, init: number, y: number, count: number, k: number) => {
      for (let s = 0; s < 4; s++)
        panels(w, x + s * strides.x, init + s * strides.init, y + s * strides.y, count, k);
    };
  const gates = (units: number) => (z: number, c: number, h: number, groups: number) => {
    const [zi, ci, hi] = [z >> 2, c >> 2, h >> 2];
    for (let u = 0; u < 4 * groups; u++) {
      const i = sigmoid(m[zi + u]);
      const f = sigmoid(m[zi + units + u]);
      const g = Math.tanh(m[zi + 2 * units + u]);
      const o = sigmoid(m[zi + 3 * units + u]);
      const cell = Math.fround(f * m[ci + u] + i * g);
      m[ci + u] = cell;
      m[hi + u] = o * Math.tanh(cell);
    }
  };
  const four = spec.matrices.map(panels4);
  const gatesFns = spec.layerUnits.map(gates);
  return {
    memory: { buffer },
    panels,
    panels4: four,
    gates: gatesFns,
    table: [panels, ...four, ...gatesFns] as ((...args: number[]) => void)[],
  };
}
