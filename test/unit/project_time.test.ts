import { describe, expect, it } from 'vitest';
import {
  barAtTick,
  barStartTick,
  gridLines,
  secondsToTicks,
  ticksPerBar,
  ticksToSeconds,
} from '../../src/shared/project/time.ts';
import { PPQ, type TempoEvent, type TimeSignatureEvent } from '../../src/shared/project/types.ts';

describe('tempo map', () => {
  it('uses 120 qpm when there is no tempo', () => {
    expect(ticksToSeconds([], PPQ)).toBeCloseTo(0.5, 12);
    expect(secondsToTicks([], 1)).toBeCloseTo(2 * PPQ, 9);
  });

  it('follows tempo changes both ways', () => {
    const tempos: TempoEvent[] = [
      { tick: 0, qpm: 120 },
      { tick: 4 * PPQ, qpm: 60 },
      { tick: 6 * PPQ, qpm: 240 },
    ];
    // 4 quarters at 120 = 2 s, 2 quarters at 60 = 2 s, then 0.25 s per quarter.
    expect(ticksToSeconds(tempos, 4 * PPQ)).toBeCloseTo(2, 12);
    expect(ticksToSeconds(tempos, 5 * PPQ)).toBeCloseTo(3, 12);
    expect(ticksToSeconds(tempos, 6 * PPQ)).toBeCloseTo(4, 12);
    expect(ticksToSeconds(tempos, 8 * PPQ)).toBeCloseTo(4.5, 12);
    for (const seconds of [0, 0.3, 2, 2.7, 4, 4.1, 100]) {
      expect(ticksToSeconds(tempos, secondsToTicks(tempos, seconds))).toBeCloseTo(seconds, 9);
    }
    for (let tick = 0; tick < 10 * PPQ; tick += 97) {
      expect(secondsToTicks(tempos, ticksToSeconds(tempos, tick))).toBeCloseTo(tick, 6);
    }
  });

  it('does not round ticks', () => {
    expect(secondsToTicks([{ tick: 0, qpm: 100 }], 0.001)).toBeCloseTo(0.8, 9);
  });
});

describe('bars and beats', () => {
  const meter: TimeSignatureEvent[] = [
    { tick: 0, numerator: 4, denominator: 4 },
    { tick: 8 * PPQ, numerator: 6, denominator: 8 },
    // A change in the middle of a 6/8 bar: the cut bar is counted.
    { tick: 8 * PPQ + 4.5 * PPQ, numerator: 3, denominator: 4 },
  ];

  it('knows bar lengths', () => {
    expect(ticksPerBar({ numerator: 4, denominator: 4 })).toBe(4 * PPQ);
    expect(ticksPerBar({ numerator: 6, denominator: 8 })).toBe(3 * PPQ);
    expect(ticksPerBar({ numerator: 7, denominator: 16 })).toBe(1.75 * PPQ);
  });

  it('numbers bars across signature changes', () => {
    expect(barStartTick(meter, 1)).toBe(0);
    expect(barStartTick(meter, 3)).toBe(8 * PPQ);
    expect(barStartTick(meter, 4)).toBe(11 * PPQ);
    // Bar 4 is cut short by the 3/4 change at 12.5 quarters: bar 5 starts there.
    expect(barStartTick(meter, 5)).toBe(12.5 * PPQ);
    expect(barStartTick(meter, 6)).toBe(15.5 * PPQ);
    expect(barStartTick([], 3)).toBe(8 * PPQ);
  });

  it('finds bar, beat and tick in beat', () => {
    expect(barAtTick(meter, 0)).toEqual({ bar: 1, beat: 1, tickInBeat: 0 });
    expect(barAtTick(meter, 5 * PPQ + 10)).toEqual({ bar: 2, beat: 2, tickInBeat: 10 });
    // 6/8: beats are eighths.
    expect(barAtTick(meter, 8 * PPQ + PPQ / 2 + 3)).toEqual({ bar: 3, beat: 2, tickInBeat: 3 });
    expect(barAtTick(meter, 12.5 * PPQ + PPQ)).toEqual({ bar: 5, beat: 2, tickInBeat: 0 });
    for (let bar = 1; bar < 9; bar++) expect(barAtTick(meter, barStartTick(meter, bar)).bar).toBe(bar);
  });

  it('gives grid lines of bars, beats and subdivisions', () => {
    const lines = gridLines([{ tick: 0, numerator: 4, denominator: 4 }], 0, 4 * PPQ, PPQ / 2);
    expect(lines.map((l) => [l.tick, l.kind])).toEqual([
      [0, 'bar'],
      [240, 'sub'],
      [480, 'beat'],
      [720, 'sub'],
      [960, 'beat'],
      [1200, 'sub'],
      [1440, 'beat'],
      [1680, 'sub'],
      [1920, 'bar'],
    ]);
    expect(lines[8].bar).toBe(2);
    expect(lines[3]).toEqual({ tick: 720, bar: 1, beat: 2, kind: 'sub' });
  });

  it('keeps beat lines under a triplet grid and starts mid-piece', () => {
    const lines = gridLines([{ tick: 0, numerator: 4, denominator: 4 }], 2 * PPQ, 3 * PPQ, (PPQ * 2) / 3);
    expect(lines.map((l) => l.kind)).toContain('beat');
    expect(lines.every((l) => l.tick >= 2 * PPQ && l.tick <= 3 * PPQ)).toBe(true);
    expect(lines.map((l) => l.tick)).toEqual([...lines.map((l) => l.tick)].sort((a, b) => a - b));
    expect(
      gridLines(meter, 0, 20 * PPQ, null)
        .filter((l) => l.kind === 'bar')
        .map((l) => l.bar),
    ).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
