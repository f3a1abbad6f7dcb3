import { describe, expect, it } from 'vitest';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { emptySequence } from '../../src/shared/music/sequences.ts';
import {
  binToVelocity,
  PERFORMANCE_VOCABULARY,
  PerformanceCodec,
  velocityToBin,
} from '../../src/main/engine/codecs/performance/performance.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';

type NoteSpec = [pitch: number, start: number, end: number, velocity?: number, isDrum?: boolean];

function sequenceOf(specs: NoteSpec[]): NoteSequence {
  const seq = emptySequence({ kind: 'generated' });
  seq.notes = specs.map(([pitch, startTime, endTime, velocity = 80, isDrum = false]): Note => ({
    pitch,
    startTime,
    endTime,
    velocity,
    isDrum,
    program: 0,
    instrument: 0,
  }));
  seq.totalTime = Math.max(0, ...specs.map((s) => s[2]));
  return seq;
}

const codec = new PerformanceCodec();
const encode = (specs: NoteSpec[]): string[] => codec.encode({ sequence: sequenceOf(specs) });
const decodeNotes = (tokens: string[]): [number, number, number, number][] =>
  codec.decode(tokens).sequence.notes.map((n) => [n.pitch, n.startTime, n.endTime, n.velocity]);

describe('performance vocabulary', () => {
  it('has the 388 Performance RNN events in Magenta order', () => {
    expect(PERFORMANCE_VOCABULARY).toHaveLength(388);
    const vocab = Vocabulary.forCodec(codec);
    expect(vocab.size).toBe(388);
    expect(vocab.idOf('ON_0')).toBe(0);
    expect(vocab.idOf('ON_127')).toBe(127);
    expect(vocab.idOf('OFF_0')).toBe(128);
    expect(vocab.idOf('SHIFT_1')).toBe(256);
    expect(vocab.idOf('SHIFT_100')).toBe(355);
    expect(vocab.idOf('VEL_1')).toBe(356);
    expect(vocab.idOf('VEL_32')).toBe(387);
    expect(codec.specialTokens).toEqual([]);
  });

  it('bins velocities like Magenta (4 per bin) and decodes inside the bin', () => {
    expect(velocityToBin(1)).toBe(1);
    expect(velocityToBin(4)).toBe(1);
    expect(velocityToBin(5)).toBe(2);
    expect(velocityToBin(127)).toBe(32);
    for (let v = 1; v <= 127; v++)
      expect(velocityToBin(binToVelocity(velocityToBin(v)))).toBe(velocityToBin(v));
  });
});

describe('performance encode', () => {
  it('writes a velocity only when the bin changes, offs before ons at one time', () => {
    expect(
      encode([
        [60, 0, 0.5, 80],
        [64, 0.5, 1.0, 80],
        [67, 1.0, 1.2, 100],
      ]),
    ).toEqual([
      'VEL_20',
      'ON_60',
      'SHIFT_50',
      'OFF_60',
      'ON_64',
      'SHIFT_50',
      'OFF_64',
      'VEL_25',
      'ON_67',
      'SHIFT_20',
      'OFF_67',
    ]);
  });

  it('quantizes to 10 ms and splits long gaps into shifts of at most one second', () => {
    expect(
      encode([
        [60, 0.004, 0.1049],
        [62, 2.551, 2.6],
      ]),
    ).toEqual([
      'VEL_20',
      'ON_60',
      'SHIFT_10',
      'OFF_60',
      'SHIFT_100',
      'SHIFT_100',
      'SHIFT_45',
      'ON_62',
      'SHIFT_5',
      'OFF_62',
    ]);
  });

  it('orders simultaneous onsets by pitch and skips drums', () => {
    expect(
      encode([
        [67, 0, 0.1],
        [60, 0, 0.1],
        [36, 0, 0.1, 80, true],
      ]),
    ).toEqual(['VEL_20', 'ON_60', 'ON_67', 'SHIFT_10', 'OFF_60', 'OFF_67']);
  });

  it('gives a note shorter than a step one step, keeping start and end within 10 ms', () => {
    expect(decodeNotes(encode([[60, 1, 1]]))).toEqual([[60, 1, 1.01, binToVelocity(20)]]);
    // 15.0..15.2 ms rounds to step 2 at both ends: the step before (10..20 ms) is closer than 20..30 ms.
    expect(decodeNotes(encode([[60, 0.015, 0.0152]]))).toEqual([[60, 0.01, 0.02, binToVelocity(20)]]);
  });

  it('cuts a note when the same pitch starts again, and merges notes struck on one step', () => {
    // 60 held 0..1 s, struck again at 0.5 s until 0.8 s: the first note ends at 0.5 s.
    expect(
      decodeNotes(
        encode([
          [60, 0, 1],
          [60, 0.5, 0.8],
        ]),
      ),
    ).toEqual([
      [60, 0, 0.5, binToVelocity(20)],
      [60, 0.5, 0.8, binToVelocity(20)],
    ]);
    expect(
      decodeNotes(
        encode([
          [60, 0, 0.3, 40],
          [60, 0.001, 0.2, 100],
        ]),
      ),
    ).toEqual([[60, 0, 0.3, binToVelocity(25)]]);
  });

  it('round trips hand-made notes within 10 ms and the same velocity bin', () => {
    const specs: NoteSpec[] = [
      [21, 0.0123, 3.5, 3],
      [108, 0.0123, 0.0177, 127],
      [60, 1.234, 1.9, 64],
      [64, 1.9, 4.2, 65],
      [67, 1.905, 2.0, 66],
    ];
    const decoded = codec.decode(encode(specs)).sequence.notes;
    expect(decoded).toHaveLength(specs.length);
    for (const [pitch, start, end, velocity] of specs) {
      const note = decoded.find((n) => n.pitch === pitch);
      expect(note).toBeDefined();
      expect(Math.abs(note!.startTime - start)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.abs(note!.endTime - end)).toBeLessThanOrEqual(0.01 + 1e-9);
      expect(velocityToBin(note!.velocity)).toBe(velocityToBin(velocity!));
    }
  });
});

describe('performance decode', () => {
  it('ignores stray NOTE_OFFs and unknown tokens, ends open notes at the last time', () => {
    expect(decodeNotes(['OFF_60', 'nonsense', 'VEL_32', 'ON_60', 'SHIFT_10', 'ON_62', 'SHIFT_5'])).toEqual([
      [60, 0, 0.15, binToVelocity(32)],
      [62, 0.1, 0.15, binToVelocity(32)],
    ]);
    expect(decodeNotes(['ON_60'])).toEqual([[60, 0, 0.01, 64]]);
  });

  it('never throws on random token sequences', () => {
    let seed = 7;
    const rng = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const tokens = Array.from({ length: 50 }, () => PERFORMANCE_VOCABULARY[Math.floor(rng() * 388)]);
      tokens.push('OFF_999', 'SHIFT_0', '', 'VEL_33');
      const { sequence } = codec.decode(tokens);
      for (const n of sequence.notes) expect(n.endTime).toBeGreaterThan(n.startTime);
    }
  });
});

describe('performance transpose and pitches', () => {
  it('moves note events and refuses to leave 0..127', () => {
    expect(codec.transpose(['VEL_3', 'ON_60', 'SHIFT_4', 'OFF_60'], 2)).toEqual([
      'VEL_3',
      'ON_62',
      'SHIFT_4',
      'OFF_62',
    ]);
    expect(codec.transpose(['ON_126', 'OFF_126'], 2)).toBeNull();
    expect(codec.transpose(['ON_1'], -2)).toBeNull();
  });

  it('reports the pitch a NOTE_ON starts', () => {
    expect(codec.pitchesOf('ON_60')).toEqual([60]);
    expect(codec.pitchesOf('OFF_60')).toEqual([]);
    expect(codec.pitchesOf('SHIFT_60')).toEqual([]);
    expect(codec.cacheKey).toContain('performance');
  });
});
