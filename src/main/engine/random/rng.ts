/**
 * A small, fast, seedable pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, 128-bit state, passes PractRand) seeded through splitmix32.
 *
 * Deterministic across runs and machines (pure 32-bit integer arithmetic). The whole state,
 * including the spare value `normal()` keeps, is a plain `number[]` so training checkpoints can
 * save it and a resumed run continues the very same random stream.
 */

/** Serialised generator state: [a, b, c, d, hasSpare (0 | 1), spare normal value]. */
export type RngState = number[];

const TWO_POW_32 = 4294967296;

/** One step of splitmix32 on `x`: returns the next state and a well mixed 32-bit output. */
function splitmix32(x: number): [state: number, output: number] {
  const state = (x + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [state, z >>> 0];
}

/** Folds any finite number or string seed into 32 bits (integers below 2^32 map to themselves). */
function seedBits(seed: number | string): number {
  if (typeof seed === 'string') {
    // FNV-1a over UTF-16 code units.
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }
  if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be a finite number, got ${seed}`);
  const integer = Math.trunc(seed);
  const low = integer >>> 0;
  const high = Math.floor(integer / TWO_POW_32) >>> 0;
  // Fractional parts count too, so 0.5 and 0 do not collide.
  const fraction = Math.floor((seed - integer) * TWO_POW_32) >>> 0;
  return (low ^ Math.imul(high, 0x9e3779b1) ^ Math.imul(fraction, 0x85ebca6b)) >>> 0;
}

/** Seedable generator; see the module comment. */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private hasSpare = false;
  private spare = 0;

  /** A generator seeded with `seed` (a number, e.g. from the CLI's `--seed`, or a string). */
  constructor(seed: number | string = 0) {
    this.seed(seed);
  }

  /** A generator restored from `getState()` output. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** Re-seeds in place, as if newly constructed with `seed`. */
  seed(seed: number | string): void {
    let s = seedBits(seed);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s);
      s = next;
      words.push(out);
    }
    this.a = words[0] | 0;
    this.b = words[1] | 0;
    this.c = words[2] | 0;
    this.d = words[3] | 0;
    // Discard a few outputs so the state is well mixed before use (as sfc32's reference seeding does).
    for (let i = 0; i < 12; i++) this.uint32();
    this.hasSpare = false;
    this.spare = 0;
  }

  /** The next raw 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n), without modulo bias; `n` must be an integer in 1..2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32)
      throw new RangeError(`nextInt needs an integer 1..2^32, got ${n}`);
    // Rejection: draws at or above the largest multiple of n would skew the result.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Standard normal (mean 0, variance 1), by the Box-Muller transform; keeps the second value. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * v;
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }

  /**
   * An independent child generator seeded from this stream (advances this generator), so
   * e.g. each worker or each generated piece gets its own reproducible stream.
   */
  fork(): Rng {
    const child = new Rng(0);
    let s = this.uint32() ^ Math.imul(this.uint32(), 0x9e3779b1);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(s ^ this.uint32());
      s = next;
      words.push(out);
    }
    child.setState([words[0], words[1], words[2], words[3], 0, 0]);
    for (let i = 0; i < 12; i++) child.uint32();
    return child;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A copy of the full state, JSON-safe. */
  getState(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0, this.hasSpare ? 1 : 0, this.spare];
  }

  /** Restores a state from `getState()`; throws a clear error for anything else. */
  setState(state: RngState): void {
    const valid =
      Array.isArray(state) &&
      state.length === 6 &&
      state.slice(0, 4).every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) &&
      (state[4] === 0 || state[4] === 1) &&
      Number.isFinite(state[5]);
    if (!valid)
      throw new Error(`Invalid Rng state ${JSON.stringify(state)}: expected [a, b, c, d, hasSpare, spare]`);
    this.a = state[0] | 0;
    this.b = state[1] | 0;
    this.c = state[2] | 0;
    this.d = state[3] | 0;
    this.hasSpare = state[4] === 1;
    this.spare = state[5];
  }
}

/** A generator seeded with `seed`; the same seed always gives the same stream. */
export function createRng(seed: number | string = 0): Rng {
  return new Rng(seed);
}
