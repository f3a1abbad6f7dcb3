/** What the grid and the ruler share along the time axis: line spacing, bar thinning, range fills. */
import { PPQ } from '../../../../../shared/project/types.ts';
import { tickToX, type RollViewport } from '../viewport.ts';
import type { TickRange } from './scene.ts';

/** Closest spacing of drawn grid lines and beat ticks, CSS pixels. */
export const MIN_LINE_GAP = 7;

/** True when beats are far enough apart at this zoom to draw a line (or tick) each. */
export function beatsFit(view: RollViewport): boolean {
  return PPQ * view.pxPerTick >= MIN_LINE_GAP;
}

/**
 * Every how many bars to draw (1, 2, 4, ...) so that drawn bars are at least `minGap` CSS
 * pixels apart when zoomed far out (bars counted as 4/4).
 */
export function barStride(view: RollViewport, minGap: number): number {
  let stride = 1;
  while (PPQ * 4 * stride * view.pxPerTick < minGap) stride *= 2;
  return stride;
}

/**
 * Fills the visible part of a tick range from the canvas top, `height` pixels tall: the loop
 * and seed shading of the grid and their strips on the ruler. Nothing for a missing, empty or
 * off-screen range.
 */
export function fillTickRange(
  ctx: CanvasRenderingContext2D,
  view: RollViewport,
  range: TickRange | undefined,
  colour: string,
  height: number,
): void {
  if (!range || range.endTick <= range.startTick) return;
  const x0 = Math.max(0, tickToX(view, range.startTick));
  const x1 = Math.min(view.width, tickToX(view, range.endTick));
  if (x1 <= x0) return;
  ctx.fillStyle = colour;
  ctx.fillRect(x0, 0, x1 - x0, height);
}
