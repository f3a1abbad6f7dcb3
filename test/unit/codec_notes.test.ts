import { describe, expect, it } from 'vitest';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { emptySequence } from '../../src/shared/music/sequences.ts';
import { NotesCodec } from '../../src/main/engine/codecs/notes/notes.ts';
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
  it('writes a note or a chord (bass and shape), its duration and the time to the next event', () => {
    const seq = sequenceOf([
      [64, 0, 4],
      [67, 0, 4],
      [60, 0, 4],
      [62, 4, 6],
      [60, 8, 9],
    ]);
    expect(codec.encode({ sequence: seq })).toEqual([
      'N_60',
      'S_4.7',
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
      'S_3',
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
    expect(codec.transpose(['N_60', 'S_4', 'D_2', 'N_70'], -2)).toEqual(['N_58', 'S_4', 'D_2', 'N_68']);
    expect(codec.transpose(['C_60.64', 'D_2'], 1)).toEqual(['C_61.65', 'D_2']);
    expect(codec.transpose(['N_127'], 1)).toBeNull();
    expect(codec.pitchesOf('C_60.64.67')).toEqual([60, 64, 67]);
    expect(codec.pitchesOf('N_61')).toEqual([61]);
    // A shape's pitches depend on its bass: the grammar judges them.
    expect(codec.pitchesOf('S_4.7')).toEqual([]);
    expect(codec.pitchesOf('D_4')).toEqual([]);
    expect(createCodec('notes', { stepsPerQuarter: 2 }).cacheKey).toContain('spq=2');
  });

  it('splits notes of one onset by duration and chords outside the shape table into pieces', () => {
    const seq = sequenceOf([
      [36, 0, 8],
      [60, 0, 2],
      [64, 0, 2],
      [84, 0, 8],
      [86, 0, 8],
      [40, 0, 8],
      [43, 0, 8],
      [46, 0, 8],
      [49, 0, 8],
    ]);
    const tokens = codec.encode({ sequence: seq });
    // 36 40 43 46 49 84 86 (8 steps): 36+[4.7.10] (within an octave), 49 alone (84 is 35 above
    // but 49..86 is no shape of 3), 84+[2]; 60 64 (2 steps) in between by bass.
    expect(tokens).toEqual([
      'N_36',
      'S_4.7.10',
      'D_8',
      'N_49',
      'S_35',
      'D_8',
      'N_60',
      'S_4',
      'D_2',
      'N_86',
      'D_8',
    ]);
    const decoded = codec
      .decode(tokens)
      .sequence.notes.map((n) => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);
    expect(decoded).toEqual(
      seq.notes
        .map((n) => [n.pitch, 0, n.endTime === seq.notes[0].endTime ? 8 : 2])
        .sort((a, b) => a[0] - b[0]),
    );
  });

  it('writes only tokens of its table of notes, shapes, durations and shifts', () => {
    expect(codec.version).toBe(2);
    expect(codec.allTokens.length).toBe(128 + 532 + 64 + 64);
    expect(codec.allTokens).toContain('S_4.7');
    expect(new NotesCodec({ maxSteps: 8 }).allTokens.length).toBe(128 + 532 + 16);
  });
});
