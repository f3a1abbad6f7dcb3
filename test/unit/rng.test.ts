import { describe, expect, it } from 'vitest';
import { createRng, Rng } from '../../src/main/engine/random/rng.ts';

const draws = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('Rng', () => {
  it('repeats the same stream for the same seed and differs for other seeds', () => {
    expect(draws(createRng(42), 50)).toEqual(draws(createRng(42), 50));
    expect(draws(createRng('maestro'), 20)).toEqual(draws(createRng('maestro'), 20));
    expect(draws(createRng(42), 5)).not.toEqual(draws(createRng(43), 5));
    expect(draws(createRng(0), 5)).not.toEqual(draws(createRng(2 ** 32), 5));
    expect(draws(createRng(0), 5)).not.toEqual(draws(createRng(0.5), 5));
  });

  it('keeps its stream fixed across versions (checkpoints rely on it)', () => {
    const rng = createRng(42);
    const first = [rng.uint32(), rng.uint32(), rng.uint32()];
    // Pinned values: a change here breaks resuming old training runs with the same stream.
    expect(first).toEqual(PINNED_SEED_42);
  });

  it('draws uniform values in [0, 1) and unbiased integers', () => {
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      counts[rng.nextInt(10)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.001 tail.
    const expected = n / 10;
    const chi = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chi).toBeLessThan(27.9);
    expect(rng.nextInt(1)).toBe(0);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
  });

  it('draws standard normals', () => {
    const rng = createRng(3);
    const n = 100_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      squares += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(squares / n - mean * mean - 1)).toBeLessThan(0.02);
  });

  it('round-trips its state, including a pending normal value, through JSON', () => {
    const rng = createRng(99);
    draws(rng, 17);
    rng.normal(); // leaves the spare normal pending
    const saved = JSON.parse(JSON.stringify(rng.getState())) as number[];
    const mixed = (r: Rng): number[] => [
      r.normal(),
      r.next(),
      r.nextInt(1000),
      r.normal(),
      r.normal(),
      r.uint32(),
    ];
    const before = [...mixed(rng), ...draws(rng, 100)];
    rng.setState(saved);
    expect([...mixed(rng), ...draws(rng, 100)]).toEqual(before);
    const restored = Rng.fromState(saved);
    expect([...mixed(restored), ...draws(restored, 100)]).toEqual(before);
  });

  it('rejects a malformed state with a clear error', () => {
    const rng = createRng(1);
    expect(() => rng.setState([1, 2, 3])).toThrow(/Invalid Rng state/);
    expect(() => rng.setState([1, 2, 3, -4, 0, 0])).toThrow(/Invalid Rng state/);
    expect(() => rng.setState([1, 2, 3, 4, 2, 0])).toThrow(/Invalid Rng state/);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });

  it('forks deterministic child streams that differ from the parent', () => {
    const a = createRng(5);
    const b = createRng(5);
    const childA = a.fork();
    const childB = b.fork();
    const streamA = draws(childA, 20);
    expect(draws(childB, 20)).toEqual(streamA);
    expect(draws(a, 20)).toEqual(draws(b, 20));
    expect(draws(createRng(5), 20)).not.toEqual(streamA);
    expect(draws(a.fork(), 5)).not.toEqual(draws(a.fork(), 5));
  });

  it('shuffles into a permutation, reproducibly', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRng(8).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(createRng(8).shuffle([...items])).toEqual(shuffled);
  });
});

const PINNED_SEED_42 = [3825871779, 1851418855, 1383259262];
