/**
 * The ABC grammar's fast mask (`restrict`: structural masks cached by state signature, the
 * spelling kept per bar, ties and chord notes asked directly) equals its plain token-by-token
 * computation (`restrictUncached`) in every state reached — random-logit tunes and cuts of real
 * tunes, the end held back or not, while finishing, under key, range and header-change
 * options — with one grammar per vocabulary, so states share its caches as generations do.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbcGrammar } from '../../src/main/engine/codecs/abc/abc_grammar.ts';
import type { AbcGrammarState } from '../../src/main/engine/codecs/abc/abc_grammar_state.ts';
import type { GrammarOptions } from '../../src/main/engine/codecs/grammar.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { constraintMask } from '../../src/main/engine/generate/constraints.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { HAS_SHARED_DATA, REPO_ROOT } from '../helpers/data.ts';
import { header, jigsVocabulary, METERS } from './grammar_abc_fixtures.ts';

const TUNES = Number(process.env.GRAMMAR_CACHE_TUNES ?? 12);

function folkVocabulary(): Vocabulary {
  const meta = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', 'models', 'folk', 'meta.json'), 'utf8'),
  ) as { vocabulary: string[] };
  return Vocabulary.forCodec(createCodec('abc'), [meta.vocabulary]);
}

/** Option sets as generation makes them: none, a key, a range, header changes, a sparse mask. */
function optionSets(
  vocabulary: Vocabulary,
  rng: Rng,
): { name: string; key: string; options: GrammarOptions }[] {
  const codec = createCodec('abc');
  const dMajor = constraintMask(vocabulary.tokens, codec, { key: 'D major' });
  const sparse = Uint8Array.from(vocabulary.tokens, (t) =>
    /^[_^=]?[A-Ga-g]/.test(t) && rng.next() < 0.3 ? 0 : 1,
  );
  return [
    { name: 'no options', key: 'K:Dmaj', options: {} },
    { name: 'key D major', key: dMajor.keyToken ?? 'K:Dmaj', options: { allowedTokens: dMajor.mask } },
    { name: 'range 62..79', key: 'K:Gmaj', options: { pitchRange: { low: 62, high: 79 } } },
    { name: 'header changes', key: 'K:Dmaj', options: { allowHeaderChanges: true } },
    { name: 'sparse notes', key: 'K:Dmaj', options: { allowedTokens: sparse } },
  ];
}

/** Compares the two masks in `state` (end held back or not) and returns the fast one. */
function compare(state: AbcGrammarState, size: number, endId: number, endHeld: boolean, where: () => string) {
  const fast = new Uint8Array(size).fill(1);
  const plain = new Uint8Array(size).fill(1);
  if (endHeld) fast[endId] = plain[endId] = 0;
  state.clone().restrict(fast);
  state.clone().restrictUncached(plain);
  if (fast.some((v, id) => v !== plain[id])) {
    const diff = [...fast.keys()].filter((id) => fast[id] !== plain[id]);
    throw new Error(`masks differ at ${diff.join(', ')} after: ${where()}`);
  }
}

/** Random-logit steps from `state`, comparing the masks at each; returns the comparisons made. */
function walk(
  state: AbcGrammarState,
  vocabulary: Vocabulary,
  rng: Rng,
  bars: number,
  written: string[],
): number {
  const endId = vocabulary.idOf('</s>') as number;
  const mask = new Uint8Array(vocabulary.size);
  let compared = 0;
  for (let step = 0; step < 1500; step++) {
    const finishing = (state.progress().bars ?? 0) >= bars;
    if (finishing && state.canEnd()) break;
    mask.fill(1);
    if (!finishing) mask[endId] = 0;
    // restrictToFinish marks the state as closing: compare the masks of that state too.
    if (finishing) state.restrictToFinish(mask);
    const where = (): string => written.join(' ');
    compare(state, vocabulary.size, endId, rng.next() < 0.7, where);
    compared++;
    if (!finishing) state.restrict(mask);
    const ids = [...mask.keys()].filter((id) => mask[id] === 1);
    if (ids.length === 0) break;
    const id = ids[rng.nextInt(ids.length)];
    state.push(id);
    written.push(vocabulary.tokens[id]);
  }
  return compared;
}

function checkVocabulary(vocabulary: Vocabulary, real: string[][], seed: string): void {
  const grammar = new AbcGrammar(vocabulary.tokens);
  const rng = new Rng(seed);
  let compared = 0;
  for (const { name, key, options } of optionSets(vocabulary, rng)) {
    for (let n = 0; n < TUNES; n++) {
      const meter = METERS[n % METERS.length];
      const head = header(meter, vocabulary.has(key) ? key : 'K:Dmaj');
      const written = [`(${name})`, ...head];
      const state = grammar.start([...vocabulary.encode(head)], options);
      compared += walk(state, vocabulary, rng, 4 + rng.nextInt(6), written);
    }
    // Cuts of real tunes, followed leniently, then random steps (states a prompt leads to).
    for (let n = 0; n < real.length && n < TUNES; n++) {
      const piece = real[rng.nextInt(real.length)].filter((t) => vocabulary.has(t));
      const cut = piece.slice(0, 4 + rng.nextInt(Math.max(1, piece.length - 4)));
      const state = grammar.start([...vocabulary.encode(cut)], options);
      compared += walk(state, vocabulary, rng, 3, [`(${name}, real)`, ...cut]);
    }
  }
  const stats = grammar.cacheStats();
  expect(compared).toBeGreaterThan(TUNES * 5 * 20);
  // The cache did answer (so it is what was compared), and the walks did not hit only it.
  expect(stats.hits).toBeGreaterThan(0);
  expect(stats.misses).toBeGreaterThan(0);
}

describe('ABC grammar mask cache', () => {
  it('gives the plain mask in every state over the shipped folk vocabulary', () => {
    checkVocabulary(folkVocabulary(), [], 'cache-folk');
  });

  it.skipIf(!HAS_SHARED_DATA)(
    'gives the plain mask in every state over the Nottingham jigs vocabulary',
    () => {
      const { vocabulary, pieces } = jigsVocabulary();
      checkVocabulary(vocabulary, pieces, 'cache-jigs');
    },
  );
});
