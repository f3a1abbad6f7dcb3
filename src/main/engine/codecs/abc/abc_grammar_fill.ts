/**
 * Which lengths the rest of a bar can still take, in integer ticks: the exact part of the ABC
 * grammar's mask. `free[t]` says whether t ticks can be filled from a point between notes
 * (by single notes, broken-rhythm pairs and tuplets of the vocabulary's durations); the
 * other tables say the same from inside a construct (a note whose length may still come,
 * the second note of a broken rhythm, the rest of a tuplet). Both notes of a broken rhythm and
 * all notes of a tuplet have one written length (abc2midi refuses others). Tables are built
 * lazily and kept.
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
  private readonly cache = new Map<number, FillTable>();

  constructor(
    readonly size: number,
    readonly parts: FillParts,
    /** The shortest a chord may sound, in ticks (a 1/64 note, over abc2midi's stagger). */
    readonly shortestChord = 0,
  ) {
    const atoms = new Set<number>(parts.durations);
    for (const b of parts.broken)
      for (const d of parts.durations) atoms.add(scaled(d, b.first) + scaled(d, b.second));
    for (const t of parts.tuplets)
      for (const d of parts.durations) atoms.add(scaled(d * t.r, { n: t.q, d: t.p }));
    const list = [...atoms].filter((a) => a > 0 && a <= size && Number.isInteger(a));
    const free = table(size);
    free[0] = 1;
    for (let t = 0; t < size; t++) {
      if (!free[t]) continue;
      for (const a of list) if (t + a <= size) free[t + a] = 1;
    }
    this.free = finish(free);
  }

  /** `has[r]` = some x in `amounts` leaves r - x fillable from free. */
  private shifted(key: number, amounts: () => Iterable<number>): FillTable {
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
   * An open element (its written length `fixed`, or still to come when null) scaled by `scale`,
   * then `left` more tuplet elements of that same length and scale; `broken`: it may still start
   * a broken rhythm (whose second element has its length); `chord`: the open element is a chord,
   * which must sound at least `shortestChord` ticks once scaled (its partners need not).
   */
  open(fixed: number | null, scale: Ratio, left: number, broken: boolean, chord = false): FillTable {
    // A numeric key: scale terms stay below 32 (q <= 9, p <= 8, broken factors <= 15/8), left below 16.
    const key =
      ((((fixed === null ? 0 : fixed + 1) * 1024 + scale.n * 32 + scale.d) * 16 + left) * 2 +
        (broken ? 1 : 0)) *
        2 +
      (chord ? 1 : 0);
    return this.shifted(key, () => {
      const own = fixed === null ? this.parts.durations : [fixed];
      const out: number[] = [];
      for (const d of own) {
        if (!chord || this.chordSounds(scaled(d, scale))) out.push(scaled(d * (1 + left), scale));
        if (broken)
          for (const b of this.parts.broken)
            if (!chord || this.chordSounds(scaled(d, b.first)))
              out.push(scaled(d, b.first) + scaled(d, b.second));
      }
      return out;
    });
  }

  /** A chord sounding `ticks` lasts at least the shortest chord (with float slack for thirds). */
  chordSounds(ticks: number): boolean {
    return ticks >= this.shortestChord - 1e-9;
  }

  /** `left` (>= 1) tuplet elements still to start, at `scale`, of written length `length` (null: any one). */
  tupletRest(scale: Ratio, left: number, length: number | null): FillTable {
    // Negative, so it never meets an `open` key.
    const key = -(((length === null ? 0 : length + 1) * 1024 + scale.n * 32 + scale.d) * 16 + left + 1);
    return this.shifted(key, () =>
      (length === null ? this.parts.durations : [length]).map((d) => scaled(d * left, scale)),
    );
  }
}
