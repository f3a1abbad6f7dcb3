import type { NoteId } from '../../../../../shared/project/types.ts';
import { notesInRect } from '../hit_test.ts';
import type { Gesture, GestureContext, RollPointer } from './gesture.ts';

/**
 * A rubber band from an empty spot: the notes it meets become the selection (Shift: are added
 * to it). A click without a drag clears the selection (Shift: keeps it).
 */
export function rubberBandGesture(ctx: GestureContext, down: RollPointer): Gesture {
  const before = new Set(ctx.selection);
  let moved = false;

  function follow(pointer: RollPointer): void {
    if (!moved && Math.hypot(pointer.x - down.x, pointer.y - down.y) < 3) return;
    moved = true;
    const rect = { x0: down.x, y0: down.y, x1: pointer.x, y1: pointer.y };
    const inside = notesInRect(ctx.view, ctx.index, rect);
    ctx.select(down.shift ? new Set<NoteId>([...before, ...inside]) : inside);
    ctx.setPreview({ kind: 'rubber', rect });
  }

  return {
    move: follow,
    end(pointer) {
      follow(pointer);
      ctx.setPreview(undefined);
      if (!moved && !down.shift) ctx.select(new Set());
    },
    cancel() {
      ctx.setPreview(undefined);
      ctx.select(before);
    },
  };
}
