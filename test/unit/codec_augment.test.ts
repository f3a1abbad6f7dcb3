import { describe, expect, it } from 'vitest';
import {
  randomTransposition,
  stretchPerformance,
  transposeTokens,
} from '../../src/main/engine/codecs/augment.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';

const performance = createCodec('performance');

describe('augmentation', () => {
  it('transposes through the codec', () => {
    expect(transposeTokens(performance, ['ON_60', 'SHIFT_3', 'OFF_60'], -1)).toEqual([
      'ON_59',
      'SHIFT_3',
      'OFF_59',
    ]);
    expect(transposeTokens(createCodec('notes'), ['N_60', 'D_1'], 3)).toEqual(['N_63', 'D_1']);
    expect(transposeTokens(createCodec('abc'), ['K:Gmaj', 'B'], 2)).toEqual(['K:Amaj', 'c']);
  });

  it('draws every transposition in the range, and only those', () => {
    let seed = 1;
    const rng = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(randomTransposition(rng, 5));
    expect([...seen].sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(randomTransposition(() => 0.999999, 0)).toBe(0);
  });

  it('stretches time shifts and keeps event order', () => {
    const tokens = ['VEL_10', 'ON_60', 'SHIFT_100', 'SHIFT_100', 'OFF_60', 'ON_62', 'SHIFT_40', 'OFF_62'];
    expect(stretchPerformance(tokens, 1)).toEqual(tokens);
    expect(stretchPerformance(tokens, 1.05)).toEqual([
      'VEL_10',
      'ON_60',
      'SHIFT_100',
      'SHIFT_100',
      'SHIFT_10',
      'OFF_60',
      'ON_62',
      'SHIFT_42',
      'OFF_62',
    ]);
    const notes = performance.decode(stretchPerformance(tokens, 0.95)).sequence.notes;
    expect(notes.map((n) => [n.pitch, n.startTime, n.endTime])).toEqual([
      [60, 0, 1.9],
      [62, 1.9, 2.28],
    ]);
  });

  it('never lets a stretched note vanish', () => {
    const tokens = ['ON_60', 'SHIFT_1', 'OFF_60', 'ON_61', 'SHIFT_1', 'OFF_61'];
    const notes = performance.decode(stretchPerformance(tokens, 0.5)).sequence.notes;
    expect(notes).toHaveLength(2);
    for (const n of notes) expect(n.endTime).toBeGreaterThan(n.startTime);
    expect(() => stretchPerformance(tokens, 0)).toThrow(RangeError);
  });
});
