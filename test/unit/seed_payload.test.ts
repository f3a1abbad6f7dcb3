import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { nearestDurations, nearestNotes } from '../../src/main/engine/codecs/abc/abc_seed.ts';
import { GenerationSeedSchema } from '../../src/shared/ipc/index.ts';

describe('seeds of generation.start', () => {
  it('moves ABC durations the vocabulary lacks to the nearest it has, keeping other tokens', () => {
    const vocabulary = new Vocabulary('abc', 1, ['<s>', 'K:Gmaj', 'G', 'A', '2', '3', '/2', '|']);
    expect(nearestDurations(['G', '5/4', 'A', '15/4', 'G', '3/8', 'A', '2', '|'], vocabulary)).toEqual([
      'G', // 5/4 is nearest the unit length, which has no token
      'A',
      '3',
      'G',
      '/2',
      'A',
      '2',
      '|',
    ]);
  });

  it('respells ABC notes the vocabulary lacks as known ones of the same or the nearest pitch', () => {
    const vocabulary = new Vocabulary('abc', 1, ['<s>', 'G', 'A', 'B,', '_E,', '=F', 'c', '|']);
    expect(nearestNotes(['^D,', 'G', '^F', "c'", 'A,', '|'], vocabulary)).toEqual([
      '_E,', // the same pitch, spelled as the model knows it
      'G',
      '=F', // no F sharp known: the nearest explicit accidental
      'c', // the same letter in the nearest known octave
      'A', // A, is unknown: the same letter, an octave up
      '|',
    ]);
  });

  it('validates sequence and ABC seeds by the contract', () => {
    const note = {
      pitch: 60,
      velocity: 80,
      startTime: 0,
      endTime: 0.5,
      program: 0,
      instrument: 0,
      isDrum: false,
    };
    const sequence = {
      notes: [note],
      tempos: [],
      timeSignatures: [],
      keySignatures: [],
      instruments: [],
      totalTime: 0.5,
      source: { kind: 'generated' },
    };
    expect(GenerationSeedSchema.safeParse({ kind: 'sequence', sequence }).success).toBe(true);
    expect(GenerationSeedSchema.safeParse({ kind: 'abc', text: 'X:1\nK:G\nGAB|' }).success).toBe(true);
    const bad = [
      { kind: 'sequence', sequence: { ...sequence, notes: [{ ...note, endTime: -1 }] } },
      { kind: 'sequence', sequence: { ...sequence, notes: [{ ...note, startTime: 1 }] } },
      { kind: 'sequence', sequence: { ...sequence, notes: [{ ...note, extra: 1 }] } },
      { kind: 'sequence', sequence: { ...sequence, notes: [] } },
      { kind: 'abc', text: '   ' },
      { kind: 'abc', text: 'x'.repeat(200_001) },
    ];
    for (const seed of bad) expect(GenerationSeedSchema.safeParse(seed).success).toBe(false);
  });
});
