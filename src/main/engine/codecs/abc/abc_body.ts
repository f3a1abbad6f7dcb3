/**
 * The shape rules of an ABC token stream and the writer that turns a well-formed stream
 * back into ABC text. Encoding applies the same rules, so for any tune
 * lex(write(tokens)) = tokens, and decoding arbitrary (generated) tokens gives valid ABC.
 */
import { BAR_TOKENS } from './abc_lexer.ts';
import { parseNoteToken } from './abc_fields.ts';

/** What a body token is. */
export type AbcTokenKind =
  | 'note'
  | 'duration'
  | 'rest'
  | 'bar'
  | 'ending'
  | 'tuplet'
  | 'broken'
  | 'tie'
  | 'chordOpen'
  | 'chordClose'
  | 'field'
  | 'other';

const BARS = new Set(BAR_TOKENS);
const DURATION = /^(?:\d+|\d*\/\d+)$/;
const ENDING = /^\[\d[\d,-]*$/;
const TUPLET = /^\(\d+(?::\d*)?(?::\d+)?$/;
const BROKEN = /^(?:<+|>+)$/;
const FIELD = /^[KLM]:\S+$/;

/** Classifies a body token. */
export function abcTokenKind(token: string): AbcTokenKind {
  if (parseNoteToken(token)) return 'note';
  if (DURATION.test(token)) return 'duration';
  if (token === 'z' || token === 'Z') return 'rest';
  if (BARS.has(token)) return 'bar';
  if (token === '[') return 'chordOpen';
  if (token === ']') return 'chordClose';
  if (token === '-') return 'tie';
  if (ENDING.test(token)) return 'ending';
  if (TUPLET.test(token)) return 'tuplet';
  if (BROKEN.test(token)) return 'broken';
  if (FIELD.test(token)) return 'field';
  return 'other';
}

/** Tokens that may carry a duration or a tie after them. */
const SOUNDING = new Set<AbcTokenKind>(['note', 'rest', 'chordClose']);

/**
 * The body tokens made well formed: chords closed and not empty, no rests, bars or fields
 * inside chords, a duration only right after a note, rest or chord, a tie or broken rhythm
 * only after one, no unknown tokens. Returns a new array.
 */
export function normaliseBodyTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let chordStart = -1;
  let chordNotes = 0;
  let last: AbcTokenKind = 'other';
  const closeChord = (): void => {
    if (chordNotes === 0) out.length = chordStart;
    else out.push(']');
    last = chordNotes === 0 ? 'other' : 'chordClose';
    chordStart = -1;
  };
  for (const token of tokens) {
    const kind = abcTokenKind(token);
    const inChord = chordStart >= 0;
    switch (kind) {
      case 'note':
        out.push(token);
        if (inChord) chordNotes++;
        break;
      case 'duration':
        if (!SOUNDING.has(last)) continue;
        out.push(token);
        break;
      case 'tie':
        if (!SOUNDING.has(last) && last !== 'duration') continue;
        out.push(token);
        break;
      case 'chordOpen':
        if (inChord) continue;
        chordStart = out.length;
        chordNotes = 0;
        out.push(token);
        break;
      case 'chordClose':
        if (!inChord) continue;
        closeChord();
        continue;
      case 'other':
        continue;
      default:
        if (inChord) closeChord();
        if (kind === 'broken' && !SOUNDING.has(last) && last !== 'duration') continue;
        out.push(token);
    }
    last = kind;
  }
  if (chordStart >= 0) closeChord();
  return out;
}

/** Bars per line in written ABC. */
const BARS_PER_LINE = 4;
/** Longest line before a break is forced between tokens. */
const MAX_LINE = 100;

/** The start of a line abc2midi takes for a field (`G :`, `z ::`). */
const FIELD_LIKE = /^[A-Za-z]\s*:/;

/** Tokens a forced line break may come before (never a length, tie or broken rhythm: they bind to the note before). */
const BREAK_BEFORE = new Set<AbcTokenKind>(['note', 'rest', 'chordOpen', 'tuplet', 'field']);

/** Writes well-formed body tokens (see normaliseBodyTokens) as ABC body text. */
export function writeAbcBody(tokens: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  let bars = 0;
  let inChord = false;
  let last: AbcTokenKind = 'other';
  for (const token of tokens) {
    const kind = abcTokenKind(token);
    // Never inside a chord, nor right after a tuplet, broken rhythm or tie: abcjs and abc2midi
    // would read such a split differently.
    const joined = inChord || last === 'tuplet' || last === 'broken' || last === 'tie';
    if (BREAK_BEFORE.has(kind) && !joined && line.length > MAX_LINE) {
      lines.push(line.trim());
      line = '';
      bars = 0;
    }
    if (kind === 'bar') {
      line += ` ${token} `;
      if (++bars >= BARS_PER_LINE) {
        lines.push(line.trim());
        line = '';
        bars = 0;
      }
    } else if (kind === 'ending') line += ` ${token}`;
    else if (kind === 'chordOpen' || kind === 'chordClose') {
      inChord = kind === 'chordOpen';
      line += token;
    } else if (kind === 'field') line += ` [${token}] `;
    else line += token;
    last = kind;
  }
  if (line.trim()) lines.push(line.trim());
  // A line starting with a letter and a colon ("G :: ...") reads as a field line to abc2midi:
  // such a line stays on the line before.
  const kept: string[] = [];
  for (const written of lines) {
    if (kept.length > 0 && FIELD_LIKE.test(written)) kept[kept.length - 1] += ` ${written}`;
    else kept.push(written);
  }
  return kept.join('\n');
}
