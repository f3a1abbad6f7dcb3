import { forEachNoteIn, noteIndex } from '../note_index.ts';
import { velocityToLaneY } from '../gestures/velocity_gesture.ts';
import { tickToX, visibleTicks } from '../viewport.ts';
import { isDense } from './pixel_runs.ts';
import { previewNote, type RollScene } from './scene.ts';
import { lighten, ROLL_THEME } from './theme.ts';

/** The velocity lane: a stem per visible note of the active track, at its start, as tall as its velocity. */
export function drawVelocityLane(ctx: CanvasRenderingContext2D, scene: RollScene, height: number): void {
  const { view } = scene;
  ctx.fillStyle = ROLL_THEME.laneBackground;
  ctx.fillRect(0, 0, view.width, height);
  ctx.strokeStyle = ROLL_THEME.laneLine;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const v of [32, 64, 96]) {
    const y = Math.round(velocityToLaneY(v, height)) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(view.width, y);
  }
  ctx.stroke();
  const track = scene.project.tracks.find((t) => t.id === scene.activeTrackId);
  if (!track) return;
  const { from, to } = visibleTicks(view);
  const preview = scene.preview?.kind === 'velocity' ? scene.preview : undefined;
  if (isDense(view.pxPerTick)) {
    drawDenseStems(ctx, scene, height, from, to, preview);
    return;
  }
  const stems = new Path2D();
  const heads = new Path2D();
  const selectedStems = new Path2D();
  const selectedHeads = new Path2D();
  forEachNoteIn(noteIndex(track.notes), from, to, 0, 127, (original) => {
    if (original.start < from) return;
    const note = previewNote(original, preview);
    const x = Math.round(tickToX(view, note.start)) + 0.5;
    const y = velocityToLaneY(note.velocity, height);
    const selected = scene.selection.has(note.id);
    const stem = selected ? selectedStems : stems;
    stem.moveTo(x, height);
    stem.lineTo(x, y);
    (selected ? selectedHeads : heads).rect(x - 2.5, y - 1.5, 5, 3);
  });
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = track.colour;
  ctx.fillStyle = track.colour;
  ctx.stroke(stems);
  ctx.fill(heads);
  ctx.strokeStyle = lighten(track.colour, 0.6);
  ctx.fillStyle = ROLL_THEME.selectionStroke;
  ctx.stroke(selectedStems);
  ctx.fill(selectedHeads);
  ctx.fillStyle = ROLL_THEME.barLine;
  ctx.fillRect(0, 0, view.width, 1);
}

/**
 * Zoomed far out: one bar per pixel column, as tall as the loudest note starting in it (the
 * selected notes' columns lighter), instead of a stem per note.
 */
function drawDenseStems(
  ctx: CanvasRenderingContext2D,
  scene: RollScene,
  height: number,
  from: number,
  to: number,
  preview: Parameters<typeof previewNote>[1],
): void {
  const { view } = scene;
  const track = scene.project.tracks.find((t) => t.id === scene.activeTrackId);
  if (!track) return;
  const width = Math.ceil(view.width);
  const loudest = new Uint8Array(width);
  const selected = new Uint8Array(width);
  forEachNoteIn(noteIndex(track.notes), from, to, 0, 127, (original) => {
    if (original.start < from) return;
    const note = previewNote(original, preview);
    const x = Math.floor(tickToX(view, note.start));
    if (x < 0 || x >= width) return;
    const column = scene.selection.has(note.id) ? selected : loudest;
    if (note.velocity > column[x]) column[x] = note.velocity;
  });
  for (const [column, colour] of [
    [loudest, track.colour],
    [selected, lighten(track.colour, 0.6)],
  ] as const) {
    ctx.fillStyle = colour;
    for (let x = 0; x < width; x++) {
      if (column[x] === 0) continue;
      const y = Math.round(velocityToLaneY(column[x], height));
      ctx.fillRect(x, y, 1, height - y);
    }
  }
  ctx.fillStyle = ROLL_THEME.barLine;
  ctx.fillRect(0, 0, view.width, 1);
}
