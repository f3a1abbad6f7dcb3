/**
 * The header in force for the ABC grammar: bar length in ticks (meter / unit length), the key
 * signature per letter, and the bar fill tables for that bar length.
 */
import { keyFifths, LETTERS, parseKeyToken, signatureAccidental } from './abc_fields.ts';
import { BarFill, type FillParts } from './abc_grammar_fill.ts';
import { gcd, type Ratio } from './abc_grammar_tokens.ts';

/** Meter, unit and key in force, with what the grammar derives from them. */
export interface HeaderContext {
  /** Ticks of one unit length. */
  unitTicks: number;
  /** Ticks of a full bar, or null for free meter (M:none). */
  barTicks: number | null;
  fill: BarFill;
}

/** Chords last at least a 1/64 note (see `HeaderContexts.get`). */
export const SHORTEST_CHORD_DENOMINATOR = 64;

function fraction(text: string | undefined): Ratio | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return null;
  return { n: Number(m[1]), d: Number(m[2]) };
}

/** Accidental per letter (C..B) of a `K:` token's signature (C major when unreadable). */
export function signatureOf(keyToken: string | undefined): number[] {
  const key = keyToken ? parseKeyToken(keyToken) : undefined;
  const fifths = key ? keyFifths(key) : 0;
  return LETTERS.map((letter) => signatureAccidental(fifths, letter));
}

/** Builds (and caches) header contexts for one vocabulary's fill parts. */
export class HeaderContexts {
  private readonly cache = new Map<string, HeaderContext>();

  constructor(
    private readonly ticksPerUnit: number,
    private readonly parts: (unitTicks: number) => FillParts,
  ) {}

  /** The context of meter `M:` value and unit `L:` value (e.g. "6/8", "1/8"). */
  get(meter: string, unit: string): HeaderContext {
    const key = `${meter} ${unit}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const m = fraction(meter);
    const l = fraction(unit) ?? { n: 1, d: 8 };
    let unitTicks = this.ticksPerUnit;
    let barTicks: number | null = null;
    if (m) {
      // Bar length in units = (m.n / m.d) / (l.n / l.d); scale the tick so it is whole.
      const num = m.n * l.d;
      const den = m.d * l.n;
      const g = gcd(num, den);
      unitTicks *= den / g;
      barTicks = (num / g) * unitTicks;
    }
    // Free meter: bars are checked for being non-empty only; 4 bars of 4/4 bound the tables.
    const size = barTicks ?? 32 * unitTicks;
    // abc2midi staggers chord notes 10 ticks apart (480 per quarter) and misplays the rest of
    // the tune after a chord shorter than that stagger; a 1/64 note (30 ticks) leaves a margin.
    const shortestChord = (unitTicks * l.d) / (l.n * SHORTEST_CHORD_DENOMINATOR);
    const fill = new BarFill(size, this.parts(unitTicks), shortestChord);
    const context = { unitTicks, barTicks, fill };
    this.cache.set(key, context);
    return context;
  }
}
