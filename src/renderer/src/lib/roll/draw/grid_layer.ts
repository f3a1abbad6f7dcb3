import { gridLines } from '../../../../../shared/project/time.ts';
import type { Ticks } from '../../../../../shared/project/types.ts';
import {
  isBlackKey,
  pitchToY,
  tickToX,
  visiblePitches,
  visibleTicks,
  type RollViewport,
} from '../viewport.ts';
import { barStride, beatsFit, fillTickRange, MIN_LINE_GAP } from './time_axis.ts';
import type { RollScene } from './scene.ts';
import { ROLL_THEME } from './theme.ts';

/**
 * The subdivision the grid draws at this zoom: the snap step when its lines are far enough
 * apart, else none (beats and bars only).
 */
export function drawnSubdivision(view: RollViewport, grid: Ticks | null): Ticks | null {
  if (grid === null) return null;
  return grid * view.pxPerTick >= MIN_LINE_GAP ? grid : null;
}

/** Rows (black keys darker, octave lines), seed and loop shading, then bar/beat/grid lines. */
export function drawGrid(ctx: CanvasRenderingContext2D, scene: RollScene): void {
  const { view } = scene;
  const { width, height, rowHeight } = view;
  ctx.fillStyle = ROLL_THEME.background;
  ctx.fillRect(0, 0, width, height);

  const { low, high } = visiblePitches(view);
  ctx.fillStyle = ROLL_THEME.blackKeyRow;
  ctx.beginPath();
  for (let pitch = low; pitch <= high; pitch++) {
    if (isBlackKey(pitch)) ctx.rect(0, pitchToY(view, pitch), width, rowHeight);
  }
  ctx.fill();
  if (rowHeight >= 8) {
    ctx.strokeStyle = ROLL_THEME.rowLine;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let pitch = low; pitch <= high; pitch++) {
      const y = Math.round(pitchToY(view, pitch) + rowHeight) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = ROLL_THEME.octaveLine;
  ctx.beginPath();
  for (let pitch = low; pitch <= high; pitch++) {
    if (pitch % 12 !== 0) continue;
    const y = Math.round(pitchToY(view, pitch) + rowHeight) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
  }
  ctx.stroke();

  fillTickRange(ctx, view, scene.loop, ROLL_THEME.loopShade, view.height);
  if (scene.seedRange) {
    fillTickRange(ctx, view, scene.seedRange, ROLL_THEME.seedShade, view.height);
    ctx.strokeStyle = ROLL_THEME.seedEdge;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    for (const tick of [scene.seedRange.startTick, scene.seedRange.endTick]) {
      const x = Math.round(tickToX(view, tick)) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }

  drawTimeLines(ctx, scene, height);
}

/** Vertical bar, beat and grid lines over the full height; bars thinned out when zoomed far out. */
export function drawTimeLines(ctx: CanvasRenderingContext2D, scene: RollScene, height: number): void {
  const { view } = scene;
  const { from, to } = visibleTicks(view);
  const sub = drawnSubdivision(view, scene.grid);
  const beats = beatsFit(view);
  // When bars themselves crowd, draw every 2nd, 4th, ... bar.
  const stride = barStride(view, MIN_LINE_GAP * 2);
  const lines = gridLines(scene.project.timeSignatures, Math.max(0, from), to, beats ? sub : null);
  const paths = { bar: new Path2D(), beat: new Path2D(), sub: new Path2D() };
  for (const line of lines) {
    if (line.kind !== 'bar' && !beats) continue;
    if (line.kind === 'bar' && (line.bar - 1) % stride !== 0) continue;
    const x = Math.round(tickToX(view, line.tick)) + 0.5;
    paths[line.kind].moveTo(x, 0);
    paths[line.kind].lineTo(x, height);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = ROLL_THEME.subLine;
  ctx.stroke(paths.sub);
  ctx.strokeStyle = ROLL_THEME.beatLine;
  ctx.stroke(paths.beat);
  ctx.strokeStyle = ROLL_THEME.barLine;
  ctx.stroke(paths.bar);
}
