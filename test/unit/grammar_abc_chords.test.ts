/**
 * The ABC grammar's two chord rules found by the abc2midi comparison (issue 9): no sounding
 * pitch twice in one chord (a unison such as `[=F ^E]`), and no chord shorter than a 1/64 note
 * once broken rhythms and tuplets apply (abc2midi staggers chord notes 10 ticks apart and
 * misplays the rest of the tune after a chord shorter than its stagger). Also checks the mask
 * against the independent checker in states around chords over the folk vocabulary, which has
 * chords, broken rhythms and lengths down to 1/64 (the jigs vocabulary hardly has them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { canComplete, checkTune, headerState, step, type CheckState } from '../helpers/abc_checker.ts';
import { REPO_ROOT } from '../helpers/data.ts';
import { compareMaskWithChecker, header, METERS, randomTune } from './grammar_abc_fixtures.ts';

const PREFIXES = Number(process.env.GRAMMAR_CHORD_PREFIXES ?? 40);

function folkVocabulary(): Vocabulary {
  const meta = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', 'models', 'folk', 'meta.json'), 'utf8'),
  ) as { vocabulary: string[] };
  return Vocabulary.forCodec(createCodec('abc'), [meta.vocabulary]);
}

const vocabulary = folkVocabulary();
const grammar = createCodec('abc').grammar?.(vocabulary);

/** Whether the grammar allows `token` right after `prefix` (which it must accept). */
function allows(prefix: string[], token: string): boolean {
  if (!grammar) throw new Error('the ABC codec has no grammar');
  const state = grammar.start([...vocabulary.encode(['<s>', 'M:4/4', 'L:1/8', 'K:Dmaj'])], {});
  for (const t of prefix) state.push(vocabulary.idOf(t) as number);
  const id = vocabulary.idOf(token);
  if (id === undefined) throw new Error(`"${token}" is not in the folk vocabulary`);
  const mask = new Uint8Array(vocabulary.size).fill(1);
  state.restrict(mask);
  return mask[id] === 1;
}

/** The checker's verdict on the same step: the token is legal and the tune can still end. */
function checkerAllows(prefix: string[], token: string): boolean {
  let state: CheckState | null = headerState('M:4/4', 'L:1/8', 'K:Dmaj');
  for (const t of prefix) state = state && step(state, t);
  if (!state) throw new Error(`the checker refuses ${prefix.join(' ')}`);
  const next = step(state, token);
  return next !== null && canComplete(next, vocabulary.tokens);
}

describe('ABC grammar: chords', () => {
  it('refuses a chord note that sounds a pitch already in the chord', () => {
    // ^E sounds F, the =F already in the chord.
    expect(allows(['[', '=F'], '^E')).toBe(false);
    expect(checkerAllows(['[', '=F'], '^E')).toBe(false);
    // _F sounds E in a chord that has E (F natural after =F in the bar).
    expect(allows(['=F', '[', 'E'], '_F')).toBe(false);
    // A third, a chord of different pitches, is still allowed.
    expect(allows(['[', '=F'], 'A')).toBe(true);
    expect(allows(['[', '=F', 'A'], ']')).toBe(true);
  });

  it('refuses a chord shorter than a 1/64 note after a broken rhythm', () => {
    // After A/4 >> the second element is (1/8 * 1/4) * 1/4 = 1/128: no chord may start there.
    expect(allows(['A', '/4', '>>'], '[')).toBe(false);
    expect(checkerAllows(['A', '/4', '>>'], '[')).toBe(false);
    // A note is still allowed there, and a chord after A >> sounds 1/32.
    expect(allows(['A', '/4', '>>'], 'B')).toBe(true);
    expect(allows(['A', '>>'], '[')).toBe(true);
    // A chord may not take the short first half of a broken rhythm: [..]/4 << sounds 1/128.
    expect(allows(['[', 'B,', 'G', ']', '/4'], '<<')).toBe(false);
    expect(allows(['[', 'B,', 'G', ']', '/4'], '>>')).toBe(true);
    expect(allows(['[', 'B,', 'G', ']'], '/8')).toBe(true);
  });

  it('random tunes over the folk vocabulary keep both rules, as the checker reads them', () => {
    const rng = new Rng('grammar-chords-valid');
    let chords = 0;
    for (const meter of METERS)
      for (let n = 0; n < 20; n++) {
        const body = randomTune(vocabulary, meter, 6, rng);
        chords += body.filter((t) => t === '[').length;
        expect(checkTune([...header(meter), ...body]), body.join(' ')).toEqual({ ok: true });
      }
    expect(chords).toBeGreaterThan(20);
  });

  it('allows exactly the tokens that can still be completed, in and around chords', () => {
    const rng = new Rng('grammar-chords-exact');
    let checked = 0;
    let refused = 0;
    for (let i = 0; checked < PREFIXES; i++) {
      const meter = METERS[i % METERS.length];
      const body = randomTune(vocabulary, meter, 3, rng);
      // Cut at a chord's opening, inside it, right after `]` or after its length.
      const opens = body.flatMap((t, at) => (t === '[' ? [at] : []));
      if (opens.length === 0) continue;
      const cut = opens[rng.nextInt(opens.length)] + rng.nextInt(6);
      const prefix = [...header(meter), ...body.slice(0, Math.min(cut, body.length))];
      refused += compareMaskWithChecker(grammar!, vocabulary, prefix).refused;
      checked++;
    }
    expect(refused).toBeGreaterThan(PREFIXES * 10);
  });
});

describe('ABC grammar: a chord saved by a broken rhythm', () => {
  // [..]/12 sounds 1/96 (L:1/8), too short; [..]/12> sounds 1/64 and may stand.
  const tokens = [
    '<s>',
    '</s>',
    'M:4/4',
    'L:1/8',
    'K:Dmaj',
    'A',
    'c',
    'e',
    'z',
    '[',
    ']',
    '/12',
    '2',
    '>',
    '<',
    '|',
  ];
  const small = Vocabulary.forCodec(createCodec('abc'), [tokens]);
  const smallGrammar = createCodec('abc').grammar?.(small);

  function mask(prefix: string[]): Set<string> {
    const state = smallGrammar!.start([...small.encode(['<s>', 'M:4/4', 'L:1/8', 'K:Dmaj', ...prefix])], {});
    const out = new Uint8Array(small.size).fill(1);
    state.restrict(out);
    return new Set(small.tokens.filter((_, id) => out[id] === 1));
  }

  function expected(prefix: string[]): Set<string> {
    let state: CheckState | null = headerState('M:4/4', 'L:1/8', 'K:Dmaj');
    for (const t of prefix) state = state && step(state, t);
    const out = new Set<string>();
    for (const t of small.tokens) {
      const next = state && step(state, t);
      if (next && canComplete(next, small.tokens)) out.add(t);
    }
    return out;
  }

  it('after a chord too short to stand alone, only the broken rhythm that lengthens it', () => {
    const prefix = ['[', 'A', 'c', ']', '/12'];
    expect(mask(prefix)).toEqual(new Set(['>']));
    expect(expected(prefix)).toEqual(new Set(['>']));
  });

  it('equals the checker around such chords', () => {
    for (const prefix of [
      ['[', 'A', 'c', ']'],
      ['[', 'A', 'c', ']', '/12', '>'],
      ['A', '/12', '<'],
      ['A', '/12', '>'],
      ['A', '2', '<'],
    ])
      expect(mask(prefix), prefix.join(' ')).toEqual(expected(prefix));
    // The second of A/12 < sounds 1/96 * 3/2 = 1/64: a chord may start there; after A/12 > it may not.
    expect(mask(['A', '/12', '<']).has('[')).toBe(true);
    expect(mask(['A', '/12', '>']).has('[')).toBe(false);
  });
});
