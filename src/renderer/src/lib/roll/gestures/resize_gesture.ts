import type { NoteId, ProjectNote, Ticks } from '../../../../../shared/project/types.ts';
import { xToTick } from '../viewport.ts';
import { notesById, type Gesture, type GestureContext, type RollPointer } from './gesture.ts';

/**
 * Drags the start or end of the selected notes: the grabbed note's edge snaps to the grid (Alt:
 * free) and the others move by the same amount; no note gets shorter than one tick (or one grid
 * step when snapping). One edit on release.
 */
export function resizeGesture(
  ctx: GestureContext,
  grabbed: ProjectNote,
  noteIds: ReadonlySet<NoteId>,
  edge: 'start' | 'end',
  down: RollPointer,
): Gesture {
  const notes = notesById(ctx.track, noteIds);
  const shortest = Math.min(...notes.map((n) => n.duration), grabbed.duration);
  const earliest = Math.min(...notes.map((n) => n.start), grabbed.start);
  const downTick = xToTick(ctx.view, down.x);
  const edgeTick = edge === 'end' ? grabbed.start + grabbed.duration : grabbed.start;
  let deltaTicks = 0;

  function follow(pointer: RollPointer): void {
    const raw = xToTick(ctx.view, pointer.x) - downTick;
    const minLength: Ticks = pointer.alt || ctx.grid === null ? 1 : Math.min(ctx.grid, shortest);
    const target = ctx.snap(edgeTick + raw, 'nearest', pointer.alt);
    let delta = target - edgeTick;
    if (edge === 'end') delta = Math.max(delta, minLength - shortest);
    else delta = Math.max(-earliest, Math.min(delta, shortest - minLength));
    deltaTicks = delta;
    ctx.setPreview({ kind: 'resize', noteIds, edge, deltaTicks });
  }

  ctx.setPreview({ kind: 'resize', noteIds, edge, deltaTicks: 0 });
  return {
    move: follow,
    end(pointer) {
      follow(pointer);
      ctx.setPreview(undefined);
      const track = ctx.track;
      if (!track || deltaTicks === 0) return;
      ctx.apply({ type: 'resizeNotes', trackId: track.id, noteIds: [...noteIds], edge, deltaTicks });
      if (edge === 'end') ctx.rememberNote(grabbed.duration + deltaTicks, grabbed.velocity);
    },
    cancel() {
      ctx.setPreview(undefined);
    },
  };
}
