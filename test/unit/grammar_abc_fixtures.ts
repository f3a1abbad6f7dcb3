/** An ABC vocabulary and random-logit tunes for the grammar tests (not a test file itself). */
import type { Token } from '../../src/main/engine/codecs/codec.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import type { GrammarState, TokenGrammar } from '../../src/main/engine/codecs/grammar.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import type { Rng } from '../../src/main/engine/random/rng.ts';
import { canComplete, headerState, step, type CheckState } from '../helpers/abc_checker.ts';
import { sharedData } from '../helpers/data.ts';
import { abcFileTokens } from './generate_fixtures.ts';

/** The meters the acceptance tests cover. */
export const METERS = ['6/8', '4/4', '3/4', '2/4', '9/8'] as const;

/** Header tokens every test vocabulary holds besides what the jigs bring. */
const EXTRA: Token[] = [...METERS.map((m) => `M:${m}`), 'L:1/8', 'L:1/16', 'K:Dmaj', 'K:Gmaj', 'K:Ador'];

let cached: { pieces: Token[][]; vocabulary: Vocabulary } | undefined;

/** Nottingham jigs' tokens and a vocabulary over them plus the test meters. */
export function jigsVocabulary(): { pieces: Token[][]; vocabulary: Vocabulary } {
  if (!cached) {
    const pieces = abcFileTokens(sharedData('nottingham', 'ABC_original', 'jigs.abc'));
    cached = { pieces, vocabulary: Vocabulary.forCodec(createCodec('abc'), [...pieces, EXTRA]) };
  }
  return cached;
}

/** The header of a test tune. */
export function header(meter: string, key = 'K:Dmaj'): Token[] {
  return ['<s>', `M:${meter}`, 'L:1/8', key];
}

/**
 * A tune written by uniform random choice among the tokens the grammar allows (random
 * logits), `bars` real bars long, then finished by the grammar. Returns the body tokens.
 */
export function randomTune(vocabulary: Vocabulary, meter: string, bars: number, rng: Rng): Token[] {
  const grammar = createCodec('abc').grammar?.(vocabulary);
  if (!grammar) throw new Error('the ABC codec has no grammar');
  const state = grammar.start([...vocabulary.encode(header(meter))], {});
  return followRandomly(state, vocabulary, bars, rng, 4000);
}

/** Random allowed tokens until `bars` real bars and an end are reached (or `limit` tokens). */
export function followRandomly(
  state: GrammarState,
  vocabulary: Vocabulary,
  bars: number,
  rng: Rng,
  limit: number,
): Token[] {
  const end = vocabulary.idOf('</s>');
  const mask = new Uint8Array(vocabulary.size);
  const out: Token[] = [];
  for (let i = 0; i < limit; i++) {
    const finishing = (state.progress().bars ?? 0) >= bars;
    if (finishing && state.canEnd()) break;
    mask.fill(1);
    if (end !== undefined) mask[end] = 0;
    if (finishing && state.restrictToFinish) state.restrictToFinish(mask);
    else state.restrict(mask);
    const ids: number[] = [];
    for (let id = 0; id < mask.length; id++) if (mask[id]) ids.push(id);
    if (ids.length === 0) throw new Error(`the grammar allows nothing after: ${out.join(' ')}`);
    const id = ids[rng.nextInt(ids.length)];
    state.push(id);
    out.push(vocabulary.tokens[id]);
  }
  return out;
}

/**
 * The grammar's mask after `prefix` (a header then body tokens) against the independent
 * checker: throws at the first token the two disagree on; returns how many tokens each side
 * allowed and refused, so a test can see the mask is neither "plain notes only" nor "anything".
 */
export function compareMaskWithChecker(
  grammar: TokenGrammar,
  vocabulary: Vocabulary,
  prefix: readonly Token[],
): { allowed: number; refused: number } {
  let checker: CheckState | null = headerState(prefix[1], prefix[2], prefix[3]);
  for (const token of prefix.slice(4)) checker = checker && step(checker, token);
  if (checker === null) throw new Error(`the checker refuses the prefix "${prefix.join(' ')}"`);
  const state = grammar.start([...vocabulary.encode([...prefix])], {});
  const mask = new Uint8Array(vocabulary.size).fill(1);
  state.restrict(mask);
  let allowed = 0;
  let refused = 0;
  vocabulary.tokens.forEach((token, id) => {
    const next = step(checker, token);
    const expected = next !== null && canComplete(next, vocabulary.tokens);
    if (expected !== (mask[id] === 1))
      throw new Error(`after "${prefix.join(' ')}": "${token}" expected ${expected ? 'allowed' : 'refused'}`);
    if (expected) allowed++;
    else refused++;
  });
  return { allowed, refused };
}
