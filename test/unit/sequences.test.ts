import { describe, expect, it } from 'vitest';
import {
  keyFromSharps,
  keyName,
  keyPitchClasses,
  parseKeyName,
  relativeMajor,
  sharpsOfKey,
} from '../../src/shared/music/key_signatures.ts';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import {
  cloneSequence,
  concatenate,
  emptySequence,
  merge,
  quantize,
  quartersToSeconds,
  secondsToQuarters,
  sequenceStats,
  sliceByTime,
  sortNotes,
  stretch,
  TempoMap,
  transpose,
} from '../../src/shared/music/sequences.ts';

const note = (pitch: number, startTime: number, endTime: number, extra: Partial<Note> = {}): Note => ({
  pitch,
  velocity: 80,
  startTime,
  endTime,
  program: 0,
  instrument: 0,
  isDrum: false,
  ...extra,
});

/** C D E F at one second each, 60 qpm, 4/4 in C major, one piano part. */
function scale(): NoteSequence {
  return {
    notes: [note(60, 0, 1), note(62, 1, 2), note(64, 2, 3), note(65, 3, 4)],
    tempos: [{ time: 0, qpm: 60 }],
    timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }],
    keySignatures: [{ time: 0, key: 0, mode: 'major' }],
    instruments: [{ instrument: 0, name: 'Piano', program: 0, isDrum: false, channel: 0 }],
    totalTime: 4,
    source: { kind: 'generated', title: 'scale' },
  };
}

const pitches = (ns: NoteSequence): number[] => ns.notes.map((n) => n.pitch);
const times = (ns: NoteSequence): [number, number][] => ns.notes.map((n) => [n.startTime, n.endTime]);

describe('emptySequence and cloneSequence', () => {
  it('makes an empty sequence with its own copy of the source', () => {
    const source = { kind: 'recorded' as const, title: 'take 1' };
    const ns = emptySequence(source);
    expect(ns).toEqual({
      notes: [],
      tempos: [],
      timeSignatures: [],
      keySignatures: [],
      instruments: [],
      totalTime: 0,
      source,
    });
    ns.source.title = 'changed';
    expect(source.title).toBe('take 1');
  });

  it('clones deeply', () => {
    const ns = quantize(scale(), 4);
    const copy = cloneSequence(ns);
    expect(copy).toEqual(ns);
    copy.notes[0].pitch = 1;
    copy.tempos[0].qpm = 1;
    copy.instruments[0].name = 'x';
    copy.quantization!.stepsPerQuarter = 8;
    copy.source.title = 'x';
    expect(ns.notes[0].pitch).toBe(60);
    expect(ns.tempos[0].qpm).toBe(60);
    expect(ns.instruments[0].name).toBe('Piano');
    expect(ns.quantization).toEqual({ stepsPerQuarter: 4 });
    expect(ns.source.title).toBe('scale');
  });
});

describe('sortNotes', () => {
  it('orders by start, then pitch, then end, without touching the input', () => {
    const ns = scale();
    ns.notes = [note(64, 1, 2), note(60, 1, 3), note(60, 1, 2), note(67, 0, 1)];
    const sorted = sortNotes(ns);
    expect(sorted.notes.map((n) => [n.pitch, n.startTime, n.endTime])).toEqual([
      [67, 0, 1],
      [60, 1, 2],
      [60, 1, 3],
      [64, 1, 2],
    ]);
    expect(pitches(ns)).toEqual([64, 60, 60, 67]);
  });
});

describe('transpose', () => {
  it('moves pitched notes and key signatures, leaves drums alone', () => {
    const ns = scale();
    ns.notes.push(note(36, 0, 0.1, { isDrum: true, instrument: 1 }));
    const { sequence, dropped } = transpose(ns, 2);
    expect(dropped).toBe(0);
    expect(pitches(sequence)).toEqual([62, 64, 66, 67, 36]);
    expect(sequence.keySignatures[0].key).toBe(2); // D major
    expect(pitches(ns)).toEqual([60, 62, 64, 65, 36]);
    expect(transpose(ns, -3).sequence.keySignatures[0].key).toBe(9);
  });

  it('drops and counts notes pushed out of range', () => {
    const { sequence, dropped } = transpose(scale(), 5, { minPitch: 60, maxPitch: 68 });
    expect(pitches(sequence)).toEqual([65, 67]);
    expect(dropped).toBe(2);
    expect(transpose(scale(), 100).dropped).toBe(4);
  });
});

describe('sliceByTime', () => {
  it('clips notes to the window and moves it to 0', () => {
    const slice = sliceByTime(scale(), 1.5, 3.25);
    expect(pitches(slice)).toEqual([62, 64, 65]);
    expect(times(slice)).toEqual([
      [0, 0.5],
      [0.5, 1.5],
      [1.5, 1.75],
    ]);
    expect(slice.totalTime).toBe(1.75);
    expect(slice.source).toEqual(scale().source);
  });

  it('keeps the tempo, time and key signature in force at the start', () => {
    const ns = scale();
    ns.tempos.push({ time: 2, qpm: 90 }, { time: 3.5, qpm: 120 });
    ns.keySignatures.push({ time: 1, key: 7, mode: 'major' });
    ns.timeSignatures.push({ time: 5, numerator: 3, denominator: 4 });
    const slice = sliceByTime(ns, 2.5, 4);
    expect(slice.tempos).toEqual([
      { time: 0, qpm: 90 },
      { time: 1, qpm: 120 },
    ]);
    expect(slice.keySignatures).toEqual([{ time: 0, key: 7, mode: 'major' }]);
    expect(slice.timeSignatures).toEqual([{ time: 0, numerator: 4, denominator: 4 }]);
  });

  it('drops quantized steps and rejects an empty window', () => {
    const slice = sliceByTime(quantize(scale(), 4), 0, 2);
    expect(slice.quantization).toBeUndefined();
    expect(slice.notes[0].quantizedStartStep).toBeUndefined();
    expect(() => sliceByTime(scale(), 2, 2)).toThrow(RangeError);
  });
});

describe('merge', () => {
  it('plays both together with the second one on new instruments', () => {
    const a = scale();
    const b = scale();
    b.notes = [note(48, 0.5, 2.5), note(36, 0, 0.1, { instrument: 1, isDrum: true })];
    b.instruments = [
      { instrument: 0, name: 'Bass', program: 33, isDrum: false },
      { instrument: 1, name: 'Kit', program: 0, isDrum: true },
    ];
    b.totalTime = 6;
    b.tempos = [{ time: 0, qpm: 200 }];
    const m = merge(a, b);
    expect(m.notes.map((n) => [n.pitch, n.startTime, n.instrument])).toEqual([
      [36, 0, 2],
      [60, 0, 0],
      [48, 0.5, 1],
      [62, 1, 0],
      [64, 2, 0],
      [65, 3, 0],
    ]);
    expect(m.instruments.map((i) => [i.instrument, i.name])).toEqual([
      [0, 'Piano'],
      [1, 'Bass'],
      [2, 'Kit'],
    ]);
    expect(m.tempos).toEqual([{ time: 0, qpm: 60 }]);
    expect(m.totalTime).toBe(6);
    expect(a.notes).toHaveLength(4);
  });
});

describe('concatenate', () => {
  it('puts sequences one after another at their total times', () => {
    const a = scale();
    const b = sliceByTime(scale(), 0, 2);
    b.tempos = [{ time: 0, qpm: 120 }];
    b.keySignatures = [{ time: 0, key: 0, mode: 'major' }];
    const c = concatenate([a, b, a]);
    expect(c.notes).toHaveLength(10);
    expect(c.notes[4].startTime).toBe(4);
    expect(c.notes[6].startTime).toBe(6);
    expect(c.totalTime).toBe(10);
    expect(c.tempos).toEqual([
      { time: 0, qpm: 60 },
      { time: 4, qpm: 120 },
      { time: 6, qpm: 60 },
    ]);
    // Repeated signatures are not repeated.
    expect(c.keySignatures).toEqual([{ time: 0, key: 0, mode: 'major' }]);
    expect(c.timeSignatures).toEqual([{ time: 0, numerator: 4, denominator: 4 }]);
    expect(c.instruments).toHaveLength(1);
  });

  it('states the default tempo when only some parts have tempos, and needs at least one sequence', () => {
    const plain = scale();
    plain.tempos = [];
    const c = concatenate([plain, scale()]);
    expect(c.tempos).toEqual([
      { time: 0, qpm: 120 },
      { time: 4, qpm: 60 },
    ]);
    expect(concatenate([plain, plain]).tempos).toEqual([]);
    expect(() => concatenate([])).toThrow(RangeError);
  });
});

describe('stretch', () => {
  it('scales times and divides tempos', () => {
    const s = stretch(scale(), 2);
    expect(times(s)[1]).toEqual([2, 4]);
    expect(s.tempos).toEqual([{ time: 0, qpm: 30 }]);
    expect(s.totalTime).toBe(8);
    // Same beats: quarter 3 is still the start of the fourth note.
    expect(secondsToQuarters(s, s.notes[3].startTime)).toBe(3);
    expect(() => stretch(scale(), 0)).toThrow(RangeError);
  });
});

describe('tempo map conversion', () => {
  const ns = {
    tempos: [
      { time: 0, qpm: 120 },
      { time: 2, qpm: 60 },
      { time: 4, qpm: 240 },
    ],
  };

  it('converts seconds to quarters and back through tempo changes', () => {
    expect(secondsToQuarters(ns, 1)).toBe(2);
    expect(secondsToQuarters(ns, 2)).toBe(4);
    expect(secondsToQuarters(ns, 3)).toBe(5);
    expect(secondsToQuarters(ns, 5)).toBe(10);
    for (const q of [0, 0.5, 4, 5.25, 6, 11])
      expect(secondsToQuarters(ns, quartersToSeconds(ns, q))).toBeCloseTo(q, 12);
  });

  it('uses 120 qpm without tempos and the first tempo before its time', () => {
    expect(secondsToQuarters({ tempos: [] }, 1.5)).toBe(3);
    expect(quartersToSeconds({ tempos: [] }, 3)).toBe(1.5);
    const late = new TempoMap([{ time: 1, qpm: 60 }]);
    expect(late.secondsToQuarters(0.5)).toBe(0.5);
    expect(late.quartersToSeconds(2)).toBe(2);
  });
});

describe('quantize', () => {
  it('sets steps from the tempo map and the quantization info', () => {
    const ns = scale();
    ns.tempos = [
      { time: 0, qpm: 120 },
      { time: 2, qpm: 60 },
    ];
    ns.notes = [note(60, 0.26, 0.49), note(62, 1.9999999, 2.5), note(64, 3, 3.01)];
    const q = quantize(ns, 4);
    expect(q.quantization).toEqual({ stepsPerQuarter: 4 });
    // 120 qpm: 8 steps per second; 60 qpm from 2 s (step 16): 4 steps per second.
    expect(q.notes.map((n) => [n.quantizedStartStep, n.quantizedEndStep])).toEqual([
      [2, 4],
      [16, 18],
      [20, 21], // never zero steps long
    ]);
    expect(ns.notes[0].quantizedStartStep).toBeUndefined();
    expect(q.notes[0].startTime).toBe(0.26);
    expect(() => quantize(ns, 0)).toThrow(RangeError);
  });
});

describe('sequenceStats', () => {
  it('counts notes, range, parts, velocity and polyphony', () => {
    const ns = scale();
    ns.notes.push(
      note(72, 0.5, 1.5, { velocity: 120, instrument: 1 }),
      note(36, 0.4, 0.6, { isDrum: true, instrument: 2 }),
    );
    expect(sequenceStats(ns)).toEqual({
      notes: 6,
      seconds: 4,
      minPitch: 60,
      maxPitch: 72,
      drumNotes: 1,
      instruments: 3,
      meanVelocity: (80 * 5 + 120) / 6,
      maxPolyphony: 3,
      tempoChanges: 0,
    });
    expect(sequenceStats(emptySequence({ kind: 'generated' }))).toMatchObject({
      notes: 0,
      minPitch: null,
      maxPitch: null,
      meanVelocity: 0,
      maxPolyphony: 0,
    });
  });
});

describe('key signatures', () => {
  it('converts between MIDI sharps and tonics', () => {
    expect(keyFromSharps(0, false)).toBe(0);
    expect(keyFromSharps(2, false)).toBe(2); // D major
    expect(keyFromSharps(-3, true)).toBe(0); // C minor
    expect(keyFromSharps(1, true)).toBe(4); // E minor
    expect(sharpsOfKey(2, 'major')).toBe(2);
    expect(sharpsOfKey(5, 'major')).toBe(-1);
    expect(sharpsOfKey(9, 'minor')).toBe(0);
    expect(sharpsOfKey(2, 'dorian')).toBe(0);
    expect(sharpsOfKey(7, 'mixolydian')).toBe(0);
    // -5..6: six sharps (F#) is preferred to six flats (Gb).
    for (let s = -5; s <= 6; s++) {
      expect(sharpsOfKey(keyFromSharps(s, false), 'major')).toBe(s);
      expect(sharpsOfKey(keyFromSharps(s, true), 'minor')).toBe(s);
    }
  });

  it('names, parses and lists keys', () => {
    expect(keyName(2, 'major')).toBe('D major');
    expect(keyName(10, 'major')).toBe('Bb major');
    expect(keyName(6, 'minor')).toBe('F# minor');
    expect(parseKeyName('D major')).toEqual({ key: 2, mode: 'major' });
    expect(parseKeyName('F#m')).toEqual({ key: 6, mode: 'minor' });
    expect(parseKeyName('Bb minor')).toEqual({ key: 10, mode: 'minor' });
    expect(parseKeyName('Ador')).toEqual({ key: 9, mode: 'dorian' });
    expect(parseKeyName('G Mixolydian')).toEqual({ key: 7, mode: 'mixolydian' });
    expect(parseKeyName('CM')).toEqual({ key: 0, mode: 'major' });
    expect(parseKeyName('H major')).toBeNull();
    expect(parseKeyName('D wibble')).toBeNull();
    expect(relativeMajor(9, 'minor')).toBe(0);
    expect(keyPitchClasses(2, 'dorian')).toEqual([2, 4, 5, 7, 9, 11, 0]);
    expect(keyPitchClasses(9, 'minor')).toEqual([9, 11, 0, 2, 4, 5, 7]);
    expect(keyPitchClasses(7, 'major')).toEqual([7, 9, 11, 0, 2, 4, 6]);
  });
});
