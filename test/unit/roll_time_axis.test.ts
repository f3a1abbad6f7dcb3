import { describe, expect, it } from 'vitest';
import { PPQ } from '../../src/shared/project/types.ts';
import type { RollViewport } from '../../src/renderer/src/lib/roll/viewport.ts';
import { barStride, beatsFit, fillTickRange } from '../../src/renderer/src/lib/roll/draw/time_axis.ts';

const viewAt = (pxPerTick: number, scrollTick = 0): RollViewport => ({
  scrollTick,
  scrollY: 0,
  pxPerTick,
  rowHeight: 10,
  width: 800,
  height: 300,
});

/** A canvas 2D context (named through the function, as the node test config has no DOM types). */
type Context = Parameters<typeof fillTickRange>[0];

/** The fills a canvas received (only what fillTickRange uses). */
function recordingContext(): { ctx: Context; fills: { colour: string; rect: number[] }[] } {
  const fills: { colour: string; rect: number[] }[] = [];
  let colour = '';
  const ctx = {
    set fillStyle(value: string) {
      colour = value;
    },
    fillRect: (...rect: number[]) => fills.push({ colour, rect }),
  } as unknown as Context;
  return { ctx, fills };
}

describe('the roll time axis shared by grid and ruler', () => {
  it('thins bars by powers of two until they are minGap apart', () => {
    const barPx = (view: RollViewport): number => PPQ * 4 * view.pxPerTick;
    expect(barStride(viewAt(0.1), 34)).toBe(1);
    for (const px of [0.01, 0.002, 0.0005]) {
      const stride = barStride(viewAt(px), 34);
      expect(barPx(viewAt(px)) * stride).toBeGreaterThanOrEqual(34);
      expect(barPx(viewAt(px)) * (stride / 2)).toBeLessThan(34);
      expect(Math.log2(stride) % 1).toBe(0);
    }
  });

  it('draws beats only when they are at least 7 px apart', () => {
    expect(beatsFit(viewAt(7 / PPQ))).toBe(true);
    expect(beatsFit(viewAt(6.9 / PPQ))).toBe(false);
  });

  it('fills the visible part of a range, and nothing for an empty or off-screen one', () => {
    const { ctx, fills } = recordingContext();
    const view = viewAt(0.5, 100);
    fillTickRange(ctx, view, { startTick: 0, endTick: 300 }, 'green', 5);
    fillTickRange(ctx, view, { startTick: 400, endTick: 400 }, 'red', 5);
    fillTickRange(ctx, view, { startTick: 5000, endTick: 6000 }, 'red', 5);
    fillTickRange(ctx, view, undefined, 'red', 5);
    expect(fills).toEqual([{ colour: 'green', rect: [0, 0, 100, 5] }]);
  });
});
