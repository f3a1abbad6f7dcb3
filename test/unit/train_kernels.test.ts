import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { FlatAdam } from '../../src/main/engine/model/adam.ts';
import { KernelWorkspace } from '../../src/main/engine/model/kernel_workspace.ts';
import { TokenModel, type TokenModelConfig } from '../../src/main/engine/model/token_model.ts';
import { wasmApi } from '../../src/main/engine/model/wasm_asm.ts';
import { createCell } from '../../src/main/engine/model/wasm_cell.ts';
import {
  createGemm,
  createPack,
  createPackTransposed,
  packB,
} from '../../src/main/engine/model/wasm_gemm.ts';

/** Deterministic values in [-scale, scale]. */
function values(length: number, seed: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, (_, i) => scale * Math.sin(i * 0.731 + seed * 1.37 + (i % 7) * 0.1));
}

/** Largest |a - b| over the largest |b| (relative to the values' scale). */
function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 1e-30;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('hand-assembled GEMM (wasm_gemm.ts)', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [4, 4, 8],
    [5, 9, 13],
    [9, 3, 12],
    [16, 256, 1024],
    [17, 64, 36],
  ])(
    'C += A . B equals a float64 loop within 1e-5 (m %i, k %i, n %i; plain and transposed packing)',
    (m, k, n) => {
      const memory = new wasmApi.Memory({ initial: Math.ceil(((m * k + k * n + m * n) * 4) / 65536) + 1 });
      const gemm = createGemm(memory, k, n);
      const a = values(m * k, 1);
      const b = values(k * n, 2);
      const c0 = values(m * n, 3);
      const expected = Float64Array.from(c0);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let q = 0; q < k; q++) sum += a[i * k + q] * b[q * n + j];
          expected[i * n + j] += sum;
        }
      const bT = new Float32Array(k * n);
      for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) bT[j * k + q] = b[q * n + j];
      for (const transposed of [false, true]) {
        const f = new Float32Array(memory.buffer);
        const [pa, pb, pc] = [0, m * k, m * k + k * n];
        f.set(a, pa);
        packB(transposed ? bT : b, k, n, f, pb, transposed);
        f.set(c0, pc);
        gemm(pa * 4, pb * 4, pc * 4, m);
        expect(relativeDiff(f.subarray(pc, pc + m * n), expected)).toBeLessThan(1e-5);
      }
    },
  );
});

describe('GEMM with A stored transposed, and the wasm packer', () => {
  it.each([
    [5, 7, 13, 6],
    [16, 256, 1024, 16],
    [9, 4, 12, 11],
  ])(
    'out = A^T . B and column sums equal float64 loops (m %i, k %i, n %i, A^T row length %i)',
    (m, k, n, width) => {
      const memory = new wasmApi.Memory({
        initial: Math.ceil(((k * width + 2 * k * n + m * n + n) * 4) / 65536) + 1,
      });
      const gemm = createGemm(memory, k, n, width);
      const pack = createPack(memory, n);
      // aT is [k, width] row-major: A[i][q] = aT[q * width + i] for i < m.
      const aT = values(k * width, 8);
      const b = values(k * n, 9);
      const [pa, pSrc, pb, pc, ps] = [
        0,
        k * width,
        k * width + k * n,
        k * width + 2 * k * n,
        k * width + 2 * k * n + m * n,
      ];
      const f = new Float32Array(memory.buffer);
      f.set(aT, pa);
      f.set(b, pSrc);
      f.fill(0, pc, ps + n);
      f.fill(0.5, ps, ps + n);
      pack(pSrc * 4, pb * 4, k, ps * 4);
      const packed = new Float32Array(k * n);
      packB(b, k, n, packed, 0);
      expect(Array.from(f.subarray(pb, pb + k * n))).toEqual(Array.from(packed));
      const sums = Float64Array.from({ length: n }, (_, j) => {
        let sum = 0.5;
        for (let q = 0; q < k; q++) sum += b[q * n + j];
        return sum;
      });
      expect(relativeDiff(f.subarray(ps, ps + n), sums)).toBeLessThan(1e-5);
      gemm(pa * 4, pb * 4, pc * 4, m);
      const expected = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++)
          for (let q = 0; q < k; q++) expected[i * n + j] += aT[q * width + i] * b[q * n + j];
      expect(relativeDiff(f.subarray(pc, pc + m * n), expected)).toBeLessThan(1e-5);
    },
  );
});

describe('transposed packer (wasm) vs packB', () => {
  it.each([
    [1, 1],
    [7, 13],
    [1024, 256],
    [6, 36],
  ])('lays out B = src^T exactly as packB(src, k, n, …, true) does (k %i, n %i)', (k, n) => {
    const memory = new wasmApi.Memory({ initial: Math.ceil((2 * k * n * 4) / 65536) + 1 });
    const packT = createPackTransposed(memory, k, n);
    const src = values(k * n, 12);
    const f = new Float32Array(memory.buffer);
    f.set(src, 0);
    packT(0, k * n * 4);
    const expected = new Float32Array(k * n);
    packB(src, k, n, expected, 0, true);
    expect(Array.from(f.subarray(k * n, 2 * k * n))).toEqual(Array.from(expected));
  });
});

describe('LSTM cell kernel (wasm_cell.ts)', () => {
  it.each([4, 12, 256])(
    'forward and backward equal float64 maths within 1e-6 (units %i, saturated inputs included)',
    (units) => {
      const rows = 5;
      const memory = new wasmApi.Memory({ initial: 8 });
      const cell = createCell(memory, units);
      const f = new Float32Array(memory.buffer);
      const size = rows * units;
      const [act, cPrev, c, tc, h, dY, dc] = [0, 4 * size, 5 * size, 6 * size, 7 * size, 8 * size, 9 * size];
      // Pre-activations up to +-30, a few at +-200 (exp over/underflow must saturate, never NaN).
      const z = values(4 * size, 4, 30).map((v, i) => (i % 53 === 0 ? (i % 2 ? 200 : -200) : v));
      f.set(z, act);
      f.set(values(size, 5, 2), cPrev);
      cell.forward(act * 4, cPrev * 4, c * 4, tc * 4, h * 4, rows);
      const acts = new Float64Array(4 * size);
      const want = { c: new Float64Array(size), tc: new Float64Array(size), h: new Float64Array(size) };
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < units; j++) {
          const row = r * 4 * units;
          const s = r * units + j;
          const i = sigmoid(z[row + j]);
          const fg = sigmoid(z[row + units + j]);
          const g = Math.tanh(z[row + 2 * units + j]);
          const o = sigmoid(z[row + 3 * units + j]);
          [acts[row + j], acts[row + units + j], acts[row + 2 * units + j], acts[row + 3 * units + j]] = [
            i,
            fg,
            g,
            o,
          ];
          want.c[s] = fg * f[cPrev + s] + i * g;
          want.tc[s] = Math.tanh(want.c[s]);
          want.h[s] = o * want.tc[s];
        }
      const absDiff = (got: Float32Array, expected: Float64Array) =>
        Math.max(...Array.from(got, (v, i) => (Number.isFinite(v) ? Math.abs(v - expected[i]) : Infinity)));
      expect(absDiff(f.subarray(act, act + 4 * size), acts)).toBeLessThan(1e-6);
      expect(absDiff(f.subarray(c, c + size), want.c)).toBeLessThan(1e-6);
      expect(absDiff(f.subarray(tc, tc + size), want.tc)).toBeLessThan(1e-6);
      expect(absDiff(f.subarray(h, h + size), want.h)).toBeLessThan(1e-6);

      const a = new Float32Array(f.subarray(act, act + 4 * size));
      const tcs = new Float32Array(f.subarray(tc, tc + size));
      const dh = values(size, 6);
      const dcNext = values(size, 7);
      f.set(dh, dY);
      f.set(dcNext, dc);
      cell.backward(act * 4, cPrev * 4, tc * 4, dY * 4, dc * 4, rows);
      const dz = new Float64Array(4 * size);
      const dcPrev = new Float64Array(size);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < units; j++) {
          const row = r * 4 * units;
          const s = r * units + j;
          const [i, fg, g, o] = [
            a[row + j],
            a[row + units + j],
            a[row + 2 * units + j],
            a[row + 3 * units + j],
          ];
          const dcs = dh[s] * o * (1 - tcs[s] * tcs[s]) + dcNext[s];
          dz[row + j] = dcs * g * i * (1 - i);
          dz[row + units + j] = dcs * f[cPrev + s] * fg * (1 - fg);
          dz[row + 2 * units + j] = dcs * i * (1 - g * g);
          dz[row + 3 * units + j] = dh[s] * tcs[s] * o * (1 - o);
          dcPrev[s] = dcs * fg;
        }
      expect(absDiff(f.subarray(act, act + 4 * size), dz)).toBeLessThan(1e-6);
      expect(absDiff(f.subarray(dc, dc + size), dcPrev)).toBeLessThan(1e-6);
    },
  );
});

describe('training step on our kernels (kernel_step.ts) vs the tfjs-ops path (fast_lstm.ts)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterEach(() => {
    delete process.env.CONTINUO_TRAIN_KERNELS;
  });

  it('has WebAssembly SIMD here, so the kernels are what training runs', () => {
    expect(KernelWorkspace.create()).toBeDefined();
  });

  it.each([
    // Widths that are multiples of 4 use the wasm cell; 9 and 7 the JS cell; odd batches leave 1-row GEMM tiles.
    [{ vocabSize: 13, layers: [16, 12], dropout: 0.3 }, 5, 7],
    [{ vocabSize: 11, layers: [9, 7, 8], dropout: 0.25 }, 3, 6],
    [{ vocabSize: 40, layers: [64, 64], dropout: 0 }, 8, 9],
  ] as Array<[TokenModelConfig, number, number]>)(
    'gives the same loss, gradients, evaluation and logits (config %o, batch %i x %i)',
    (config, batch, steps) => {
      const model = TokenModel.create(config, 'kernels');
      const ids = (offset: number) =>
        Int32Array.from({ length: batch * steps }, (_, i) => (i * 7 + offset + (i >> 2)) % config.vocabSize);
      const inputs = ids(0);
      const targets = ids(3);
      const draw = { seed: 12345, rowOffset: 2 };
      const run = (kernels: boolean) => {
        process.env.CONTINUO_TRAIN_KERNELS = kernels ? '1' : '0';
        const { loss, grads } = model.lossAndGradients(inputs, targets, batch, draw);
        const data = Object.fromEntries(
          Object.entries(grads).map(([name, g]) => [name, g.dataSync() as Float32Array]),
        );
        tf.dispose(Object.values(grads));
        const logits = model.logits(inputs, batch);
        const logitData = logits.dataSync() as Float32Array;
        logits.dispose();
        return { loss, data, evaluation: model.evaluate(inputs, targets, batch), logits: logitData };
      };
      const ours = run(true);
      const reference = run(false);
      expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5 * reference.loss);
      expect(Math.abs(ours.evaluation - reference.evaluation)).toBeLessThan(1e-5 * reference.evaluation);
      expect(relativeDiff(ours.logits, reference.logits)).toBeLessThan(1e-5);
      for (const name of model.weightNames()) {
        expect(relativeDiff(ours.data[name], reference.data[name]), `gradient of ${name}`).toBeLessThan(1e-4);
        expect(
          Math.max(...Array.from(reference.data[name], Math.abs)),
          `${name} gradient is non-trivial`,
        ).toBeGreaterThan(1e-5);
      }
      model.dispose();
    },
  );
});

describe('Adam on plain arrays (adam.ts) vs tf.train.adam', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('gives the same weights, moments and counters over 6 updates (clipped and not, rate changed midway)', () => {
    const sizes = { a: 37, b: 5 };
    const start = { a: values(37, 10), b: values(5, 11) };
    const vars = {
      a: tf.variable(tf.tensor(start.a), true, 'adam_test_a'),
      b: tf.variable(tf.tensor(start.b), true, 'adam_test_b'),
    };
    const weights = { a: start.a.slice(), b: start.b.slice() };
    const reference = tf.train.adam(2e-3);
    const ours = new FlatAdam();
    for (let step = 0; step < 6; step++) {
      const rate = step < 3 ? 2e-3 : 5e-4;
      const scale = step % 2 ? 0.37 : 1;
      const grads = { a: values(sizes.a, 20 + step, 3), b: values(sizes.b, 30 + step, 0.01) };
      (reference as unknown as { learningRate: number }).learningRate = rate;
      reference.applyGradients({
        adam_test_a: tf.mul(tf.tensor(grads.a), scale),
        adam_test_b: tf.mul(tf.tensor(grads.b), scale),
      });
      ours.update(weights, grads, rate, scale);
    }
    expect(relativeDiff(weights.a, vars.a.dataSync())).toBeLessThan(1e-6);
    expect(relativeDiff(weights.b, vars.b.dataSync())).toBeLessThan(1e-6);
    const state = ours.exportState();
    const internals = reference as unknown as {
      accBeta1: tf.Variable;
      accBeta2: tf.Variable;
      accumulatedFirstMoment: Array<{ variable: tf.Variable }>;
      accumulatedSecondMoment: Array<{ variable: tf.Variable }>;
    };
    expect(state.iterations).toBe(6);
    expect(state.accBeta1).toBe(internals.accBeta1.dataSync()[0]);
    expect(state.accBeta2).toBe(internals.accBeta2.dataSync()[0]);
    expect(state.slots.map((slot) => slot.weight)).toEqual(['a', 'b']);
    expect(
      relativeDiff(state.slots[0].m, internals.accumulatedFirstMoment[0].variable.dataSync()),
    ).toBeLessThan(1e-6);
    expect(
      relativeDiff(state.slots[1].v, internals.accumulatedSecondMoment[1].variable.dataSync()),
    ).toBeLessThan(1e-6);
    // A restored optimiser continues identically.
    const resumed = FlatAdam.fromState(state);
    const w1 = { a: weights.a.slice(), b: weights.b.slice() };
    const g = { a: values(37, 40), b: values(5, 41) };
    ours.update(weights, g, 1e-3);
    resumed.update(w1, g, 1e-3);
    expect(Array.from(w1.a)).toEqual(Array.from(weights.a));
    reference.dispose();
    tf.dispose(Object.values(vars));
  });
});
