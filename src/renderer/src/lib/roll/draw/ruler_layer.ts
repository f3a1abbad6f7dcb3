import { gridLines } from '../../../../../shared/project/time.ts';
import { PPQ, type Ticks } from '../../../../../shared/project/types.ts';
import { tickToX, visibleTicks, type RollViewport } from '../viewport.ts';
import { barStride, beatsFit, fillTickRange } from './time_axis.ts';
import type { RollScene } from './scene.ts';
import { ROLL_THEME } from './theme.ts';

/** Height of the strip at the ruler's top that shows the loop and seed ranges. */
export const RANGE_STRIP = 6;

/** Smallest gap between two bar numbers, CSS pixels. */
const LABEL_GAP = 34;

/**
 * The bar/beat ruler: bar numbers (thinned when crowded), beat ticks, time-signature changes,
 * and the loop (green) and seed (grey-blue) ranges in a strip along the top.
 */
export function drawRuler(ctx: CanvasRenderingContext2D, scene: RollScene, height: number): void {
  const { view, project } = scene;
  ctx.fillStyle = ROLL_THEME.rulerBackground;
  ctx.fillRect(0, 0, view.width, height);
  const { from, to } = visibleTicks(view);
  const beats = beatsFit(view);
  const showBeatLabels = PPQ * view.pxPerTick >= 48;
  const stride = barStride(view, LABEL_GAP);

  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const ticks = new Path2D();
  const barMarks = new Path2D();
  for (const line of gridLines(project.timeSignatures, Math.max(0, from), to, null)) {
    const x = Math.round(tickToX(view, line.tick)) + 0.5;
    if (line.kind === 'bar') {
      const labelled = (line.bar - 1) % stride === 0;
      barMarks.moveTo(x, labelled ? RANGE_STRIP + 2 : height - 8);
      barMarks.lineTo(x, height);
      if (labelled) {
        ctx.fillStyle = ROLL_THEME.rulerText;
        ctx.fillText(String(line.bar), x + 4, RANGE_STRIP + 9);
      }
    } else if (beats) {
      ticks.moveTo(x, height - 5);
      ticks.lineTo(x, height);
      if (showBeatLabels) {
        ctx.fillStyle = ROLL_THEME.rulerTick;
        ctx.fillText(`${line.bar}.${line.beat}`, x + 3, RANGE_STRIP + 9);
      }
    }
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = ROLL_THEME.rulerTick;
  ctx.stroke(ticks);
  ctx.strokeStyle = ROLL_THEME.barLine;
  ctx.stroke(barMarks);

  // Time-signature changes after the first, as "3/4" at the change.
  ctx.fillStyle = ROLL_THEME.loop;
  for (const ts of project.timeSignatures.slice(1)) {
    const x = tickToX(view, ts.tick);
    if (x >= -20 && x <= view.width) ctx.fillText(`${ts.numerator}/${ts.denominator}`, x + 4, height - 8);
  }

  fillTickRange(ctx, view, scene.seedRange, ROLL_THEME.seedEdge, RANGE_STRIP - 1);
  fillTickRange(ctx, view, scene.loop, ROLL_THEME.loop, RANGE_STRIP - 1);
  ctx.fillStyle = ROLL_THEME.barLine;
  ctx.fillRect(0, height - 1, view.width, 1);
}

/** The playhead's marker on the ruler: a small downward triangle and a line. */
export function drawRulerPlayhead(
  ctx: CanvasRenderingContext2D,
  view: RollViewport,
  tick: Ticks,
  height: number,
): void {
  ctx.clearRect(0, 0, view.width, height);
  const x = Math.round(tickToX(view, tick));
  if (x < -8 || x > view.width + 8) return;
  ctx.fillStyle = ROLL_THEME.playhead;
  ctx.beginPath();
  ctx.moveTo(x - 6, height - 12);
  ctx.lineTo(x + 6, height - 12);
  ctx.lineTo(x, height - 4);
  ctx.closePath();
  ctx.fill();
  ctx.fillRect(x - 0.5, height - 5, 1.5, 5);
}
