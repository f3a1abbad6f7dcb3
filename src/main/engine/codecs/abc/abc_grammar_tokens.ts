/**
 * What each token of an ABC vocabulary is, for the grammar (abc_grammar.ts): its class and
 * the numbers it carries (a note's step and accidental, a duration as a fraction of the unit,
 * a tuplet's p:q:r, a broken rhythm's two factors). Tokens outside the grammar's language
 * (multi-bar rests `Z`, endings other than 1 and 2, tuplets whose q depends on the meter,
 * double sharps and flats...) are `never`.
 */
import { BAR_TOKENS } from './abc_lexer.ts';
import { naturalPitch, parseKeyToken, parseNoteToken } from './abc_fields.ts';
import { ABC_END, ABC_START } from './abc_prompt.ts';

/** A fraction n/d in lowest terms, d > 0. */
export interface Ratio {
  n: number;
  d: number;
}

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

function ratio(n: number, d: number): Ratio {
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

export type BarKind = '|' | '||' | '|]' | '|:' | ':|' | '::';

/** One token as the grammar sees it. */
export type GrammarToken =
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'field'; field: 'M' | 'L' | 'K'; value: string }
  | { kind: 'note'; step: number; letter: number; accidental: number | null; natural: number }
  | { kind: 'rest' }
  | { kind: 'duration'; value: Ratio }
  | { kind: 'bar'; bar: BarKind }
  | { kind: 'ending'; number: 1 | 2 }
  | { kind: 'tuplet'; p: number; q: number; r: number }
  | { kind: 'broken'; first: Ratio; second: Ratio }
  | { kind: 'tie' }
  | { kind: 'chordOpen' }
  | { kind: 'chordClose' }
  | { kind: 'never' };

/** q of a tuplet `(p` when the meter does not matter (ABC 2.1); undefined for 5, 7, 9. */
const DEFAULT_Q: Record<number, number> = { 2: 3, 3: 2, 4: 3, 6: 2, 8: 3 };
/** Most notes a tuplet may span. */
const MAX_TUPLET_NOTES = 8;

const BROKEN: Record<string, [Ratio, Ratio]> = {
  '>': [ratio(3, 2), ratio(1, 2)],
  '<': [ratio(1, 2), ratio(3, 2)],
  '>>': [ratio(7, 4), ratio(1, 4)],
  '<<': [ratio(1, 4), ratio(7, 4)],
  '>>>': [ratio(15, 8), ratio(1, 8)],
  '<<<': [ratio(1, 8), ratio(15, 8)],
};

const BARS = new Set<string>(BAR_TOKENS);

/** Every field any class has, in one order: all classified tokens share one hidden class. */
const BLANK = {
  kind: 'never',
  field: undefined,
  value: undefined,
  step: undefined,
  letter: undefined,
  accidental: undefined,
  natural: undefined,
  bar: undefined,
  number: undefined,
  p: undefined,
  q: undefined,
  r: undefined,
  first: undefined,
  second: undefined,
} as const;

/**
 * Classifies one token (see the module comment). The grammar asks `kind` of every token at
 * every step: objects of one shape keep that a fast, monomorphic property read.
 */
export function classifyToken(token: string): GrammarToken {
  return { ...BLANK, ...classifyLoose(token) } as GrammarToken;
}

function classifyLoose(token: string): GrammarToken {
  if (token === ABC_START) return { kind: 'start' };
  if (token === ABC_END) return { kind: 'end' };
  const note = parseNoteToken(token);
  if (note) {
    if (note.accidental !== null && Math.abs(note.accidental) > 1) return { kind: 'never' };
    return {
      kind: 'note',
      step: note.octave * 7 + note.step,
      letter: note.step,
      accidental: note.accidental,
      natural: naturalPitch(note.step, note.octave),
    };
  }
  if (token === 'z') return { kind: 'rest' };
  if (BARS.has(token)) return { kind: 'bar', bar: token as BarKind };
  if (token === '-') return { kind: 'tie' };
  if (token === '[') return { kind: 'chordOpen' };
  if (token === ']') return { kind: 'chordClose' };
  if (token === '[1' || token === '[2') return { kind: 'ending', number: token === '[1' ? 1 : 2 };
  const broken = BROKEN[token];
  if (broken) return { kind: 'broken', first: broken[0], second: broken[1] };
  const duration = /^(\d*)(?:\/(\d+))?$/.exec(token);
  if (duration && token !== '' && (duration[1] !== '' || duration[2] !== undefined)) {
    const n = duration[1] === '' ? 1 : Number(duration[1]);
    const d = duration[2] === undefined ? 1 : Number(duration[2]);
    if (n > 0 && d > 0 && d <= 64 && n <= 64) return { kind: 'duration', value: ratio(n, d) };
    return { kind: 'never' };
  }
  const tuplet = /^\((\d+)(?::(\d*))?(?::(\d+))?$/.exec(token);
  if (tuplet) {
    const p = Number(tuplet[1]);
    const q = tuplet[2] ? Number(tuplet[2]) : DEFAULT_Q[p];
    const r = tuplet[3] ? Number(tuplet[3]) : p;
    if (DEFAULT_Q[p] === undefined || q === undefined || q < 1 || q > 9 || r < 1 || r > MAX_TUPLET_NOTES)
      return { kind: 'never' };
    return { kind: 'tuplet', p, q, r };
  }
  const field = /^([MLK]):(\S+)$/.exec(token);
  if (field && (field[1] !== 'K' || parseKeyToken(token)))
    return { kind: 'field', field: field[1] as 'M' | 'L' | 'K', value: field[2] };
  return { kind: 'never' };
}

/**
 * Ticks per unit length for a vocabulary: every duration, tuplet and broken-rhythm factor
 * is a whole number of ticks, so bar arithmetic is exact integer arithmetic.
 */
export function ticksPerUnit(tokens: readonly GrammarToken[]): number {
  let durations = 1;
  let factors = 1;
  for (const t of tokens) {
    if (t.kind === 'duration') durations = lcm(durations, t.value.d);
    else if (t.kind === 'tuplet') factors = lcm(factors, t.p / gcd(t.p, t.q));
    else if (t.kind === 'broken') factors = lcm(factors, lcm(t.first.d, t.second.d));
  }
  return durations * factors;
}
