import type { NoteId } from '../../../../../shared/project/types.ts';
import { hitNote } from '../hit_test.ts';
import { drawGesture } from './draw_gesture.ts';
import { eraseGesture } from './erase_gesture.ts';
import type { Gesture, GestureContext, RollPointer, RollTool } from './gesture.ts';
import { moveGesture } from './move_gesture.ts';
import { resizeGesture } from './resize_gesture.ts';
import { rubberBandGesture } from './select_gesture.ts';

/**
 * The gesture a press in the note area starts, chosen by the tool and what is under the pointer.
 * On a note, select and draw both grab it (body: move, edge: resize) as in Signal; `secondary`
 * (the right button) erases with any tool.
 */
export function beginGesture(
  tool: RollTool,
  ctx: GestureContext,
  down: RollPointer,
  secondary = false,
): Gesture {
  if (tool === 'erase' || secondary) return eraseGesture(ctx, down);
  const hit = hitNote(ctx.view, ctx.index, down.x, down.y);
  if (!hit) return tool === 'draw' ? drawGesture(ctx, down) : rubberBandGesture(ctx, down);

  const id = hit.note.id;
  let selection: ReadonlySet<NoteId> = ctx.selection;
  if (down.shift) {
    const toggled = new Set(selection);
    if (toggled.has(id)) toggled.delete(id);
    else toggled.add(id);
    selection = toggled;
    ctx.select(selection);
    // Shift-clicking a note out of the selection leaves nothing to drag.
    if (!selection.has(id)) return { move() {}, end() {}, cancel() {} };
  } else if (!selection.has(id)) {
    selection = new Set([id]);
    ctx.select(selection);
  }
  ctx.audition(hit.note.pitch, hit.note.velocity);
  if (hit.zone === 'body') return moveGesture(ctx, hit.note, selection, down);
  return resizeGesture(ctx, hit.note, selection, hit.zone, down);
}

/** The cursor the note area shows at a point, for the tool and what is under it. */
export function cursorFor(tool: RollTool, ctx: GestureContext, x: number, y: number): string {
  if (tool === 'erase') return 'not-allowed';
  const hit = hitNote(ctx.view, ctx.index, x, y);
  if (hit) return hit.zone === 'body' ? 'move' : 'ew-resize';
  return tool === 'draw' ? 'crosshair' : 'default';
}
