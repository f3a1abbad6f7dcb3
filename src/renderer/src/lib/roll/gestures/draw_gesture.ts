import type { ProjectNote } from '../../../../../shared/project/types.ts';
import { xToTick, yToPitch } from '../viewport.ts';
import type { Gesture, GestureContext, RollPointer } from './gesture.ts';

/**
 * Draws a note: it starts on the grid line at or before the pointer (Alt: exactly there), and
 * dragging right sets its length (a click gives the last drawn length). One edit on release;
 * the new note becomes the selection.
 */
export function drawGesture(ctx: GestureContext, down: RollPointer): Gesture {
  const pitch = yToPitch(ctx.view, down.y);
  const start = ctx.snap(xToTick(ctx.view, down.x), 'floor', down.alt);
  const velocity = ctx.newNoteVelocity;
  let note: ProjectNote = { id: ctx.newNoteId(), pitch, velocity, start, duration: ctx.newNoteLength };
  let dragged = false;
  ctx.audition(pitch, velocity);

  function follow(pointer: RollPointer): void {
    const tick = xToTick(ctx.view, pointer.x);
    if (!dragged && Math.abs(pointer.x - down.x) < 3) return;
    dragged = true;
    const end = ctx.snap(tick, 'nearest', pointer.alt);
    const minimum = pointer.alt || ctx.grid === null ? 1 : ctx.grid;
    note = { ...note, duration: Math.max(minimum, end - start) };
    ctx.setPreview({ kind: 'draw', note });
  }

  ctx.setPreview({ kind: 'draw', note });
  return {
    move: follow,
    end(pointer) {
      follow(pointer);
      ctx.setPreview(undefined);
      const drawn = note;
      ctx.editTrack((trackId) => ({ type: 'addNotes', trackId, notes: [drawn] }));
      ctx.select(new Set([drawn.id]));
      if (dragged) ctx.rememberNote(drawn.duration, drawn.velocity);
    },
    cancel() {
      ctx.setPreview(undefined);
    },
  };
}
