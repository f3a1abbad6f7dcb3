/**
 * Seeds and continuations keep their notes: notes continued by an ABC model are written under
 * their own key (never re-spelt in C with accidentals), and a continuation that starts inside a
 * repeat of its seed (`[2 ...`) still plays its notes when decoded on its own.
 */
import { describe, expect, it } from 'vitest';
import type { NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { standaloneRepeats } from '../../src/main/engine/codecs/abc/abc_standalone.ts';
import { decodeVariation } from '../../src/main/engine/generate/outputs.ts';

const codec = createCodec('abc');

/** A D major scale run, eighth notes at 120 qpm, with or without a key signature. */
function dMajorRun(withKey: boolean): NoteSequence {
  const pitches = [62, 64, 66, 67, 69, 71, 73, 74, 73, 71, 69, 67, 66, 64, 62, 62];
  return {
    notes: pitches.map((pitch, i) => ({
      pitch,
      velocity: 80,
      startTime: i * 0.25,
      endTime: (i + 1) * 0.25,
      program: 0,
      instrument: 0,
      isDrum: false,
    })),
    tempos: [{ time: 0, qpm: 120 }],
    timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }],
    keySignatures: withKey ? [{ time: 0, key: 2, mode: 'major' }] : [],
    instruments: [{ instrument: 0, name: 'melody', program: 0, isDrum: false }],
    totalTime: 4,
    source: { kind: 'edited' },
  };
}

describe('ABC seeds from notes', () => {
  const vocabulary = Vocabulary.forCodec(codec, [
    [
      '<s>',
      'M:4/4',
      'L:1/8',
      'K:Cmaj',
      'K:Dmaj',
      'D',
      'E',
      'F',
      'G',
      'A',
      'B',
      'c',
      'd',
      '^F',
      '^c',
      '^C',
      '|',
      '2',
      '</s>',
    ],
  ]);

  it.each([true, false])(
    'writes a D major run under K:Dmaj with no accidentals (key signature given: %s)',
    (withKey) => {
      const tokens = codec.seedFromNotes?.(dMajorRun(withKey), vocabulary) ?? [];
      expect(tokens).toContain('K:Dmaj');
      expect(tokens.filter((t) => /^[\^_=]/.test(t))).toEqual([]);
      const decoded = codec.decode(tokens).sequence.notes.map((n) => n.pitch);
      expect(decoded).toEqual(dMajorRun(true).notes.map((n) => n.pitch));
    },
  );
});

describe('a continuation decoded on its own', () => {
  it('keeps the notes of a continuation that starts with a second ending', () => {
    const prefix = ['<s>', 'M:4/4', 'L:1/8', 'K:Dmaj', '|:', 'd', '8', '|', '[1', 'e', '8', ':|'];
    const tokens = ['[2', 'f', '8', '|', 'g', '8', '|', 'a', '8', '||'];
    expect(standaloneRepeats(tokens)).toEqual(['f', '8', '|', 'g', '8', '|', 'a', '8', '||']);
    // A repeat end whose start is in the prefix becomes a plain bar, and its endings go.
    expect(standaloneRepeats(['e', '8', ':|', '[2', 'f', '8', '||'])).toEqual([
      'e',
      '8',
      '|',
      'f',
      '8',
      '||',
    ]);
    const decoded = decodeVariation(codec, { variation: 0, prefix, tokens, stop: 'length' });
    expect(decoded.continuation.sequence.notes.map((n) => n.pitch)).toEqual([78, 79, 81]);
    // The whole piece plays the repeat: d e, d f g, a.
    expect(decoded.full.sequence.notes.map((n) => n.pitch)).toEqual([74, 76, 74, 78, 79, 81]);
  });
});
