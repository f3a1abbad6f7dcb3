import type { NoteId, ProjectNote, Track } from '../../../../../shared/project/types.ts';
import { forEachNoteIn, noteIndex } from '../note_index.ts';
import {
  pitchName,
  pitchToY,
  tickToX,
  visiblePitches,
  visibleTicks,
  type RollViewport,
} from '../viewport.ts';
import { isDense, PixelRuns } from './pixel_runs.ts';
import { liftedNotes, type RollScene } from './scene.ts';
import { darken, lighten, ROLL_THEME } from './theme.ts';

/** Velocity shades of a track's notes: soft notes paler. */
const VELOCITY_BUCKETS = 4;
/** Label notes only when this few are visible (text is the slow part of a frame). */
const MAX_LABELLED = 500;

/** How strongly a track's notes show: the active track fully, others as ghosts, muted faintly. */
export function trackAlpha(track: Track, active: boolean, anySolo: boolean): number {
  const silent = track.mute || (anySolo && !track.solo);
  if (active) return silent ? 0.55 : 1;
  return silent ? 0.14 : 0.38;
}

/** The rectangle a note is drawn in: at least 2 px wide, a pixel short of the next row. */
export function noteRect(
  view: RollViewport,
  note: ProjectNote,
): { x: number; y: number; w: number; h: number } {
  const x = tickToX(view, note.start);
  const w = Math.max(2, note.duration * view.pxPerTick - 1);
  const y = pitchToY(view, note.pitch);
  return { x, y: y + 0.5, w, h: Math.max(1, view.rowHeight - 1) };
}

/** Adds a note's shape to a path: rounded when it is big enough to show it (cheap when tiny). */
function addNoteShape(path: Path2D, x: number, y: number, w: number, h: number): void {
  if (w >= 6 && h >= 6) path.roundRect(x, y, w, h, 2);
  else path.rect(x, y, w, h);
}

/**
 * Every visible note of every track, the active track on top with borders, selection and
 * labels; other tracks as ghosts in their own colours. Notes a gesture lifts are left out
 * (the overlay draws them).
 */
export function drawNotes(ctx: CanvasRenderingContext2D, scene: RollScene): number {
  const { view, project } = scene;
  ctx.clearRect(0, 0, view.width, view.height);
  const { from, to } = visibleTicks(view);
  const { low, high } = visiblePitches(view);
  const anySolo = project.tracks.some((t) => t.solo);
  const lifted = liftedNotes(scene.preview);
  let drawn = 0;
  const active = project.tracks.find((t) => t.id === scene.activeTrackId);
  const dense = isDense(view.pxPerTick);
  for (const track of project.tracks) {
    if (track === active) continue;
    ctx.globalAlpha = trackAlpha(track, false, anySolo);
    ctx.fillStyle = track.colour;
    if (dense) {
      drawn += drawRuns(ctx, view, track, from, to, low, high, undefined, () => true);
      continue;
    }
    ctx.beginPath();
    forEachNoteIn(noteIndex(track.notes), from, to, low, high, (note) => {
      const r = noteRect(view, note);
      ctx.rect(r.x, r.y, r.w, r.h);
      drawn++;
    });
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  if (active) drawn += drawTrackNotes(ctx, scene, active, trackAlpha(active, true, anySolo), lifted);
  return drawn;
}

function drawTrackNotes(
  ctx: CanvasRenderingContext2D,
  scene: RollScene,
  track: Track,
  alpha: number,
  lifted: ReadonlySet<NoteId> | undefined,
): number {
  const { view } = scene;
  const { from, to } = visibleTicks(view);
  const { low, high } = visiblePitches(view);
  if (isDense(view.pxPerTick)) return drawDenseTrack(ctx, scene, track, alpha, lifted);
  const buckets = Array.from({ length: VELOCITY_BUCKETS }, () => new Path2D());
  const selected = new Path2D();
  const borders = new Path2D();
  const visible: ProjectNote[] = [];
  let count = 0;
  forEachNoteIn(noteIndex(track.notes), from, to, low, high, (note) => {
    if (lifted?.has(note.id)) return;
    count++;
    const r = noteRect(view, note);
    if (scene.selection.has(note.id)) addNoteShape(selected, r.x, r.y, r.w, r.h);
    else {
      const bucket = Math.min(VELOCITY_BUCKETS - 1, Math.floor((note.velocity / 128) * VELOCITY_BUCKETS));
      addNoteShape(buckets[bucket], r.x, r.y, r.w, r.h);
    }
    if (r.w >= 4 && r.h >= 4) addNoteShape(borders, r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
    if (visible.length <= MAX_LABELLED) visible.push(note);
  });
  ctx.fillStyle = track.colour;
  buckets.forEach((path, bucket) => {
    ctx.globalAlpha = alpha * (0.5 + (0.5 * (bucket + 1)) / VELOCITY_BUCKETS);
    ctx.fill(path);
  });
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = darken(track.colour, 0.45);
  ctx.lineWidth = 1;
  ctx.stroke(borders);
  ctx.fillStyle = lighten(track.colour, 0.4);
  ctx.fill(selected);
  ctx.strokeStyle = ROLL_THEME.selectionStroke;
  ctx.stroke(selected);
  ctx.globalAlpha = 1;
  if (view.rowHeight >= 12 && count <= MAX_LABELLED) drawLabels(ctx, view, visible);
  return count;
}

/**
 * Notes of a track in view as merged whole-pixel runs (see PixelRuns), filled with the current
 * style; `keep` picks which notes. Returns how many notes it covered.
 */
function drawRuns(
  ctx: CanvasRenderingContext2D,
  view: RollViewport,
  track: Track,
  from: number,
  to: number,
  low: number,
  high: number,
  lifted: ReadonlySet<NoteId> | undefined,
  keep: (note: ProjectNote) => boolean,
): number {
  const h = Math.max(1, Math.round(view.rowHeight) - 1);
  const runs = new PixelRuns((pitch, x0, x1) =>
    ctx.fillRect(x0, Math.round(pitchToY(view, pitch)), x1 - x0, h),
  );
  let count = 0;
  forEachNoteIn(noteIndex(track.notes), from, to, low, high, (note) => {
    if (lifted?.has(note.id) || !keep(note)) return;
    count++;
    const x = tickToX(view, note.start);
    runs.add(note.pitch, x, x + note.duration * view.pxPerTick);
  });
  runs.flush();
  return count;
}

/** The active track zoomed far out: plain runs, then the selected notes' runs lighter on top. */
function drawDenseTrack(
  ctx: CanvasRenderingContext2D,
  scene: RollScene,
  track: Track,
  alpha: number,
  lifted: ReadonlySet<NoteId> | undefined,
): number {
  const { view, selection } = scene;
  const { from, to } = visibleTicks(view);
  const { low, high } = visiblePitches(view);
  ctx.globalAlpha = alpha * 0.9;
  ctx.fillStyle = track.colour;
  let count = drawRuns(ctx, view, track, from, to, low, high, lifted, (n) => !selection.has(n.id));
  if (selection.size > 0) {
    ctx.globalAlpha = alpha;
    ctx.fillStyle = lighten(track.colour, 0.7);
    count += drawRuns(ctx, view, track, from, to, low, high, lifted, (n) => selection.has(n.id));
  }
  ctx.globalAlpha = 1;
  return count;
}

/** Pitch names inside notes wide enough to hold them. */
function drawLabels(ctx: CanvasRenderingContext2D, view: RollViewport, notes: readonly ProjectNote[]): void {
  ctx.font = `${Math.min(11, view.rowHeight - 3)}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = ROLL_THEME.noteText;
  for (const note of notes) {
    const r = noteRect(view, note);
    if (r.w < 26) continue;
    ctx.fillText(pitchName(note.pitch), Math.max(r.x, 0) + 4, r.y + r.h / 2 + 0.5, r.w - 6);
  }
}

/** Notes the overlay draws for a gesture (moved, resized, drawn), lighter and outlined. */
export function drawFloatingNotes(
  ctx: CanvasRenderingContext2D,
  view: RollViewport,
  notes: readonly ProjectNote[],
  colour: string,
): void {
  const body = new Path2D();
  for (const note of notes) {
    const r = noteRect(view, note);
    if (r.x > view.width || r.x + r.w < 0) continue;
    addNoteShape(body, r.x, r.y, r.w, r.h);
  }
  ctx.globalAlpha = 0.9;
  ctx.fillStyle = lighten(colour, 0.35);
  ctx.fill(body);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = ROLL_THEME.selectionStroke;
  ctx.lineWidth = 1;
  ctx.stroke(body);
}
