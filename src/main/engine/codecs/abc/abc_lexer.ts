/**
 * A small, forgiving lexer for ABC tune bodies (folk-rnn style tokens). One regular
 * expression with one alternative per construct runs over each line; it never throws.
 *
 * Kept, normalised:
 * - notes with accidental and octave marks as one token, octave marks canonical
 *   (`c,` -> `C`, `C'` -> `c`): `^c'`, `=F`, `B,`;
 * - durations as a separate reduced fraction of the unit (`2`, `/2`, `3/2`; none for 1);
 * - rests `z` (`x` becomes `z`), multi-bar rests `Z`, each with its duration;
 * - bar lines `|`, `||` (also `[|`, `|||`), `|]`, repeats `|:`, `:|` (also `:||`), `::` (also `:|:`);
 * - endings as their own token after the bar: `|1` -> `|` `[1`, `:|2` -> `:|` `[2`, `[1`;
 * - tuplets `(3`, `(3:2:3`; broken rhythm `>`, `<`, `>>`...; ties `-`;
 * - chords `[` notes `]` + duration (the old `+CEG+` chord syntax becomes `[CEG]`);
 * - key, meter and unit changes, inline (`[K:G]`) or on a field line, as `K:Gmaj`, `M:3/4`, `L:1/16`.
 * Dropped: chord symbols and annotations in quotes, decorations (`!trill!`, `+trill+`, `.`,
 * `~`, `H`..`W`, `h`..`w`), grace notes `{}`, slurs `(` `)`, other fields (P:, W:, w:...),
 * line breaks, continuations `\`, spacers `y`, comments. Any other character is skipped and counted.
 */
import {
  keyToken,
  normaliseMeter,
  normaliseUnit,
  noteToken,
  parseKeyValue,
  LETTERS,
  type WrittenNote,
} from './abc_fields.ts';

/** Tokens of a body and how many characters were not understood. */
export interface AbcLexResult {
  tokens: string[];
  /** Characters skipped because they mean nothing to the lexer. */
  skipped: number;
}

/** The bar-line tokens the lexer produces. */
export const BAR_TOKENS: readonly string[] = ['|', '||', '|]', '|:', ':|', '::'];

const ALTERNATIVES = [
  '(%.*)', // 1 comment
  '("[^"]*"?)', // 2 chord symbol or annotation
  '(![^!\\s]*!|\\+[^+\\s]+\\+)', // 3 decoration
  '(\\{[^}]*\\}?)', // 4 grace notes
  '\\[([KLMklm]):([^\\]]*)\\]?', // 5, 6 inline key, unit or meter
  '(\\[[A-Za-z]:[^\\]]*\\]?)', // 7 other inline field
  '(:*)(\\[\\||\\|[|\\]]*)(:*)(\\d[\\d,\\-]*)?', // 8..11 bar line, optional ending number
  '(::+)', // 12 double repeat without a bar
  '\\[(\\d[\\d,\\-]*)', // 13 ending
  '\\((\\d+)(?::(\\d*))?(?::(\\d*))?', // 14..16 tuplet
  "(\\^\\^|\\^|__|_|=)?([A-Ga-g])([,']*)(\\d*)(\\/*)(\\d*)", // 17..22 note and duration
  '([zxZ])(\\d*)(\\/*)(\\d*)', // 23..26 rest and duration
  '(\\[)', // 27 chord open
  '(\\])(\\d*)(\\/*)(\\d*)', // 28..31 chord close and duration
  '(-)', // 32 tie
  '(<+|>+)', // 33 broken rhythm
  '([\\s()\\\\.~`$yH-Wh-w!+])', // 34 ignorable: slurs, decorations, spacing
];
const BODY_PATTERN = new RegExp(ALTERNATIVES.join('|'), 'y');
const FIELD_LINE = /^\s*([A-Za-z]):(.*)$/;
const OLD_CHORD = /\+([A-Ga-g^_=,'0-9/]+)\+/g;
const ACCIDENTALS: Record<string, number> = { '^^': 2, '^': 1, '=': 0, _: -1, __: -2 };

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Duration token of `digits` `slashes` `digits`; '' for the unit length. */
export function durationToken(numText: string, slashes: string, denText: string): string {
  let num = numText === '' ? 1 : Number(numText);
  let den = 1;
  if (slashes.length > 0)
    den = denText === '' ? 2 ** slashes.length : Number(denText) * 2 ** (slashes.length - 1);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0) return '';
  const divisor = gcd(num, den) || 1;
  num /= divisor;
  den /= divisor;
  if (den === 1) return num === 1 ? '' : String(num);
  return num === 1 ? `/${den}` : `${num}/${den}`;
}

/** The value of a duration token in units ('' is 1, `3/2` is 1.5); NaN when it is not one. */
export function durationValue(token: string): number {
  if (token === '') return 1;
  const match = /^(\d+)?(?:\/(\d+))?$/.exec(token);
  if (!match || (match[1] === undefined && match[2] === undefined)) return NaN;
  return Number(match[1] ?? 1) / Number(match[2] ?? 1);
}

function barToken(left: string, bar: string, right: string): string {
  if (left && right) return '::';
  if (left) return ':|';
  if (right) return '|:';
  if (bar.includes(']')) return '|]';
  if (bar === '|') return '|';
  return '||';
}

function fieldToken(field: string, value: string): string | undefined {
  switch (field.toUpperCase()) {
    case 'K':
      return keyToken(parseKeyValue(value));
    case 'M':
      return `M:${normaliseMeter(value)}`;
    case 'L':
      return `L:${normaliseUnit(value)}`;
    default:
      return undefined;
  }
}

function pushDuration(tokens: string[], num: string, slashes: string, den: string): void {
  const duration = durationToken(num, slashes, den);
  if (duration !== '') tokens.push(duration);
}

/** Lexes one line of body music (not a field line) into `tokens`; returns skipped characters. */
function lexLine(line: string, tokens: string[]): number {
  const text = line.includes('+') ? line.replace(OLD_CHORD, '[$1]') : line;
  let skipped = 0;
  let position = 0;
  BODY_PATTERN.lastIndex = 0;
  while (position < text.length) {
    BODY_PATTERN.lastIndex = position;
    const m = BODY_PATTERN.exec(text);
    if (!m) {
      skipped++;
      position++;
      continue;
    }
    position = BODY_PATTERN.lastIndex;
    if (m[18] !== undefined) {
      const lower = m[18] !== m[18].toUpperCase();
      let octave = lower ? 1 : 0;
      for (const mark of m[19]) octave += mark === "'" ? 1 : -1;
      const note: WrittenNote = {
        accidental: m[17] === undefined ? null : ACCIDENTALS[m[17]],
        step: LETTERS.indexOf(m[18].toUpperCase() as (typeof LETTERS)[number]),
        octave,
      };
      tokens.push(noteToken(note));
      pushDuration(tokens, m[20], m[21], m[22]);
    } else if (m[9] !== undefined) {
      tokens.push(barToken(m[8], m[9], m[10]));
      if (m[11] !== undefined) tokens.push(`[${m[11]}`);
    } else if (m[34] !== undefined || m[1] !== undefined || m[2] !== undefined || m[3] !== undefined) {
      // dropped
    } else if (m[23] !== undefined) {
      tokens.push(m[23] === 'Z' ? 'Z' : 'z');
      pushDuration(tokens, m[24], m[25], m[26]);
    } else if (m[28] !== undefined) {
      tokens.push(']');
      pushDuration(tokens, m[29], m[30], m[31]);
    } else if (m[27] !== undefined) tokens.push('[');
    else if (m[32] !== undefined) tokens.push('-');
    else if (m[33] !== undefined) tokens.push(m[33]);
    else if (m[13] !== undefined) tokens.push(`[${m[13]}`);
    else if (m[14] !== undefined) {
      let tuplet = `(${m[14]}`;
      if (m[16]) tuplet += `:${m[15] ?? ''}:${m[16]}`;
      else if (m[15]) tuplet += `:${m[15]}`;
      tokens.push(tuplet);
    } else if (m[5] !== undefined) {
      const token = fieldToken(m[5], m[6]);
      if (token) tokens.push(token);
    } else if (m[12] !== undefined) tokens.push('::');
    // 4 (grace notes) and 7 (other inline fields) are dropped.
  }
  return skipped;
}

/** Lexes an ABC tune body (everything after the header's K: line). Never throws. */
export function lexAbcBody(body: string): AbcLexResult {
  const tokens: string[] = [];
  let skipped = 0;
  for (const line of body.split(/\r?\n|\r/)) {
    const field = FIELD_LINE.exec(line);
    if (field && !line.trimStart().startsWith('|')) {
      const token = fieldToken(field[1], field[2].replace(/%.*/, ''));
      if (token) tokens.push(token);
      continue;
    }
    skipped += lexLine(line, tokens);
  }
  return { tokens, skipped };
}
