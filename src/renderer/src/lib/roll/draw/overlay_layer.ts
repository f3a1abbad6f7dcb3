import type { NoteId, ProjectNote, Track } from '../../../../../shared/project/types.ts';
import { notesById } from '../gestures/gesture.ts';
import { tickToX } from '../viewport.ts';
import { drawFloatingNotes, noteRect } from './notes_layer.ts';
import { previewNote, type RollScene } from './scene.ts';
import { ROLL_THEME } from './theme.ts';

/** The last lookup of a gesture's notes, so a drag does not search the track every frame. */
let memo: { notes: readonly ProjectNote[]; ids: ReadonlySet<NoteId>; found: ProjectNote[] } | undefined;

function gestureNotes(track: Track | undefined, ids: ReadonlySet<NoteId>): ProjectNote[] {
  if (!track) return [];
  if (memo && memo.notes === track.notes && memo.ids === ids) return memo.found;
  const found = notesById(track, ids);
  memo = { notes: track.notes, ids, found };
  return found;
}

/**
 * Canvases known to be blank: clearing one again would still make the browser re-upload it, so
 * an empty overlay or an off-screen playhead costs nothing per frame.
 */
const blank = new WeakSet<CanvasRenderingContext2D>();

/** Clears a layer unless it is blank already (a resize blanks it: its size is part of the key). */
function clear(ctx: CanvasRenderingContext2D, width: number, height: number, stayBlank: boolean): void {
  const size = `${ctx.canvas.width}x${ctx.canvas.height}`;
  const known = blank.has(ctx) && ctx.canvas.dataset['blankSize'] === size;
  if (!known) ctx.clearRect(0, 0, width, height);
  if (!stayBlank) blank.delete(ctx);
  else if (!known) {
    blank.add(ctx);
    ctx.canvas.dataset['blankSize'] = size;
  }
}

/** What a gesture in progress shows: dragged or drawn notes, the rubber band, notes to erase. */
export function drawOverlay(ctx: CanvasRenderingContext2D, scene: RollScene): void {
  const { view, preview } = scene;
  clear(ctx, view.width, view.height, !preview || preview.kind === 'velocity');
  if (!preview) return;
  const track = scene.project.tracks.find((t) => t.id === scene.activeTrackId);
  const colour = track?.colour ?? '#4f8cff';
  switch (preview.kind) {
    case 'move':
    case 'resize':
      drawFloatingNotes(
        ctx,
        view,
        gestureNotes(track, preview.noteIds).map((note) => previewNote(note, preview)),
        colour,
      );
      break;
    case 'draw':
      drawFloatingNotes(ctx, view, [preview.note], colour);
      break;
    case 'erase': {
      ctx.strokeStyle = ROLL_THEME.playhead;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 2]);
      for (const note of gestureNotes(track, preview.noteIds)) {
        const r = noteRect(view, note);
        ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
      }
      ctx.setLineDash([]);
      break;
    }
    case 'rubber': {
      const { x0, y0, x1, y1 } = preview.rect;
      const x = Math.min(x0, x1);
      const y = Math.min(y0, y1);
      ctx.fillStyle = ROLL_THEME.rubberFill;
      ctx.fillRect(x, y, Math.abs(x1 - x0), Math.abs(y1 - y0));
      ctx.strokeStyle = ROLL_THEME.rubberStroke;
      ctx.lineWidth = 1;
      ctx.strokeRect(
        Math.round(x) + 0.5,
        Math.round(y) + 0.5,
        Math.round(Math.abs(x1 - x0)),
        Math.round(Math.abs(y1 - y0)),
      );
      break;
    }
    case 'velocity':
      break;
  }
}

/** The playhead: a line across the note area (its own layer, so moving it redraws nothing else). */
export function drawPlayhead(ctx: CanvasRenderingContext2D, scene: RollScene): void {
  const { view } = scene;
  const x = Math.round(tickToX(view, scene.playheadTick));
  const offScreen = x < -2 || x > view.width + 2;
  clear(ctx, view.width, view.height, offScreen);
  if (offScreen) return;
  ctx.fillStyle = ROLL_THEME.playhead;
  ctx.fillRect(x - 0.5, 0, 1.5, view.height);
}
