import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notesInRect } from '../../src/renderer/src/lib/roll/hit_test.ts';
import { forEachNoteIn, noteIndex } from '../../src/renderer/src/lib/roll/note_index.ts';
import { commandFor } from '../../src/renderer/src/lib/roll/shortcuts.ts';
import { gridTicks, snapTick } from '../../src/renderer/src/lib/roll/snap.ts';
import {
  fitViewport,
  pitchToY,
  tickToX,
  xToTick,
  yToPitch,
  zoomPitch,
  zoomTime,
  type RollViewport,
} from '../../src/renderer/src/lib/roll/viewport.ts';
import type { NoteId, ProjectNote } from '../../src/shared/project/types.ts';

const view: RollViewport = {
  scrollTick: 960,
  scrollY: 600,
  pxPerTick: 0.2,
  rowHeight: 10,
  width: 800,
  height: 400,
};

describe('the roll viewport', () => {
  it('maps ticks and pitches to pixels and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 127 }), (tick, pitch) => {
        expect(xToTick(view, tickToX(view, tick))).toBeCloseTo(tick, 6);
        expect(yToPitch(view, pitchToY(view, pitch) + view.rowHeight / 2)).toBe(pitch);
      }),
    );
  });

  it('zooming keeps what is under the anchor in place, within the zoom limits', () => {
    const zoomed = zoomTime(view, 3, 200);
    expect(xToTick(zoomed, 200)).toBeCloseTo(xToTick(view, 200), 6);
    expect(zoomTime(view, 1e9).pxPerTick).toBe(2);
    const taller = zoomPitch(view, 2, 100);
    expect((100 + taller.scrollY) / taller.rowHeight).toBeCloseTo((100 + view.scrollY) / view.rowHeight, 6);
  });

  it('zoom to fit shows the whole range', () => {
    const fitted = fitViewport(view, 0, 48_000, 40, 90);
    expect(tickToX(fitted, 0)).toBeGreaterThanOrEqual(0);
    expect(tickToX(fitted, 48_000)).toBeLessThanOrEqual(fitted.width);
  });
});

describe('snapping', () => {
  it('knows the grid sizes, triplets included', () => {
    expect(gridTicks('1/1')).toBe(1920);
    expect(gridTicks('1/16')).toBe(120);
    expect(gridTicks('1/64')).toBe(30);
    expect(gridTicks('1/8T')).toBe(160);
    expect(gridTicks('off')).toBeNull();
  });

  it('snaps from the start of the bar, so a grid follows a time-signature change', () => {
    const signatures = [
      { tick: 0, numerator: 4, denominator: 4 },
      { tick: 1920, numerator: 3, denominator: 8 },
      { tick: 2640, numerator: 4, denominator: 4 },
    ];
    expect(snapTick(signatures, 130, 120)).toBe(120);
    expect(snapTick(signatures, 1919, 1920, 'floor')).toBe(0);
    // 3/8 bar of 720 ticks from 1920; a half-note grid snaps to that bar's start.
    expect(snapTick(signatures, 2100, 960)).toBe(1920);
    expect(snapTick(signatures, 2700, 960, 'floor')).toBe(2640);
    expect(snapTick(signatures, 2700.4, null)).toBe(2700);
  });
});

describe('the note index', () => {
  const noteArb = fc.record({
    pitch: fc.integer({ min: 0, max: 127 }),
    start: fc.integer({ min: 0, max: 20_000 }),
    duration: fc.integer({ min: 1, max: 5_000 }),
  });

  it('finds exactly the notes overlapping a window (same as a full scan)', () => {
    fc.assert(
      fc.property(
        fc.array(noteArb, { maxLength: 200 }),
        fc.integer({ min: 0, max: 25_000 }),
        fc.integer({ min: 1, max: 8_000 }),
        fc.integer({ min: 0, max: 127 }),
        fc.integer({ min: 0, max: 127 }),
        (raw, from, span, a, b) => {
          const notes: ProjectNote[] = raw
            .map((n, i) => ({ ...n, id: `n${i}` as NoteId, velocity: 64 }))
            .sort((x, y) => x.start - y.start);
          const [low, high] = [Math.min(a, b), Math.max(a, b)];
          const found: string[] = [];
          forEachNoteIn(noteIndex(notes), from, from + span, low, high, (n) => void found.push(n.id));
          const expected = notes
            .filter(
              (n) =>
                n.start < from + span && n.start + n.duration > from && n.pitch >= low && n.pitch <= high,
            )
            .map((n) => n.id);
          expect(found).toEqual(expected);
        },
      ),
    );
  });

  it('a rubber band picks the notes it touches', () => {
    const notes: ProjectNote[] = [
      { id: 'a' as NoteId, pitch: 70, velocity: 64, start: 1000, duration: 100 },
      { id: 'b' as NoteId, pitch: 60, velocity: 64, start: 2000, duration: 100 },
    ];
    const rect = {
      x0: tickToX(view, 1050),
      y0: pitchToY(view, 72),
      x1: tickToX(view, 1500),
      y1: pitchToY(view, 65),
    };
    expect([...notesInRect(view, noteIndex(notes), rect)]).toEqual(['a']);
  });
});

describe('shortcuts', () => {
  it('maps keys to commands, Ctrl and Shift exactly', () => {
    const press = (key: string, ctrl = false, shift = false) => commandFor({ key, ctrl, shift, alt: false });
    expect(press('z', true)).toBe('undo');
    expect(press('Z', true, true)).toBe('redo');
    expect(press('y', true)).toBe('redo');
    expect(press('d', true)).toBe('duplicate');
    expect(press('d')).toBe('toolDraw');
    expect(press('ArrowUp', false, true)).toBe('octaveUp');
    expect(press('ArrowUp')).toBe('transposeUp');
    expect(press('?', false, true)).toBe('help');
    expect(press('Delete')).toBe('delete');
    expect(press('q')).toBe('quantize');
    expect(commandFor({ key: '1', ctrl: false, shift: false, alt: true })).toBeUndefined();
  });
});

describe('zoomed-out drawing', () => {
  it('merges notes of a row that touch at this zoom into whole-pixel runs', async () => {
    const { PixelRuns } = await import('../../src/renderer/src/lib/roll/draw/pixel_runs.ts');
    const runs: [number, number, number][] = [];
    const merge = new PixelRuns((pitch, x0, x1) => runs.push([pitch, x0, x1]));
    merge.add(60, 0.2, 1.1);
    merge.add(62, 0.5, 0.6);
    merge.add(60, 1.5, 3.2);
    merge.add(60, 9.4, 9.5);
    merge.add(62, 1.9, 2.0);
    expect(merge.flush()).toBe(3);
    expect(runs.sort()).toEqual([
      [60, 0, 4],
      [60, 9, 10],
      [62, 0, 2],
    ]);
  });
});
