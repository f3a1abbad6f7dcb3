/**
 * An independent check of the ABC grammar's language, for tests: a validator written apart
 * from src/main/engine/codecs/abc/abc_grammar*.ts (exact fractions instead of ticks, the rules
 * read straight from the grammar's documentation, no fill tables) and a completer that
 * searches for an ending (rests, lengths, tuplets, broken rhythms, bar lines, endings, and the
 * notes a pending tie or chord needs). `canComplete` is the oracle the grammar's mask must equal.
 *
 * Rules (see abc_grammar_state.ts): full bars except a pickup first bar and short closing bars
 * (meter minus pickup) before `:|` `::` `||` `|]`, each followed by a pickup bar; sections
 * `|: ... :|` (a section starting with a pickup closes short), endings `[1` after a `|` in a
 * section with a bar, `[2` right after its `:|`; ties into the same note across at most one
 * `|`; chords of 2-3 notes of different steps and sounding pitches, each sounding at least a
 * 1/64 note once broken rhythms and tuplets apply (abc2midi staggers chord notes); tuplets
 * and broken rhythms inside a bar, each of
 * elements of one written length (abc2midi refuses "Notes not equal durations" and
 * "Different length notes in tuple" otherwise; a chord in a tuplet is one unit long, as
 * abc2midi compares its inner notes); spelling
 * without double or redundant accidentals and without ambiguous plain letters; no fields in
 * the body; the end after a bar line with everything closed and at least one note.
 */

class Fraction {
  readonly n: number;
  readonly d: number;
  constructor(n: number, d = 1) {
    const g = gcd(Math.abs(n), Math.abs(d)) || 1;
    const sign = d < 0 ? -1 : 1;
    this.n = (sign * n) / g;
    this.d = (sign * d) / g;
  }
  plus(o: Fraction): Fraction {
    return new Fraction(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  minus(o: Fraction): Fraction {
    return new Fraction(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  times(o: Fraction): Fraction {
    return new Fraction(this.n * o.n, this.d * o.d);
  }
  cmp(o: Fraction): number {
    return this.n * o.d - o.n * this.d;
  }
  eq(o: Fraction): boolean {
    return this.cmp(o) === 0;
  }
  get key(): string {
    return `${this.n}/${this.d}`;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const ZERO = new Fraction(0);
const LETTERS = 'CDEFGAB';
const NATURAL = [0, 2, 4, 5, 7, 9, 11];
const SHARP_ORDER = 'FCGDAEB';
const KEY_FIFTHS: Record<string, number> = { C: 0, D: 2, E: 4, F: -1, G: 1, A: 3, B: 5 };
const MODE_FIFTHS: Record<string, number> = { maj: 0, min: -3, mix: -1, dor: -2, phr: -4, lyd: 1, loc: -5 };
const BARS = ['|', '||', '|]', '|:', ':|', '::'];
const CLOSERS = [':|', '::', '||', '|]'];

interface Note {
  step: number;
  letter: number;
  acc: number | null;
  natural: number;
}

function readNote(token: string): Note | null {
  const m = /^(\^|_|=)?([A-Ga-g])([,']*)$/.exec(token);
  if (!m) return null;
  const letter = LETTERS.indexOf(m[2].toUpperCase());
  let octave = m[2] === m[2].toLowerCase() ? 1 : 0;
  for (const c of m[3]) octave += c === "'" ? 1 : -1;
  const acc = m[1] === undefined ? null : m[1] === '^' ? 1 : m[1] === '_' ? -1 : 0;
  return { step: octave * 7 + letter, letter, acc, natural: 60 + 12 * octave + NATURAL[letter] };
}

function readDuration(token: string): Fraction | null {
  const m = /^(\d*)(?:\/(\d+))?$/.exec(token);
  if (!m || token === '' || (m[1] === '' && m[2] === undefined)) return null;
  return new Fraction(m[1] === '' ? 1 : Number(m[1]), m[2] === undefined ? 1 : Number(m[2]));
}

function readTuplet(token: string): { factor: Fraction; count: number } | null {
  const m = /^\((\d+)(?::(\d*))?(?::(\d+))?$/.exec(token);
  if (!m) return null;
  const p = Number(m[1]);
  const defaults: Record<number, number> = { 2: 3, 3: 2, 4: 3, 6: 2, 8: 3 };
  if (defaults[p] === undefined) return null;
  const q = m[2] ? Number(m[2]) : defaults[p];
  const r = m[3] ? Number(m[3]) : p;
  if (q > 9 || r > 8) return null;
  return { factor: new Fraction(q, p), count: r };
}

const BROKEN: Record<string, [Fraction, Fraction]> = {
  '>': [new Fraction(3, 2), new Fraction(1, 2)],
  '<': [new Fraction(1, 2), new Fraction(3, 2)],
  '>>': [new Fraction(7, 4), new Fraction(1, 4)],
  '<<': [new Fraction(1, 4), new Fraction(7, 4)],
  '>>>': [new Fraction(15, 8), new Fraction(1, 8)],
  '<<<': [new Fraction(1, 8), new Fraction(15, 8)],
};

/** The checker's state: plain data, copied on every step. */
export interface CheckState {
  full: Fraction | null;
  unit: Fraction;
  key: number[];
  started: boolean;
  length: Fraction;
  count: number;
  octave: Record<number, number>;
  letter: Record<number, number>;
  pending: {
    base: Fraction;
    factor: Fraction;
    dur: boolean;
    note: { step: number; pitch: number } | null;
    canBreak: boolean;
    /** While a chord is open: its notes' steps and sounding pitches. */
    chord: number[] | null;
    pitches: number[];
    /** A chord (open or closed): it must sound at least a 1/64 note. */
    isChord: boolean;
    /** The written length this element must have (its broken-rhythm partner's or its tuplet's). */
    must: Fraction | null;
    inTuplet: boolean;
  } | null;
  /** After `>`/`<`: the second element's factor and the written length of the first. */
  second: { factor: Fraction; base: Fraction } | null;
  tuplet: { factor: Fraction; left: number; base: Fraction | null } | null;
  tieTo: { step: number; pitch: number } | null;
  role: 'first' | 'pickup' | 'normal';
  pickup: Fraction | null;
  repeat: 'none' | 'open' | 'ending1' | 'needEnding2' | 'ending2';
  sectionPickup: boolean;
  sectionBars: number;
  lastToken: string | null;
  lastCounted: boolean;
  notes: number;
  done: boolean;
  over: boolean;
}

/** The state after a header of meter, unit length and key tokens (`M:6/8`, `L:1/8`, `K:Dmaj`). */
export function headerState(meter: string, unit: string, key: string): CheckState {
  const m = /^M:(\d+)\/(\d+)$/.exec(meter);
  const l = /^L:(\d+)\/(\d+)$/.exec(unit);
  const k = /^K:([A-G])([#b]?)(maj|min|mix|dor|phr|lyd|loc)$/.exec(key);
  const unitLength = l ? new Fraction(Number(l[1]), Number(l[2])) : new Fraction(1, 8);
  const fifths = k ? KEY_FIFTHS[k[1]] + (k[2] === '#' ? 7 : k[2] === 'b' ? -7 : 0) + MODE_FIFTHS[k[3]] : 0;
  const sig = [...LETTERS].map((letter) => {
    const i = SHARP_ORDER.indexOf(letter);
    if (fifths > 0) return i < fifths ? 1 : 0;
    if (fifths < 0) return 6 - i < -fifths ? -1 : 0;
    return 0;
  });
  return {
    full: m ? new Fraction(Number(m[1]), Number(m[2])).times(new Fraction(unitLength.d, unitLength.n)) : null,
    unit: unitLength,
    key: sig,
    started: false,
    length: ZERO,
    count: 0,
    octave: {},
    letter: {},
    pending: null,
    second: null,
    tuplet: null,
    tieTo: null,
    role: 'first',
    pickup: null,
    repeat: 'none',
    sectionPickup: false,
    sectionBars: 0,
    lastToken: null,
    lastCounted: false,
    notes: 0,
    done: false,
    over: false,
  };
}

function copy(s: CheckState): CheckState {
  return {
    ...s,
    octave: { ...s.octave },
    letter: { ...s.letter },
    pending: s.pending
      ? {
          ...s.pending,
          chord: s.pending.chord ? [...s.pending.chord] : null,
          pitches: [...s.pending.pitches],
        }
      : null,
    tuplet: s.tuplet ? { ...s.tuplet } : null,
  };
}

/** What a note sounds in `s`, or null when it may not be written (spelling rules). */
function pitchOf(s: CheckState, n: Note): number | null {
  const byOctave = s.octave[n.step] ?? s.key[n.letter];
  const byLetter = s.letter[n.letter] ?? s.key[n.letter];
  if (n.acc === null) return byOctave === byLetter ? n.natural + byOctave : null;
  if (n.acc === byOctave && n.acc === byLetter) return null;
  const pitch = n.natural + n.acc;
  // A pitch of the key needs no accidental unless one is in force for the letter in this bar.
  const inKey = s.key.some(
    (shift, letter) => (NATURAL[letter] + shift + 12) % 12 === ((pitch % 12) + 12) % 12,
  );
  const earlier = byOctave !== s.key[n.letter] || byLetter !== s.key[n.letter];
  if (inKey && !earlier) return null;
  return pitch;
}

/** A chord sounding `length` (in units) lasts at least a 1/64 note (abc2midi staggers its notes). */
function chordLongEnough(s: CheckState, length: Fraction): boolean {
  return length.times(s.unit).cmp(new Fraction(1, 64)) >= 0;
}

/** Ends the pending element; false when it lacks the written length it must have. */
function settle(s: CheckState): boolean {
  const p = s.pending;
  if (!p) return true;
  if (p.must && !p.base.eq(p.must)) return false;
  if (p.isChord && !chordLongEnough(s, p.base.times(p.factor))) return false;
  if (p.inTuplet && s.tuplet && s.tuplet.base === null) s.tuplet = { ...s.tuplet, base: p.base };
  s.length = s.length.plus(p.base.times(p.factor));
  s.pending = null;
  return true;
}

function begin(s: CheckState, note: { step: number; pitch: number } | null, chord: boolean): boolean {
  if (s.over || s.repeat === 'needEnding2' || s.pending?.chord) return false;
  if (!settle(s)) return false;
  let factor = new Fraction(1);
  let canBreak = true;
  let must: Fraction | null = null;
  let inTuplet = false;
  if (s.second) {
    factor = s.second.factor;
    must = s.second.base;
    s.second = null;
    canBreak = false;
  } else if (s.tuplet) {
    factor = s.tuplet.factor;
    must = s.tuplet.base;
    // abc2midi measures a chord in a tuplet by its inner notes: one unit (lengths follow `]`).
    if (chord && must && !must.eq(new Fraction(1))) return false;
    if (chord) must = new Fraction(1);
    inTuplet = true;
    canBreak = false;
    s.tuplet.left -= 1;
    if (s.tuplet.left === 0) s.tuplet = null;
  }
  // Lengths are counted in units: an element is one unit until a duration token says otherwise.
  s.pending = {
    base: new Fraction(1),
    factor,
    dur: false,
    note,
    canBreak,
    chord: chord ? [] : null,
    pitches: [],
    isChord: chord,
    must,
    inTuplet,
  };
  s.count += 1;
  s.started = true;
  s.lastToken = null;
  return true;
}

function lineOk(s: CheckState, bar: string, len: Fraction): boolean {
  if (len.cmp(ZERO) <= 0) return false;
  if (bar === '|]' && s.notes === 0) return false;
  const full = s.full;
  if (full === null) return false;
  if (s.role === 'first' && len.cmp(full) < 0) return bar === '|' || (bar === '|:' && s.repeat === 'none');
  if (s.role === 'first' && len.cmp(full) > 0) return false;
  if (s.role === 'pickup')
    return s.pickup !== null && len.eq(s.pickup) && (bar === '|' || (bar === '|:' && s.repeat === 'none'));
  const isFull = len.eq(full);
  const isShort = s.pickup !== null && s.pickup.cmp(ZERO) > 0 && len.eq(full.minus(s.pickup));
  if (!isFull && !isShort) return false;
  if (isShort && !isFull && !CLOSERS.includes(bar)) return false;
  const closesSection = s.sectionPickup ? isShort && !isFull : isFull;
  switch (s.repeat) {
    case 'none':
    case 'ending2':
      return ['|', '||', '|]'].includes(bar) || (bar === '|:' && isFull);
    case 'open':
      return (bar === '|' && isFull) || ((bar === ':|' || bar === '::') && closesSection);
    case 'ending1':
      return (bar === '|' && isFull) || (bar === ':|' && closesSection);
    default:
      return false;
  }
}

/** The state after `token`, or null when the token breaks a rule here. */
export function step(state: CheckState, token: string): CheckState | null {
  const s = copy(state);
  if (s.done) return null;
  if (token === '</s>') return isComplete(s) ? { ...s, done: true } : null;
  if (s.over) return null;
  const note = readNote(token);
  if (note) {
    const pitch = pitchOf(s, note);
    if (pitch === null) return null;
    const chord = s.pending?.chord;
    if (chord) {
      const pitches = (s.pending as NonNullable<CheckState['pending']>).pitches;
      if (chord.includes(note.step) || pitches.includes(pitch) || chord.length >= 3) return null;
      chord.push(note.step);
      pitches.push(pitch);
    } else {
      if (s.tieTo && (s.tieTo.step !== note.step || s.tieTo.pitch !== pitch)) return null;
      s.tieTo = null;
      if (!begin(s, { step: note.step, pitch }, false)) return null;
    }
    if (note.acc !== null) {
      s.octave[note.step] = note.acc;
      s.letter[note.letter] = note.acc;
    }
    s.notes += 1;
    return s;
  }
  if (token === 'z') return s.tieTo || !begin(s, null, false) ? null : s;
  if (token === '[') return s.tieTo || !begin(s, null, true) ? null : s;
  if (token === ']') {
    if (!s.pending?.chord || s.pending.chord.length < 2) return null;
    s.pending.chord = null;
    return s;
  }
  if (token === '-') {
    const p = s.pending;
    if (!p || p.chord || !p.note) return null;
    s.tieTo = p.note;
    return settle(s) ? s : null;
  }
  const duration = readDuration(token);
  if (duration) {
    const p = s.pending;
    if (!p || p.chord || p.dur || (p.must && !duration.eq(p.must))) return null;
    p.base = duration;
    p.dur = true;
    return s;
  }
  const broken = BROKEN[token];
  if (broken) {
    const p = s.pending;
    if (!p || p.chord || !p.canBreak) return null;
    if (p.isChord && !chordLongEnough(s, p.base.times(broken[0]))) return null;
    s.length = s.length.plus(p.base.times(broken[0]));
    s.pending = null;
    s.second = { factor: broken[1], base: p.base };
    return s;
  }
  const tuplet = readTuplet(token);
  if (tuplet) {
    if (s.tieTo || s.second || s.tuplet || s.pending?.chord || s.repeat === 'needEnding2') return null;
    if (!settle(s)) return null;
    s.tuplet = { factor: tuplet.factor, left: tuplet.count, base: null };
    return s;
  }
  if (token === '[1' || token === '[2') {
    if (s.count > 0 || s.pending || s.tieTo || s.tuplet) return null;
    if (token === '[1') {
      if (s.lastToken !== '|' || s.repeat !== 'open' || s.sectionBars < 1) return null;
      s.repeat = 'ending1';
    } else {
      if (s.lastToken !== ':|' || s.repeat !== 'needEnding2') return null;
      s.repeat = 'ending2';
    }
    s.lastToken = token;
    return s;
  }
  if (BARS.includes(token)) return barStep(s, token);
  return null;
}

function barStep(s: CheckState, bar: string): CheckState | null {
  if (s.pending?.chord || s.tuplet || s.second || s.repeat === 'needEnding2') return null;
  if (s.tieTo && bar !== '|') return null;
  if (!s.started) {
    if (bar !== '|:') return null;
    s.started = true;
    s.repeat = 'open';
    s.lastToken = bar;
    return s;
  }
  if (!settle(s)) return null;
  if (s.count === 0 || !lineOk(s, bar, s.length)) return null;
  const full = s.full as Fraction;
  const len = s.length;
  const wasFirst = s.role === 'first';
  if (wasFirst && len.cmp(full) < 0) s.pickup = len;
  const counted = s.role === 'normal' || (wasFirst && len.eq(full));
  const short = counted && s.pickup !== null && s.pickup.cmp(ZERO) > 0 && len.cmp(full) < 0;
  if (wasFirst && s.repeat === 'open' && s.sectionBars === 0) s.sectionPickup = !counted;
  s.lastCounted = counted;
  let next: CheckState['role'] = 'normal';
  if (bar === '|') {
    if (s.repeat === 'ending2') s.repeat = 'none';
    else if ((s.repeat === 'open' || s.repeat === 'ending1') && counted) s.sectionBars += 1;
  } else if (bar === '|:') {
    s.repeat = 'open';
    s.sectionPickup = false;
    s.sectionBars = 0;
  } else if (bar === ':|') {
    if (s.repeat === 'ending1') s.repeat = 'needEnding2';
    else {
      s.repeat = 'none';
      if (short) next = 'pickup';
    }
  } else if (bar === '::') {
    s.repeat = 'open';
    s.sectionPickup = short;
    s.sectionBars = 0;
    if (short) next = 'pickup';
  } else if (bar === '||') {
    s.repeat = 'none';
    if (short) next = 'pickup';
  } else {
    s.repeat = 'none';
    s.over = true;
  }
  s.role = next;
  s.length = ZERO;
  s.count = 0;
  s.octave = {};
  s.letter = {};
  s.lastToken = bar;
  return s;
}

/** The tune may end here. */
export function isComplete(s: CheckState): boolean {
  if (s.done || s.over) return s.notes > 0;
  return (
    s.lastToken !== null &&
    BARS.includes(s.lastToken) &&
    s.lastToken !== '|:' &&
    s.lastToken !== '::' &&
    s.repeat === 'none' &&
    s.tieTo === null &&
    s.lastCounted &&
    s.notes > 0
  );
}

/** The whole token list (after `<s>` and the header) is a valid tune. */
export function checkTune(
  tokens: readonly string[],
): { ok: true } | { ok: false; at: number; reason: string } {
  const [start, meter, unit, key, ...body] = tokens;
  if (start !== '<s>') return { ok: false, at: 0, reason: 'no <s>' };
  let s: CheckState | null = headerState(meter, unit, key);
  for (let i = 0; i < body.length; i++) {
    const next: CheckState | null = step(s, body[i]);
    if (!next)
      return {
        ok: false,
        at: i + 4,
        reason: `"${body[i]}" after ${body.slice(Math.max(0, i - 12), i).join(' ')}`,
      };
    s = next;
  }
  return isComplete(s)
    ? { ok: true }
    : { ok: false, at: tokens.length, reason: 'the tune does not end here' };
}

function stateKey(s: CheckState): string {
  // Progress and accidentals far from any pending note do not change what can follow, except
  // through spelling, which matters only for a pending tie or chord.
  const p = s.pending;
  const spelling = s.tieTo || p?.chord ? `${JSON.stringify(s.octave)}${JSON.stringify(s.letter)}` : '';
  return [
    s.full?.key,
    s.unit.key,
    s.key.join(','),
    s.length.key,
    s.count > 0,
    p
      ? `${p.base.key}:${p.factor.key}:${p.dur}:${p.note !== null}:${p.canBreak}:${p.chord?.join('.') ?? '-'}:${p.pitches.join('.')}:${p.isChord}:${p.must?.key ?? '-'}:${p.inTuplet}`
      : '',
    s.second ? `${s.second.factor.key}:${s.second.base.key}` : '',
    s.tuplet ? `${s.tuplet.factor.key}:${s.tuplet.left}:${s.tuplet.base?.key ?? '-'}` : '',
    s.tieTo ? `${s.tieTo.step}:${s.tieTo.pitch}` : '',
    s.role,
    s.pickup?.key ?? '',
    s.repeat,
    s.sectionPickup,
    s.sectionBars > 0,
    s.lastToken,
    s.lastCounted,
    s.notes > 0,
    s.started,
    s.over,
    s.done,
    spelling,
  ].join('|');
}

/** Memo of the search per vocabulary: keys (with the bar budget) of states that complete, or do not. */
interface SearchMemo {
  yes: Set<string>;
  no: Set<string>;
}
const memos = new WeakMap<readonly string[], SearchMemo>();

/**
 * Whether some continuation from `state` with tokens of `vocabulary` reaches a complete tune
 * within `maxBars` more bars (6 close any section: this bar, a pickup, a closing bar, a second
 * ending, one more bar): a depth-first search over tokens (bar lines first, then the
 * bar-shaping tokens: rests, lengths, tuplets, broken rhythms, endings; notes only where a
 * tie, a chord or a tune without notes needs them), pruned when a bar runs past its length.
 * The bar budget makes the search graph acyclic, so its results are memoised per vocabulary.
 */
export function canComplete(state: CheckState, vocabulary: readonly string[], maxBars = 6): boolean {
  let memo = memos.get(vocabulary);
  if (!memo) {
    memo = { yes: new Set(), no: new Set() };
    memos.set(vocabulary, memo);
  }
  const { yes, no } = memo;
  const bars = vocabulary.filter((t) => BARS.includes(t));
  // Rests and lengths before tuplets and broken rhythms: the short completions come first.
  const shaping = [
    ...vocabulary.filter((t) => t === 'z' || t === ']' || t === '[1' || t === '[2'),
    ...vocabulary.filter((t) => readDuration(t)),
    ...vocabulary.filter((t) => BROKEN[t] || readTuplet(t)),
  ];
  const notes = vocabulary.filter((t) => readNote(t));
  const candidates = (s: CheckState): string[] => {
    if (s.tieTo) return [...bars, ...notes];
    if (s.pending?.chord) return s.pending.chord.length >= 2 ? [']'] : notes;
    // A tune without a note yet: try a note first (any will do for the rest of the search).
    if (s.notes === 0) return [...bars, ...notes, ...shaping, '['];
    return [...bars, ...shaping];
  };
  const search = (s: CheckState, barsLeft: number): boolean => {
    if (isComplete(s)) return true;
    if (barsLeft === 0 || (s.full && s.length.cmp(s.full) > 0)) return false;
    const key = `${barsLeft}#${stateKey(s)}`;
    if (yes.has(key)) return true;
    if (no.has(key)) return false;
    for (const token of candidates(s)) {
      const next = step(s, token);
      if (next && search(next, BARS.includes(token) ? barsLeft - 1 : barsLeft)) {
        yes.add(key);
        return true;
      }
    }
    no.add(key);
    return false;
  };
  return search(state, maxBars);
}
