import type { NoteId } from '../../../../../shared/project/types.ts';
import { hitNote } from '../hit_test.ts';
import type { Gesture, GestureContext, RollPointer } from './gesture.ts';

/** Erases the note under the pointer and every note it is dragged across; one edit on release. */
export function eraseGesture(ctx: GestureContext, down: RollPointer): Gesture {
  const marked = new Set<NoteId>();
  let last = down;

  function mark(pointer: RollPointer): void {
    // Sample the path between pointer events, so a fast drag misses no short note.
    const steps = Math.max(1, Math.ceil(Math.hypot(pointer.x - last.x, pointer.y - last.y) / 3));
    for (let i = 1; i <= steps; i++) {
      const x = last.x + ((pointer.x - last.x) * i) / steps;
      const y = last.y + ((pointer.y - last.y) * i) / steps;
      const hit = hitNote(ctx.view, ctx.index, x, y);
      if (hit) marked.add(hit.note.id);
    }
    last = pointer;
    ctx.setPreview({ kind: 'erase', noteIds: new Set(marked) });
  }

  const first = hitNote(ctx.view, ctx.index, down.x, down.y);
  if (first) marked.add(first.note.id);
  ctx.setPreview({ kind: 'erase', noteIds: new Set(marked) });
  return {
    move: mark,
    end(pointer) {
      mark(pointer);
      ctx.setPreview(undefined);
      const track = ctx.track;
      if (!track || marked.size === 0) return;
      ctx.apply({ type: 'deleteNotes', trackId: track.id, noteIds: [...marked] });
      const kept = new Set([...ctx.selection].filter((id) => !marked.has(id)));
      if (kept.size !== ctx.selection.size) ctx.select(kept);
    },
    cancel() {
      ctx.setPreview(undefined);
    },
  };
}
