/**
 * The ABC grammar against an independent checker (test/helpers/abc_checker.ts): tunes written
 * with random logits are valid, and the mask is exact — for random valid prefixes, a token is
 * allowed if and only if the prefix plus it can still be completed into a valid tune.
 */
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { parseNoteToken } from '../../src/main/engine/codecs/abc/abc_fields.ts';
import { parseScale } from '../../src/main/engine/generate/constraints.ts';
import { TokenGenerator } from '../../src/main/engine/generate/generator.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { checkTune, headerState, step, type CheckState } from '../helpers/abc_checker.ts';
import { HAS_SHARED_DATA } from '../helpers/data.ts';
import {
  compareMaskWithChecker,
  header,
  jigsVocabulary,
  METERS,
  randomTune,
} from './grammar_abc_fixtures.ts';
import { randomModel } from './generate_fixtures.ts';

const PREFIXES = Number(process.env.GRAMMAR_PREFIXES ?? 36);

describe.skipIf(!HAS_SHARED_DATA)('ABC grammar', () => {
  const { vocabulary, pieces } = jigsVocabulary();
  const grammar = createCodec('abc').grammar?.(vocabulary);

  it('writes valid tunes of the bars asked for with random logits, in every meter', () => {
    const rng = new Rng('grammar-valid');
    for (const meter of METERS) {
      for (let n = 0; n < 30; n++) {
        const body = randomTune(vocabulary, meter, 8, rng);
        const verdict = checkTune([...header(meter), ...body]);
        expect(verdict, `${meter}: ${body.join(' ')}`).toEqual({ ok: true });
      }
    }
  });

  /** Prefixes to probe: cuts of random tunes (every construct shows up) and of real jigs. */
  function prefixes(count: number): string[][] {
    const rng = new Rng('grammar-exact');
    const out: string[][] = [];
    for (let i = 0; out.length < count; i++) {
      const meter = METERS[i % METERS.length];
      const body = randomTune(vocabulary, meter, 3, rng);
      out.push([...header(meter), ...body.slice(0, rng.nextInt(body.length + 1))]);
      // A real jig's opening, as far as it keeps to the rules (tune books are not all strict).
      const real = pieces[rng.nextInt(pieces.length)];
      let state: CheckState | null = headerState(real[1], real[2], real[3]);
      let valid = 4;
      while (valid < real.length && state && (state = step(state, real[valid]))) valid++;
      if (valid > 4 && real[1] === 'M:6/8') out.push(real.slice(0, 4 + rng.nextInt(valid - 3)));
    }
    return out.slice(0, count);
  }

  it('allows exactly the tokens that can still be completed into a valid tune', () => {
    expect(grammar).toBeDefined();
    let allowedSeen = 0;
    let refusedSeen = 0;
    for (const prefix of prefixes(PREFIXES)) {
      const { allowed, refused } = compareMaskWithChecker(grammar!, vocabulary, prefix);
      allowedSeen += allowed;
      refusedSeen += refused;
    }
    // Not a mask that passes by allowing only plain notes, nor one that allows everything.
    expect(allowedSeen).toBeGreaterThan(PREFIXES * 20);
    expect(refusedSeen).toBeGreaterThan(PREFIXES * 10);
  });

  it('never allows an accidental the key does not need, nor double sharps or flats', () => {
    const rng = new Rng('grammar-spelling');
    for (let n = 0; n < 20; n++) {
      const body = randomTune(vocabulary, '6/8', 6, rng);
      expect(body.some((t) => /^(\^\^|__)/.test(t))).toBe(false);
      // Under K:Dmaj, f and c are sharp already: ^f or ^c only right after a =f / =c in the bar.
      let bar: string[] = [];
      for (const token of body) {
        if (/^[|:]/.test(token)) bar = [];
        const m = /^\^([cfCF])([,']*)$/.exec(token);
        const cancelled = (t: string): boolean =>
          t.startsWith('=') && t[1]?.toLowerCase() === m?.[1].toLowerCase();
        if (m) expect(bar.some(cancelled), body.join(' ')).toBe(true);
        bar.push(token);
      }
    }
  });

  it('in D major with the key constraint: no accidentals at all, every note in the key, still valid', async () => {
    const model = randomModel('abc', [32, 32], [...pieces, [...vocabulary.tokens]], 8);
    const scale = new Set(parseScale('D major').pitchClasses);
    const result = await new TokenGenerator(model).generate({
      length: '8bars',
      key: 'D major',
      meter: '6/8',
      unit: '1/8',
      variations: 20,
      rngSeed: 'd-major',
    });
    expect(result.grammar).toBe(true);
    expect(result.maskIgnored).toBe(0);
    let notes = 0;
    for (const v of result.variations) {
      expect(v.prefix).toEqual(['<s>', 'M:6/8', 'L:1/8', 'K:Dmaj']);
      expect(checkTune([...v.prefix, ...v.tokens])).toEqual({ ok: true });
      for (const token of v.tokens) {
        const note = parseNoteToken(token);
        // In-key notes are written plain (F and C sharp from K:); out-of-key ones are masked.
        if (note) expect(note.accidental, v.tokens.join(' ')).toBeNull();
      }
      for (const n of model.codec.decode([...v.prefix, ...v.tokens]).sequence.notes) {
        notes++;
        expect(scale.has(n.pitch % 12)).toBe(true);
      }
    }
    expect(notes).toBeGreaterThan(100);
  });
});
