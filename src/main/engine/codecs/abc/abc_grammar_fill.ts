/**
 * Which lengths the rest of a bar can still take, in integer ticks: the exact part of the ABC
 * grammar's mask. `free[t]` says whether t ticks can be filled from a point between notes
 * (by single notes, broken-rhythm pairs and tuplets of the vocabulary's durations); the
 * `finish*` tables say the same from inside a construct (a note whose length may still come,
 * the second note of a broken rhythm, the rest of a tuplet). Tables are built lazily and kept.
 */
import type { Ratio } from './abc_grammar_tokens.ts';

/** What fills bars: element lengths in ticks, broken-rhythm factors and tuplets. */
export interface FillParts {
  /** Lengths of one element (the unit and every allowed duration), in ticks. */
  durations: readonly number[];
  broken: readonly { first: Ratio; second: Ratio }[];
  tuplets: readonly { p: number; q: number; r: number }[];
}

/** A table over 0..size: `has[t]` = t ticks can be completed. */
export interface FillTable {
  has: Uint8Array;
  /** True when some entry is set. */
  any: boolean;
}

function table(size: number): Uint8Array {
  return new Uint8Array(size + 1);
}

function finish(has: Uint8Array): FillTable {
  return { has, any: has.includes(1) };
}

function scaled(ticks: number, factor: Ratio): number {
  return (ticks * factor.n) / factor.d;
}

/** The fill tables of one bar size (ticks). */
export class BarFill {
  readonly free: FillTable;
  private readonly cache = new Map<string | number, FillTable>();
  /** exactly[k]: sums of exactly k element lengths (unscaled), up to `limit`. */
  private readonly exactly: Uint8Array[] = [];
  private readonly limit: number;

  constructor(
    readonly size: number,
    readonly parts: FillParts,
  ) {
    this.limit = size * 4;
    const atoms = new Set<number>(parts.durations);
    for (const b of parts.broken)
      for (const d1 of parts.durations)
        for (const d2 of parts.durations) atoms.add(scaled(d1, b.first) + scaled(d2, b.second));
    for (const t of parts.tuplets) {
      const sums = this.sums(t.r);
      for (let s = 0; s < sums.length; s++) if (sums[s]) atoms.add(scaled(s, { n: t.q, d: t.p }));
    }
    const list = [...atoms].filter((a) => a > 0 && a <= size && Number.isInteger(a));
    const free = table(size);
    free[0] = 1;
    for (let t = 0; t < size; t++) {
      if (!free[t]) continue;
      for (const a of list) if (t + a <= size) free[t + a] = 1;
    }
    this.free = finish(free);
  }

  /** Sums of exactly k element lengths (unscaled), as a table up to 4 bars. */
  sums(k: number): Uint8Array {
    if (this.exactly.length === 0) {
      const zero = new Uint8Array(this.limit + 1);
      zero[0] = 1;
      this.exactly.push(zero);
    }
    while (this.exactly.length <= k) {
      const previous = this.exactly[this.exactly.length - 1];
      const next = new Uint8Array(this.limit + 1);
      for (let s = 0; s <= this.limit; s++) {
        if (!previous[s]) continue;
        for (const d of this.parts.durations) if (s + d <= this.limit) next[s + d] = 1;
      }
      this.exactly.push(next);
    }
    return this.exactly[k];
  }

  /** `has[r]` = some x in `amounts` leaves r - x fillable from free. */
  private shifted(key: string | number, amounts: () => Iterable<number>): FillTable {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const xs = [...new Set(amounts())].filter((x) => Number.isInteger(x) && x >= 0 && x <= this.size);
    const has = table(this.size);
    const free = this.free.has;
    for (let r = 0; r <= this.size; r++) {
      for (const x of xs) {
        if (x <= r && free[r - x]) {
          has[r] = 1;
          break;
        }
      }
    }
    const result = finish(has);
    this.cache.set(key, result);
    return result;
  }

  /**
   * An open element (its length `fixed`, or still to come when null) scaled by `scale`, then
   * `left` more tuplet elements at that scale; `broken`: it may still start a broken rhythm.
   */
  open(fixed: number | null, scale: Ratio, left: number, broken: boolean): FillTable {
    // A numeric key: scale terms stay below 32 (q <= 9, p <= 8, broken factors <= 15/8), left below 16.
    const key =
      (((fixed === null ? 0 : fixed + 1) * 1024 + scale.n * 32 + scale.d) * 16 + left) * 2 + (broken ? 1 : 0);
    return this.shifted(key, () => {
      const own = fixed === null ? this.parts.durations : [fixed];
      const out: number[] = [];
      const rest = this.sums(left);
      for (const d of own) {
        for (let s = 0; s < rest.length; s++) if (rest[s]) out.push(scaled(d + s, scale));
        if (broken)
          for (const b of this.parts.broken)
            for (const d2 of this.parts.durations) out.push(scaled(d, b.first) + scaled(d2, b.second));
      }
      return out;
    });
  }

  /** `left` (>= 1) tuplet elements still to start, at `scale`. */
  tupletRest(scale: Ratio, left: number): FillTable {
    const key = `t:${scale.n}/${scale.d}:${left}`;
    return this.shifted(key, () => {
      const sums = this.sums(left);
      const out: number[] = [];
      for (let s = 0; s < sums.length; s++) if (sums[s]) out.push(scaled(s, scale));
      return out;
    });
  }

  /** The second element of a broken rhythm, scaled by `second`, still to start. */
  brokenSecond(second: Ratio): FillTable {
    return this.shifted(`b:${second.n}/${second.d}`, () =>
      this.parts.durations.map((d) => scaled(d, second)),
    );
  }
}
