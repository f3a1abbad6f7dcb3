import { describe, expect, it } from 'vitest';
import { LossSeries } from '../../src/renderer/src/lib/loss_series.ts';
import {
  fitView,
  pitchToY,
  rowHeight,
  timeToX,
  visibleNotes,
  xToTime,
} from '../../src/renderer/src/lib/piano_roll_view.ts';
import { wireSequence } from '../../src/main/engine/host/studio/wire_music.ts';
import { NoteSequenceSchema, type NoteWire } from '../../src/shared/ipc/index.ts';
import type { NoteSequence } from '../../src/shared/music/note_sequence.ts';

function note(pitch: number, startTime: number, endTime: number): NoteWire {
  return { pitch, velocity: 90, startTime, endTime, program: 0, instrument: 0, isDrum: false };
}

describe('piano roll view', () => {
  const notes = [note(60, 0, 0.5), note(67, 1, 2), note(72, 3, 4)];

  it('fits the notes with a margin and maps time and pitch both ways', () => {
    const view = fitView(notes, 4, 400, 100);
    expect(view).toMatchObject({ timeStart: 0, timeEnd: 4, pitchLow: 58, pitchHigh: 74 });
    expect(timeToX(view, 2)).toBe(200);
    expect(xToTime(view, timeToX(view, 3.25))).toBeCloseTo(3.25);
    expect(pitchToY(view, 74)).toBe(0);
    expect(pitchToY(view, 58)).toBeCloseTo(100 - rowHeight(view));
    expect(pitchToY(view, 72)).toBeLessThan(pitchToY(view, 60));
  });

  it('draws only the notes in the visible window', () => {
    const view = { ...fitView(notes, 4, 400, 100), timeStart: 0.75, timeEnd: 2.5 };
    expect(visibleNotes(view, notes).map((n) => n.pitch)).toEqual([67]);
  });

  it('shows an empty roll around middle C', () => {
    expect(fitView([], 0, 100, 100)).toMatchObject({ pitchLow: 58, pitchHigh: 74, timeEnd: 1 });
  });
});

describe('loss series', () => {
  it('keeps one training point per new step and aligns validation points by step', () => {
    const series = new LossSeries();
    expect(series.addTrain(1, 4.5)).toBe(true);
    expect(series.addTrain(1, 4.4)).toBe(false);
    expect(series.addTrain(2, null)).toBe(false);
    expect(series.addTrain(3, 4.1)).toBe(true);
    series.setEpochs([
      { epoch: 1, step: 3, loss: 4.2, valLoss: 4.3, tokensPerSec: 100, seconds: 1 },
      { epoch: 2, step: 5, loss: 4, valLoss: null, tokensPerSec: 100, seconds: 1 },
    ]);
    expect(series.trainPoints).toBe(2);
    expect(series.data()).toEqual([
      [1, 3],
      [4.5, 4.1],
      [null, 4.3],
    ]);
  });
});

describe('wire music', () => {
  it('turns a decoded sequence into one the contract accepts, dropping stray fields and clamping', () => {
    const ns = {
      notes: [
        {
          pitch: 60.4,
          velocity: 200,
          startTime: -0.001,
          endTime: 0.5,
          program: 0,
          instrument: 0,
          isDrum: false,
          extra: 1,
        },
      ],
      tempos: [{ time: 0, qpm: 120 }],
      timeSignatures: [{ time: 0, numerator: 6, denominator: 8 }],
      keySignatures: [{ time: 0, key: 2, mode: 'major' }],
      instruments: [{ instrument: 0, name: 'Melody', program: 0, isDrum: false }],
      totalTime: 0.4,
      source: { kind: 'abc', path: '/x.abc', title: 'A tune' },
    } as unknown as NoteSequence;
    const wire = wireSequence(ns);
    expect(NoteSequenceSchema.safeParse(wire).success).toBe(true);
    expect(wire.notes[0]).toEqual({
      pitch: 60,
      velocity: 127,
      startTime: 0,
      endTime: 0.5,
      program: 0,
      instrument: 0,
      isDrum: false,
    });
    expect(wire.totalTime).toBe(0.5);
    expect(wire.source).toEqual({ kind: 'generated', title: 'A tune' });
  });
});
