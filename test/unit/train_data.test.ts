import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';
import { prepareTrainingData, shiftsFor } from '../../src/main/engine/train/data.ts';
import { learningRateAt, MIN_RATE_FRACTION } from '../../src/main/engine/train/schedule.ts';
import { evaluationWindows, WindowSampler } from '../../src/main/engine/train/windows.ts';

/** A short performance piece: a C major scale, each note 0.25 s. */
function scale(): string[] {
  const tokens: string[] = [];
  for (const pitch of [60, 62, 64, 65, 67, 69, 71, 72])
    tokens.push('VEL_20', `ON_${pitch}`, 'SHIFT_25', `OFF_${pitch}`);
  return tokens;
}

describe('learning-rate schedule', () => {
  it('warms up linearly, peaks, then decays by 1/sqrt(step) to a floor, whatever the run length', () => {
    expect(learningRateAt(0, 1e-2, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(9, 1e-2, 10)).toBeCloseTo(1e-2, 12);
    expect(learningRateAt(39, 1e-2, 10)).toBeCloseTo(5e-3, 12);
    expect(learningRateAt(1e9, 1e-2, 10)).toBeCloseTo(1e-2 * MIN_RATE_FRACTION, 12);
    expect(learningRateAt(5, 2e-3, 0)).toBeLessThan(2e-3);
  });
});

describe('training data and windows', () => {
  it('builds the abc vocabulary over the transposed training tokens', () => {
    const codec = createCodec('abc');
    const tune = ['<s>', 'M:6/8', 'L:1/8', 'K:Gmaj', 'G', 'A', 'B', 'c', 'd', 'e', '|', '</s>'];
    const data = prepareTrainingData(codec, [tune], [tune], 2);
    expect(shiftsFor(2)).toEqual([0, -1, 1, -2, 2]);
    expect(data.streams.map((s) => s.shift)).toEqual([0, -1, 1, -2, 2]);
    for (const s of [-2, -1, 1, 2]) {
      const moved = codec.transpose(tune, s)!;
      expect(
        moved.every((token) => data.vocabulary.has(token)),
        `shift ${s}`,
      ).toBe(true);
    }
    expect(data.vocabulary.has('K:Amaj')).toBe(true);
    expect(data.trainTokens).toBe(tune.length);
    expect(data.unknownValidationTokens).toBe(0);
    expect(() => prepareTrainingData(codec, [], [tune], 0)).toThrow(/no tokens in its train split/);
    // Resuming with a stored vocabulary that lacks a training token is refused clearly.
    const small = new Vocabulary('abc', codec.version, ['<s>', '</s>', 'G']);
    expect(() => prepareTrainingData(codec, [tune], [], 0, small)).toThrow(/not in the model's vocabulary/);
  });

  it('cuts validation at unknown tokens and covers every known target once', () => {
    const codec = createCodec('abc');
    const vocab = new Vocabulary('abc', codec.version, ['<s>', '</s>', 'a', 'b']);
    const data = prepareTrainingData(
      codec,
      [['<s>', 'a', 'b', '</s>']],
      [['a', 'b', 'a', 'X', 'b', 'a', 'b', 'Y', 'a']],
      0,
      vocab,
    );
    expect(data.unknownValidationTokens).toBe(2);
    expect(data.validation.map((s) => [...s])).toEqual([
      [2, 3, 2],
      [3, 2, 3],
    ]);
    const windows = evaluationWindows(data.validation, 2);
    const targets = windows.reduce((n, w) => n + w.length - 1, 0);
    expect(targets).toBe(4);
    const many = evaluationWindows([Int32Array.from({ length: 1001 }, (_, i) => i % 4)], 10, 7);
    expect(many).toHaveLength(7);
    expect(many.every((w) => w.length === 11)).toBe(true);
  });

  it('draws the same windows from the same random state, and stretched windows stay in the vocabulary', () => {
    const codec = createCodec('performance');
    const piece = [...scale(), ...scale(), ...scale()];
    const data = prepareTrainingData(codec, [piece], [], 3);
    expect(data.vocabulary.size).toBe(codec.fixedVocabulary!.length);
    const rng = new Rng(5);
    const apply = (tokens: readonly string[], factor: number): string[] =>
      codec.stretch?.(tokens, factor) ?? [];
    const sampler = new WindowSampler(data.streams, 12, rng, {
      amount: 0.1,
      vocabulary: data.vocabulary,
      apply,
    });
    sampler.nextBatch(4);
    const state = rng.getState();
    const a = sampler.nextBatch(4);
    const replay = new WindowSampler(data.streams, 12, Rng.fromState(state), {
      amount: 0.1,
      vocabulary: data.vocabulary,
      apply,
    });
    const b = replay.nextBatch(4);
    expect([...b.inputs]).toEqual([...a.inputs]);
    expect([...b.targets]).toEqual([...a.targets]);
    // Targets are the inputs shifted by one token.
    for (let w = 0; w < 4; w++)
      expect([...a.targets.subarray(w * 12, w * 12 + 11)]).toEqual([
        ...a.inputs.subarray(w * 12 + 1, w * 12 + 12),
      ]);
    const pitches = new Set(data.vocabulary.decode(a.inputs).filter((t) => t.startsWith('ON_')));
    expect(pitches.size).toBeGreaterThan(1);
    expect(() => new WindowSampler(data.streams, 500, new Rng(1))).toThrow(/fewer than one window/);
  });
});
