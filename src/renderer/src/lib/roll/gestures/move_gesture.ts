import type { NoteId, ProjectNote } from '../../../../../shared/project/types.ts';
import { noteExtent } from '../note_index.ts';
import { xToTick, yToPitch } from '../viewport.ts';
import { notesById, type Gesture, type GestureContext, type RollPointer } from './gesture.ts';

/**
 * Drags the selection: time snaps so the grabbed note's start lands on the grid (Alt: free),
 * pitch follows the rows. Ctrl at release copies instead of moving. One edit on release.
 */
export function moveGesture(
  ctx: GestureContext,
  grabbed: ProjectNote,
  noteIds: ReadonlySet<NoteId>,
  down: RollPointer,
): Gesture {
  const extent = noteExtent(notesById(ctx.track, noteIds)) ?? {
    start: grabbed.start,
    end: grabbed.start + grabbed.duration,
    low: grabbed.pitch,
    high: grabbed.pitch,
  };
  const downTick = xToTick(ctx.view, down.x);
  const downPitch = yToPitch(ctx.view, down.y);
  let deltaTicks = 0;
  let deltaPitch = 0;

  function follow(pointer: RollPointer): void {
    const raw = xToTick(ctx.view, pointer.x) - downTick;
    const start = ctx.snap(grabbed.start + raw, 'nearest', pointer.alt);
    const ticks = Math.max(start - grabbed.start, -extent.start);
    const pitch = Math.min(
      127 - extent.high,
      Math.max(-extent.low, yToPitch(ctx.view, pointer.y) - downPitch),
    );
    if (pitch !== deltaPitch) ctx.audition(grabbed.pitch + pitch, grabbed.velocity);
    deltaTicks = ticks;
    deltaPitch = pitch;
    ctx.setPreview({ kind: 'move', noteIds, deltaTicks, deltaPitch, copy: pointer.ctrl });
  }

  ctx.setPreview({ kind: 'move', noteIds, deltaTicks: 0, deltaPitch: 0, copy: false });
  return {
    move: follow,
    end(pointer) {
      follow(pointer);
      ctx.setPreview(undefined);
      const track = ctx.track;
      if (!track || (deltaTicks === 0 && deltaPitch === 0)) return;
      const ids = [...noteIds];
      if (pointer.ctrl) {
        const newIds = ids.map(() => ctx.newNoteId());
        const edits = [
          {
            type: 'duplicateNotes' as const,
            trackId: track.id,
            noteIds: ids,
            offsetTicks: deltaTicks,
            newIds,
          },
        ];
        ctx.apply(
          deltaPitch === 0
            ? edits[0]
            : {
                type: 'batch',
                label: 'Copy notes',
                edits: [
                  ...edits,
                  { type: 'moveNotes', trackId: track.id, noteIds: newIds, deltaTicks: 0, deltaPitch },
                ],
              },
        );
        ctx.select(new Set(newIds));
        return;
      }
      ctx.apply({ type: 'moveNotes', trackId: track.id, noteIds: ids, deltaTicks, deltaPitch });
    },
    cancel() {
      ctx.setPreview(undefined);
    },
  };
}
