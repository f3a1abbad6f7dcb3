/**
 * The generator's sampling rules, through `TokenGenerator.generate` on small random-weight
 * models: argmax at temperature 0, repeatable RNG seeds, top-k, key and range constraints
 * (performance and ABC), variations in one batch vs alone, and priming.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Token } from '../../src/main/engine/codecs/codec.ts';
import { parseNoteToken } from '../../src/main/engine/codecs/abc/abc_fields.ts';
import { pitchesOfNotesToken } from '../../src/main/engine/codecs/notes/notes.ts';
import { parsePerformanceToken } from '../../src/main/engine/codecs/performance/performance.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { importMidiBytes } from '../../src/main/engine/music/midi_io.ts';
import { abcKeyTokenFor, parseScale } from '../../src/main/engine/generate/constraints.ts';
import { TokenGenerator } from '../../src/main/engine/generate/generator.ts';
import type { GenerationModel } from '../../src/main/engine/generate/load_model.ts';
import { decodeVariation } from '../../src/main/engine/generate/outputs.ts';
import { LstmStepper } from '../../src/main/engine/model/stepper.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import { abcFileTokens, randomModel } from './generate_fixtures.ts';

const perfModel = randomModel('performance', [48, 48], [], 7);

/** Logits after `prompt` then each token of `tokens` (one array per generated position). */
function replayLogits(
  model: GenerationModel,
  prompt: readonly Token[],
  tokens: readonly Token[],
): Float32Array[] {
  const stepper = new LstmStepper(model.config, model.weights, 1);
  const ids = model.vocabulary.encode([...prompt, ...tokens]);
  const out: Float32Array[] = [];
  for (let i = 0; i < ids.length; i++) {
    const logits = stepper.step([ids[i]]);
    if (i >= prompt.length - 1) out.push(Float32Array.from(logits));
  }
  return out.slice(0, tokens.length);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

describe('TokenGenerator sampling', () => {
  const generator = new TokenGenerator(perfModel);

  it('temperature 0 is argmax and ignores the RNG seed', async () => {
    // The sampler alone (the performance grammar would mask some argmax picks).
    const a = await generator.generate({ length: '120t', temperature: 0, rngSeed: 1, grammar: false });
    const b = await generator.generate({ length: '120t', temperature: 0, rngSeed: 99, grammar: false });
    expect(a.variations[0].tokens).toHaveLength(120);
    expect(b.variations[0].tokens).toEqual(a.variations[0].tokens);
    // The primer (SHIFT_100) is fed but is not part of the output.
    expect(a.variations[0].prefix).toEqual([]);
    const logits = replayLogits(perfModel, ['SHIFT_100'], a.variations[0].tokens);
    a.variations[0].tokens.forEach((token, i) => {
      expect(perfModel.vocabulary.tokens[argmax(logits[i])]).toBe(token);
    });
  });

  it('a fixed RNG seed repeats the output; another seed changes it', async () => {
    const options = { length: '200t', temperature: 1, rngSeed: 42 } as const;
    const a = await generator.generate(options);
    const b = await generator.generate(options);
    const c = await generator.generate({ ...options, rngSeed: 43 });
    expect(b.variations[0].tokens).toEqual(a.variations[0].tokens);
    expect(c.variations[0].tokens).not.toEqual(a.variations[0].tokens);
    expect(new Set(a.variations[0].tokens).size).toBeGreaterThan(20);
  });

  it('top-k never emits a token outside the k best', async () => {
    const k = 3;
    const result = await generator.generate({
      length: '300t',
      temperature: 2,
      topK: k,
      rngSeed: 5,
      grammar: false,
    });
    const tokens = result.variations[0].tokens;
    const logits = replayLogits(perfModel, ['SHIFT_100'], tokens);
    let notTop1 = 0;
    tokens.forEach((token, i) => {
      const id = perfModel.vocabulary.idOf(token) as number;
      const better = logits[i].filter((x) => x > logits[i][id]).length;
      expect(better).toBeLessThan(k);
      if (better > 0) notTop1++;
    });
    // Temperature 2 really samples: many picks are not the argmax.
    expect(notTop1).toBeGreaterThan(30);
  });

  it('a key constraint keeps a performance model in the scale and the range', async () => {
    const scale = new Set(parseScale('D major').pitchClasses);
    const result = await generator.generate({
      length: '400t',
      key: 'D major',
      pitchRange: [50, 80],
      rngSeed: 3,
      variations: 2,
    });
    let onsets = 0;
    for (const v of result.variations) {
      for (const token of v.tokens) {
        const event = parsePerformanceToken(token);
        if (event?.kind !== 'on') continue;
        onsets++;
        expect(scale.has(event.value % 12), token).toBe(true);
        expect(event.value).toBeGreaterThanOrEqual(50);
        expect(event.value).toBeLessThanOrEqual(80);
      }
    }
    expect(onsets).toBeGreaterThan(10);
    expect(result.maskIgnored).toBe(0);
  });

  it('variations in one batch equal each variation run alone', async () => {
    const options = { length: '150t', temperature: 1, topP: 0.95, rngSeed: 'batch' } as const;
    const batch = await generator.generate({ ...options, variations: 4 });
    expect(batch.variations).toHaveLength(4);
    expect(new Set(batch.variations.map((v) => v.tokens.join(' '))).size).toBe(4);
    for (let v = 0; v < 4; v++) {
      const alone = await generator.generate({ ...options, variations: 1, firstVariation: v });
      expect(alone.variations[0].tokens).toEqual(batch.variations[v].tokens);
    }
    // The plain-JS stepper gives the same tokens as the SIMD kernel here.
    const js = await generator.generate({ ...options, variations: 2, simd: false });
    expect(js.backend).toBe('js');
    expect(js.variations.map((v) => v.tokens)).toEqual(batch.variations.slice(0, 2).map((v) => v.tokens));
  });

  it('the primed state equals feeding the prompt token by token to every stream', () => {
    const seedTokens = ['VEL_20', 'ON_60', 'SHIFT_50', 'OFF_60', 'ON_64', 'SHIFT_25', 'ON_67', 'SHIFT_25'];
    const primed = generator.prime({ seedTokens });
    expect(primed.prompt).toEqual(seedTokens);
    const streams = 3;
    const stepper = new LstmStepper(perfModel.config, perfModel.weights, streams);
    let logits: Float32Array = new Float32Array(0);
    for (const id of perfModel.vocabulary.encode(seedTokens))
      logits = stepper.step(new Int32Array(streams).fill(id));
    const state = stepper.getState();
    primed.state.forEach((layer, i) => {
      for (let b = 0; b < streams; b++)
        expect(state[i].subarray(b * layer.length, (b + 1) * layer.length)).toEqual(layer);
    });
    const vocab = perfModel.vocabulary.size;
    for (let b = 0; b < streams; b++)
      expect(logits.subarray(b * vocab, (b + 1) * vocab)).toEqual(primed.logits);
  });

  it('rejects seeds outside the vocabulary and bad options', async () => {
    await expect(generator.generate({ seedTokens: ['NOPE_1'] })).rejects.toThrow(
      /not in the model's vocabulary/,
    );
    await expect(generator.generate({ variations: 0 })).rejects.toThrow(/variations must be an integer/);
    await expect(generator.generate({ length: '12 parsecs' })).rejects.toThrow(/Bad length/);
    await expect(generator.generate({ key: 'H major' })).rejects.toThrow(/Unknown key/);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('TokenGenerator on an ABC model', () => {
  const pieces = abcFileTokens(sharedData('nottingham', 'ABC_original', 'jigs.abc'));
  const model = randomModel('abc', [48, 48], pieces, 11);
  const generator = new TokenGenerator(model);

  it('reaches the length asked for unless the model may end the tune early', async () => {
    // A model that almost always wants to end the tune: a large bias on </s>.
    const eager = randomModel('abc', [16], pieces, 3);
    const endId = eager.vocabulary.idOf('</s>')!;
    const bias = Float32Array.from(eager.weights['dense/bias'].data);
    bias[endId] = 50;
    const weights = { ...eager.weights, 'dense/bias': { shape: [bias.length], data: bias } };
    const eagerGenerator = new TokenGenerator({ ...eager, weights });
    const full = await eagerGenerator.generate({ length: '4bars', rngSeed: 1 });
    expect(full.variations[0].stop).toBe('length');
    expect(full.variations[0].tokens).not.toContain('</s>');
    const early = await eagerGenerator.generate({ length: '4bars', rngSeed: 1, allowEarlyEnd: true });
    expect(early.variations[0].stop).toBe('end');
    // The grammar lets the tune end at its first valid end: one bar, closed by a bar line.
    const tokens = early.variations[0].tokens;
    expect(tokens.at(-1)).toBe('</s>');
    expect(['|', '||', '|]', ':|']).toContain(tokens.at(-2));
    expect(tokens.filter((t) => ['|', '||', '|]', ':|', '::', '|:'].includes(t)).length).toBeLessThan(4);
  });

  it('a key constraint forces the K: header and only in-scale pitches sound', async () => {
    const scale = new Set(parseScale('D major').pitchClasses);
    const result = await generator.generate({ length: '8bars', key: 'D major', rngSeed: 2, variations: 3 });
    let notes = 0;
    for (const v of result.variations) {
      expect(v.prefix[0]).toBe('<s>');
      expect(v.prefix[3]).toBe('K:Dmaj');
      // No other key ever appears in the continuation.
      expect(v.tokens.filter((t) => t.startsWith('K:') && t !== 'K:Dmaj')).toEqual([]);
      expect(v.tokens).not.toContain('<s>');
      const decoded = decodeVariation(model.codec, v);
      expect(decoded.full.abc).toContain('K:Dmaj');
      for (const note of decoded.full.sequence.notes) {
        notes++;
        expect(scale.has(note.pitch % 12), `pitch ${note.pitch} in ${decoded.full.abc}`).toBe(true);
      }
    }
    expect(notes).toBeGreaterThan(10);
  });

  it('continues an ABC seed in a forced key and counts bars', async () => {
    const seed = pieces[0].slice(0, -1);
    const forced = abcKeyTokenFor(model.vocabulary.tokens, 'A minor');
    const result = await generator.generate({
      seedTokens: seed,
      length: '4bars',
      key: 'A minor',
      rngSeed: 9,
      variations: 4,
    });
    let notes = 0;
    for (const v of result.variations) {
      expect(v.prefix.slice(0, seed.length)).toEqual(seed);
      // The seed (tune 1, in G) is followed by an inline K: of A minor's signature.
      expect(v.prefix.at(-1)).toBe(forced);
      expect(forced).toMatch(/^K:(Cmaj|Amin|Ddor|Gmix|Ephr|Flyd|Bloc)$/);
      const bars = v.tokens.filter((t) => ['|', '||', '|]', '|:', ':|', '::'].includes(t)).length;
      // Real bars: pickup bars (after the seed's final bar, after a short closing bar) do not count.
      if (v.stop === 'length') expect(bars, v.tokens.join(' ')).toBeGreaterThanOrEqual(4);
      else expect(v.stop).toBe('end');
      notes += v.tokens.filter((t) => parseNoteToken(t)).length;
    }
    expect(notes).toBeGreaterThan(0);
  });

  it('without a seed the model chooses the header (a jigs vocabulary has 6/8)', async () => {
    const primed = generator.prime({});
    expect(primed.prompt[0]).toBe('<s>');
    expect(primed.prompt[1]).toMatch(/^M:/);
    expect(primed.prompt[2]).toMatch(/^L:/);
    expect(primed.prompt[3]).toMatch(/^K:/);
    const chosen = generator.prime({ meter: '6/8', unit: '1/8', abcKey: 'G' });
    expect(chosen.prompt).toEqual(['<s>', 'M:6/8', 'L:1/8', 'K:Gmaj']);
    expect(() => generator.prime({ meter: '13/8' })).toThrow(/no meter "13\/8"/);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('TokenGenerator on a notes model', () => {
  it('a key and range constraint hold for single notes and chords', async () => {
    const codec = createCodec('notes');
    const pieces = ['jigs1.mid', 'jigs2.mid', 'reelsa-c1.mid', 'waltzes1.mid'].map((name) => {
      const file = sharedData('nottingham', 'MIDI', name);
      return codec.encode(importMidiBytes(new Uint8Array(readFileSync(file)), file).items[0]);
    });
    const base = randomModel('notes', [32, 32], pieces, 4);
    const generator = new TokenGenerator(base);
    const scale = new Set(parseScale('G major').pitchClasses);
    const result = await generator.generate({
      seedTokens: pieces[0].slice(0, 20),
      length: '16bars',
      key: 'G major',
      pitchRange: [55, 84],
      rngSeed: 6,
      variations: 2,
    });
    let pitches = 0;
    for (const v of result.variations) {
      expect(v.stop).toBe('length');
      for (const token of v.tokens) {
        for (const p of pitchesOfNotesToken(token)) {
          pitches++;
          expect(scale.has(p % 12), token).toBe(true);
          expect(p >= 55 && p <= 84, token).toBe(true);
        }
      }
      // 16 bars of 4/4 at the codec's 4 steps per quarter: 256 steps of time shifts.
      const steps = v.tokens.reduce((n, t) => n + (t.startsWith('T_') ? Number(t.slice(2)) : 0), 0);
      expect(steps).toBeGreaterThanOrEqual(256);
    }
    expect(pitches).toBeGreaterThan(10);
  });
});
