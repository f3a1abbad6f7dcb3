/**
 * ABC prompts: without a seed a tune starts from `<s>` and a header of meter (M:), unit (L:)
 * and key (K:) tokens, each given by the musician or chosen by the model (its most likely
 * token of that kind, so a jigs model starts in 6/8); a key constraint forces its K: token.
 */
import type { HeaderSlot, PromptChoices, TimeContext, Token, UnseededPrompt } from '../codec.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { keyToken, normaliseMeter, normaliseUnit, parseKeyToken, parseKeyValue } from './abc_fields.ts';

/** Start and end of tune tokens. */
export const ABC_START = '<s>';
export const ABC_END = '</s>';

/** Thrown for a header value the vocabulary cannot write. */
export class AbcPromptError extends Error {
  override name = 'AbcPromptError';
}

/** The last K: token of an ABC stream, or undefined. */
export function lastKeyToken(tokens: readonly Token[]): Token | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) if (parseKeyToken(tokens[i])) return tokens[i];
  return undefined;
}

/** The ABC header in force at the end of `tokens`: `<s>` and its last M:, L: and K: tokens. */
export function abcHeaderAtEnd(tokens: readonly Token[]): Token[] {
  let meter: Token | undefined;
  let unit: Token | undefined;
  for (const t of tokens) {
    if (/^M:\S+$/.test(t)) meter = t;
    else if (/^L:\S+$/.test(t)) unit = t;
  }
  const key = lastKeyToken(tokens);
  return [ABC_START, ...[meter, unit, key].filter((t): t is Token => t !== undefined)];
}

/** Meter of the prompt's last M: token (4/4 without one) at ABC's default Q:1/4=120 (tokens carry no Q:). */
export function abcTimeContext(prompt: readonly Token[]): TimeContext {
  const meter = abcHeaderAtEnd(prompt).find((t) => t.startsWith('M:'));
  const match = meter ? /^M:(\d+)\/(\d+)$/.exec(meter) : null;
  return { qpm: 120, meter: match ? [Number(match[1]), Number(match[2])] : [4, 4] };
}

/** The header token of `kind` for a user value, e.g. meter "6/8" -> "M:6/8"; must be in the vocabulary. */
function headerToken(kind: 'M' | 'L' | 'K', value: string, vocabulary: Vocabulary): Token {
  const bare = value.replace(/^\s*[MLK]:\s*/i, '');
  const normal =
    kind === 'K'
      ? keyToken(parseKeyValue(bare))
      : `${kind}:${kind === 'M' ? normaliseMeter(bare) : normaliseUnit(bare)}`;
  const candidates = vocabulary.tokens.filter((t) => t.startsWith(`${kind}:`));
  const wanted = candidates.find((t) => t === normal);
  if (wanted) return wanted;
  const name = { M: 'meter', L: 'unit length', K: 'key' }[kind];
  throw new AbcPromptError(
    `The model's vocabulary has no ${name} "${value}" (it has: ${candidates.map((t) => t.slice(2)).join(', ') || 'none'})`,
  );
}

/** `<s>` and the M:, L:, K: slots (see the module comment). */
export function unseededAbcPrompt(vocabulary: Vocabulary, choices: PromptChoices): UnseededPrompt {
  if (!vocabulary.has(ABC_START))
    throw new AbcPromptError(`The ABC vocabulary has no start token ${ABC_START}`);
  const slot = (kind: 'M' | 'L' | 'K', value: string | undefined): HeaderSlot => {
    if (value !== undefined) return { token: headerToken(kind, value, vocabulary) };
    const candidates = vocabulary.tokens.filter((t) =>
      kind === 'K' ? parseKeyToken(t) !== undefined : t.startsWith(`${kind}:`),
    );
    if (candidates.length === 0) throw new AbcPromptError(`The ABC vocabulary has no ${kind}: token`);
    return { kind, candidates };
  };
  const forced = choices.forcedKeyToken ?? null;
  const key: HeaderSlot = forced !== null ? { token: forced } : slot('K', choices.key);
  return {
    prime: [ABC_START],
    header: [slot('M', choices.meter), slot('L', choices.unit), key],
    primerLength: 0,
  };
}
