import type { NoteId, ProjectNote, Velocity } from '../../../../../shared/project/types.ts';
import { forEachNoteIn } from '../note_index.ts';
import { tickToX, xToTick } from '../viewport.ts';
import type { Gesture, GestureContext, RollPointer } from './gesture.ts';

/** Velocity at a height in the lane: 127 at the top, 1 at the bottom. */
export function laneVelocity(y: number, laneHeight: number): Velocity {
  const value = Math.round((1 - y / Math.max(1, laneHeight)) * 127);
  return Math.min(127, Math.max(1, value));
}

/** y of a velocity's bar top in the lane. */
export function velocityToLaneY(velocity: Velocity, laneHeight: number): number {
  return (1 - velocity / 127) * laneHeight;
}

/** Grab distance from a velocity stem, CSS pixels. */
const GRAB_PX = 6;

/** The active track's note whose velocity stem (at its start) is nearest x, within reach. */
export function stemAt(ctx: GestureContext, x: number): ProjectNote | undefined {
  const view = ctx.view;
  let best: ProjectNote | undefined;
  let bestDistance = GRAB_PX + 1;
  forEachNoteIn(ctx.index, xToTick(view, x - GRAB_PX), xToTick(view, x + GRAB_PX), 0, 127, (note) => {
    const distance = Math.abs(tickToX(view, note.start) - x);
    // Prefer selected notes when stems coincide (a chord).
    const better =
      distance < bestDistance ||
      (distance === bestDistance &&
        best !== undefined &&
        ctx.selection.has(note.id) &&
        !ctx.selection.has(best.id));
    if (better) {
      best = note;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * Drags in the velocity lane: the stem grabbed (or, when it is selected or nothing is grabbed,
 * the whole selection) takes the velocity of the pointer's height. One edit on release.
 */
export function velocityGesture(ctx: GestureContext, down: RollPointer, laneHeight: number): Gesture {
  const grabbed = stemAt(ctx, down.x);
  let noteIds: ReadonlySet<NoteId>;
  if (grabbed && !ctx.selection.has(grabbed.id)) noteIds = new Set([grabbed.id]);
  else noteIds = ctx.selection;
  let velocity = laneVelocity(down.y, laneHeight);

  function follow(pointer: RollPointer): void {
    velocity = laneVelocity(pointer.y, laneHeight);
    ctx.setPreview({ kind: 'velocity', noteIds, velocity });
  }

  follow(down);
  return {
    move: follow,
    end(pointer) {
      follow(pointer);
      ctx.setPreview(undefined);
      const track = ctx.track;
      if (!track || noteIds.size === 0) return;
      ctx.apply({ type: 'setVelocity', trackId: track.id, noteIds: [...noteIds], velocity });
      if (grabbed) ctx.audition(grabbed.pitch, velocity);
    },
    cancel() {
      ctx.setPreview(undefined);
    },
  };
}
