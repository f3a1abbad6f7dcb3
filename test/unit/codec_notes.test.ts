import { describe, expect, it } from 'vitest';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { emptySequence } from '../../src/shared/music/sequences.ts';
import { NotesCodec } from '../../src/main/engine/codecs/notes.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';

/** Notes given in sixteenth-note steps at `qpm`. */
function sequenceOf(
  specs: [pitch: number, startStep: number, endStep: number][],
  qpm = 120,
  isDrum = false,
): NoteSequence {
  const seq = emptySequence({ kind: 'generated' });
  const step = 60 / qpm / 4;
  seq.tempos = [{ time: 0, qpm }];
  seq.notes = specs.map(([pitch, start, end]): Note => ({
    pitch,
    startTime: start * step,
    endTime: end * step,
    velocity: 90,
    isDrum,
    program: 0,
    instrument: 0,
  }));
  seq.totalTime = Math.max(0, ...seq.notes.map((n) => n.endTime));
  return seq;
}

const codec = new NotesCodec();

describe('notes codec', () => {
  it('writes one token per pitch or chord, its duration and the time to the next event', () => {
    const seq = sequenceOf([
      [64, 0, 4],
      [67, 0, 4],
      [60, 0, 4],
      [62, 4, 6],
      [60, 8, 9],
    ]);
    expect(codec.encode({ sequence: seq })).toEqual([
      'C_60.64.67',
      'D_4',
      'T_4',
      'N_62',
      'D_2',
      'T_4',
      'N_60',
      'D_1',
    ]);
  });

  it('reads the grid from the tempo map', () => {
    // At 60 qpm a sixteenth lasts 0.25 s.
    const seq = sequenceOf([[60, 4, 8]], 60);
    expect(seq.notes[0].startTime).toBe(1);
    expect(codec.encode({ sequence: seq })).toEqual(['T_4', 'N_60', 'D_4']);
  });

  it('round trips quantized input exactly', () => {
    const specs: [number, number, number][] = [
      [48, 0, 16],
      [55, 0, 16],
      [60, 2, 3],
      [62, 3, 4],
      [64, 4, 12],
      [67, 4, 12],
      [72, 100, 101],
    ];
    const decoded = codec.decode(codec.encode({ sequence: sequenceOf(specs) })).sequence;
    expect(decoded.quantization).toEqual({ stepsPerQuarter: 4 });
    expect(decoded.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep])).toEqual(specs);
    const original = sequenceOf(specs).notes;
    decoded.notes.forEach((n, i) => {
      expect(n.startTime).toBeCloseTo(original[i].startTime, 9);
      expect(n.endTime).toBeCloseTo(original[i].endTime, 9);
    });
  });

  it('caps durations and splits long gaps, skips drums and repeated pitches', () => {
    const small = new NotesCodec({ maxSteps: 8 });
    expect(
      small.encode({
        sequence: sequenceOf([
          [60, 0, 20],
          [60, 0, 2],
          [62, 21, 22],
        ]),
      }),
    ).toEqual(['N_60', 'D_8', 'T_8', 'T_8', 'T_5', 'N_62', 'D_1']);
    expect(codec.encode({ sequence: sequenceOf([[36, 0, 4]], 120, true) })).toEqual([]);
    expect(small.cacheKey).not.toBe(codec.cacheKey);
  });

  it('decodes any tokens without throwing', () => {
    const { sequence } = codec.decode([
      'D_3',
      'T_2',
      'N_60',
      'C_61.999',
      'junk',
      'C_64.67',
      'T_x',
      'D_0',
      'N_200',
    ]);
    expect(sequence.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep])).toEqual([
      [60, 2, 6],
      [64, 2, 6],
      [67, 2, 6],
    ]);
  });

  it('transposes pitches and reports them', () => {
    expect(codec.transpose(['C_60.64', 'D_2', 'N_70'], -2)).toEqual(['C_58.62', 'D_2', 'N_68']);
    expect(codec.transpose(['N_127'], 1)).toBeNull();
    expect(codec.pitchesOf('C_60.64.67')).toEqual([60, 64, 67]);
    expect(codec.pitchesOf('N_61')).toEqual([61]);
    expect(codec.pitchesOf('D_4')).toEqual([]);
    expect(createCodec('notes', { stepsPerQuarter: 2 }).cacheKey).toContain('spq=2');
  });
});
