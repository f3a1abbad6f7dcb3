import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/main/engine/random/rng.ts';
import {
  lastSampleIgnoredMask,
  sampleBatch,
  sampleToken,
  SamplingError,
  TokenSampler,
  type SampleOptions,
} from '../../src/main/engine/generate/sampler.ts';

const V = 388;

/** Random logits; `coarse` rounds them so ties are common. */
function randomLogits(rng: Rng, size = V, coarse = false): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = coarse ? Math.round(rng.normal() * 2) : rng.normal() * 3;
  return out;
}

/** Reference ranking in float64: logit descending, id ascending. */
function ranked(logits: Float32Array, mask?: Uint8Array): number[] {
  const ids = [...logits.keys()].filter((i) => !mask || mask[i] === 1);
  return ids.sort((a, b) => logits[b] - logits[a] || a - b);
}

function frequencies(logits: Float32Array, options: SampleOptions, n: number, seed = 1): number[] {
  const rng = createRng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[sampleToken(logits, options, rng)]++;
  return counts.map((c) => c / n);
}

describe('sampleToken', () => {
  it('is argmax at temperature 0, ties to the lowest id, without drawing random numbers', () => {
    const rng = createRng(1);
    const state = rng.getState();
    const logits = new Float32Array([0.5, 2, -1, 2, 1.9]);
    for (let i = 0; i < 20; i++) expect(sampleToken(logits, { temperature: 0, topP: 0.5 }, rng)).toBe(1);
    expect(rng.getState()).toEqual(state);
    expect(sampleToken(logits, { temperature: 1.5, topK: 1 }, rng)).toBe(1);
    expect(sampleToken(logits, { temperature: Number.MIN_VALUE, topP: 0.9 }, rng)).toBe(1);
    const masked = Uint8Array.from([1, 0, 1, 1, 1]);
    expect(sampleToken(logits, { temperature: 0, mask: masked }, rng)).toBe(3);
    for (let trial = 0; trial < 50; trial++) {
      const l = randomLogits(rng, V, true);
      expect(sampleToken(l, { temperature: 0 }, rng)).toBe(ranked(l)[0]);
    }
  });

  it('repeats its output for a fixed seed', () => {
    const logits = randomLogits(createRng(5));
    const run = (seed: number): number[] => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, () =>
        sampleToken(logits, { temperature: 1, topK: 50, topP: 0.95 }, rng),
      );
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('follows the softmax distribution at temperature 1 and sharpens it below 1', () => {
    const probs = [0.1, 0.2, 0.3, 0.4];
    // Large shared offset: softmax must subtract the max to stay finite.
    const logits = Float32Array.from(probs.map((p) => Math.log(p) + 500));
    const freq = frequencies(logits, { temperature: 1 }, 40_000);
    probs.forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(0.012));
    // T = 0.5 squares the probabilities before renormalising.
    const squares = probs.map((p) => p * p);
    const total = squares.reduce((a, b) => a + b);
    const cold = frequencies(logits, { temperature: 0.5 }, 40_000, 2);
    squares.forEach((s, i) => expect(Math.abs(cold[i] - s / total)).toBeLessThan(0.012));
  });

  it('never emits a token outside the top k (property test, with ties)', () => {
    const rng = createRng(21);
    for (let trial = 0; trial < 400; trial++) {
      const logits = randomLogits(rng, V, trial % 2 === 0);
      const k = 1 + rng.nextInt(30);
      const allowed = new Set(ranked(logits).slice(0, k));
      const seen = new Set<number>();
      for (let draw = 0; draw < 20; draw++) {
        const token = sampleToken(logits, { temperature: 1 + rng.next() * 4, topK: k }, rng);
        expect(allowed.has(token)).toBe(true);
        seen.add(token);
      }
      if (k >= 5) expect(seen.size).toBeGreaterThan(1);
    }
  });

  it('breaks ties at the top-k and top-p boundary towards lower ids', () => {
    const flat = new Float32Array([0, 1, 1, 1, 1, 0]);
    const support = (options: Omit<SampleOptions, 'temperature'>): number[] =>
      frequencies(flat, { temperature: 1, ...options }, 3000).flatMap((f, i) => (f > 0 ? [i] : []));
    expect(support({ topK: 2 })).toEqual([1, 2]);
    expect(support({ topK: 5 })).toEqual([0, 1, 2, 3, 4]);
    // 40 equal tokens: 10% of the mass is exactly four of them, the lowest ids.
    const equal = new Float32Array(40).fill(1);
    expect(
      frequencies(equal, { temperature: 1, topP: 0.1 }, 2000).flatMap((f, i) => (f > 0 ? [i] : [])),
    ).toEqual([0, 1, 2, 3]);
  });

  it('keeps to the nucleus of top-p, after top-k', () => {
    const logits = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
    const support = (options: Omit<SampleOptions, 'temperature'>): number[] =>
      frequencies(logits, { temperature: 1, ...options }, 5000).flatMap((f, i) => (f > 0 ? [i] : []));
    expect(support({ topP: 0.4 })).toEqual([0]);
    expect(support({ topP: 0.75 })).toEqual([0, 1]);
    expect(support({ topP: 0.85 })).toEqual([0, 1, 2]);
    expect(support({ topP: 1 })).toEqual([0, 1, 2, 3]);
    // After top-2 the renormalised mass is 0.625 / 0.375, so p = 0.6 keeps only token 0.
    expect(support({ topK: 2, topP: 0.6 })).toEqual([0]);
    expect(support({ topK: 2, topP: 0.7 })).toEqual([0, 1]);

    const rng = createRng(31);
    for (let trial = 0; trial < 300; trial++) {
      const l = randomLogits(rng, V, trial % 3 === 0);
      const temperature = 0.5 + rng.next() * 2;
      const p = 0.05 + rng.next() * 0.9;
      const order = ranked(l);
      const weights = order.map((id) => Math.exp((l[id] - l[order[0]]) / temperature));
      const total = weights.reduce((a, b) => a + b);
      let cumulative = 0;
      let size = 0;
      while (cumulative < p * total) cumulative += weights[size++];
      // A float32 rounding may move the boundary by one token at most.
      const nucleus = new Set(order.slice(0, size + 1));
      for (let draw = 0; draw < 10; draw++) {
        expect(nucleus.has(sampleToken(l, { temperature, topP: p }, rng))).toBe(true);
      }
    }
  });

  it('never emits a masked token, and falls back (flagged) or throws when the mask removes everything', () => {
    const rng = createRng(41);
    const sampler = new TokenSampler();
    for (let trial = 0; trial < 200; trial++) {
      const logits = randomLogits(rng);
      const mask = new Uint8Array(V);
      for (let i = 0; i < V; i++) mask[i] = rng.next() < 0.1 ? 1 : 0;
      mask[rng.nextInt(V)] = 1;
      const options: SampleOptions = { temperature: 2, mask, topK: trial % 2 ? 10 : undefined, topP: 0.9 };
      for (let draw = 0; draw < 10; draw++) expect(mask[sampler.sample(logits, options, rng)]).toBe(1);
      expect(sampler.lastMaskIgnored).toBe(false);
    }
    const logits = randomLogits(rng);
    const empty = new Uint8Array(V);
    expect(sampler.sample(logits, { temperature: 0, mask: empty }, rng)).toBe(ranked(logits)[0]);
    expect(sampler.lastMaskIgnored).toBe(true);
    expect(sampler.maskIgnoredCount).toBe(1);
    sampleToken(logits, { temperature: 1, mask: empty }, rng);
    expect(lastSampleIgnoredMask()).toBe(true);
    expect(() => sampler.sample(logits, { temperature: 1, mask: empty, onEmptyMask: 'throw' }, rng)).toThrow(
      SamplingError,
    );
    // Allowed tokens that the model gives no probability count as an empty mask too.
    const onlyImpossible = new Uint8Array(V);
    onlyImpossible[3] = 1;
    const withInf = Float32Array.from(logits);
    withInf[3] = -Infinity;
    sampler.sample(withInf, { temperature: 1, mask: onlyImpossible }, rng);
    expect(sampler.lastMaskIgnored).toBe(true);
    sampler.sample(logits, { temperature: 1 }, rng);
    expect(sampler.lastMaskIgnored).toBe(false);
  });

  it('skips NaN and -Infinity logits and gives +Infinity all the probability', () => {
    const rng = createRng(51);
    const logits = Float32Array.from([Number.NaN, -Infinity, 0, Number.NaN, 1]);
    for (let i = 0; i < 200; i++)
      expect([2, 4]).toContain(sampleToken(logits, { temperature: 1, topP: 0.99 }, rng));
    expect(sampleToken(logits, { temperature: 0 }, rng)).toBe(4);
    const infinite = Float32Array.from([0, Infinity, 5, Infinity]);
    const seen = new Set(Array.from({ length: 100 }, () => sampleToken(infinite, { temperature: 1 }, rng)));
    expect([...seen].sort()).toEqual([1, 3]);
    expect(sampleToken(infinite, { temperature: 1, topK: 1 }, rng)).toBe(1);
    expect(() => sampleToken(Float32Array.from([Number.NaN, -Infinity]), { temperature: 1 }, rng)).toThrow(
      /nothing to sample/,
    );
  });

  it('rejects invalid options with a clear error', () => {
    const rng = createRng(1);
    const logits = new Float32Array(4);
    expect(() => sampleToken(logits, { temperature: -1 }, rng)).toThrow(/temperature/);
    expect(() => sampleToken(logits, { temperature: Number.NaN }, rng)).toThrow(/temperature/);
    expect(() => sampleToken(logits, { temperature: 1, topK: 1.5 }, rng)).toThrow(/topK/);
    expect(() => sampleToken(logits, { temperature: 1, topP: 0 }, rng)).toThrow(/topP/);
    expect(() => sampleToken(logits, { temperature: 1, mask: new Uint8Array(3) }, rng)).toThrow(
      /mask length/,
    );
  });
});

describe('sampleBatch', () => {
  it('samples each row as sampleToken would, with shared or per-row masks', () => {
    const B = 6;
    const source = createRng(61);
    const rows = Array.from({ length: B }, () => randomLogits(source));
    const flat = new Float32Array(B * V);
    rows.forEach((row, b) => flat.set(row, b * V));
    const options: SampleOptions = { temperature: 1.2, topK: 40, topP: 0.9 };
    const batched = sampleBatch(flat, B, options, createRng(7));
    const rng = createRng(7);
    expect([...batched]).toEqual(rows.map((row) => sampleToken(row, options, rng)));

    const perRow = new Uint8Array(B * V);
    for (let b = 0; b < B; b++) perRow[b * V + b] = 1; // row b may only emit token b
    expect([...sampleBatch(flat, B, { temperature: 1, mask: perRow }, createRng(3))]).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    const shared = new Uint8Array(V);
    shared[17] = 1;
    const out = new Int32Array(B);
    expect([...sampleBatch(flat, B, { temperature: 1, mask: shared }, createRng(3), out)]).toEqual(
      new Array(B).fill(17),
    );
    expect(() => sampleBatch(flat, 5, options, createRng(3))).toThrow(/multiple of batch size/);
  });
});

describe('sampler speed', () => {
  it('takes microseconds per token for V = 388', () => {
    const rng = createRng(71);
    const logitsSet = Array.from({ length: 64 }, () => randomLogits(rng));
    const mask = new Uint8Array(V).fill(1);
    for (let i = 0; i < V; i += 3) mask[i] = 0;
    const configs: [string, SampleOptions][] = [
      ['argmax', { temperature: 0 }],
      ['T=1', { temperature: 1 }],
      ['T=1 mask', { temperature: 1, mask }],
      ['topK=40', { temperature: 1, topK: 40 }],
      ['topP=0.9', { temperature: 1, topP: 0.9 }],
      ['topK=40 topP=0.9 mask', { temperature: 1, topK: 40, topP: 0.9, mask }],
    ];
    const sampler = new TokenSampler();
    const report: string[] = [];
    for (const [name, options] of configs) {
      const n = 20_000;
      for (let i = 0; i < 2000; i++) sampler.sample(logitsSet[i % 64], options, rng); // warm up
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) sampler.sample(logitsSet[i % 64], options, rng);
      const ns = Number(process.hrtime.bigint() - start) / n;
      report.push(`${name}: ${ns.toFixed(0)} ns/call`);
      // Loose bound (a shared 2-core machine): far below a model step (~1 ms).
      expect(ns).toBeLessThan(100_000);
    }
    console.log(`sampler, V=${V}: ${report.join(', ')}`);
  });
});
