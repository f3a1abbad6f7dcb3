import type { NoteId, Project, ProjectNote, Ticks, TrackId } from '../../../../../shared/project/types.ts';
import type { RollPreview } from '../gestures/gesture.ts';
import type { RollViewport } from '../viewport.ts';

/** A range of ticks, [startTick, endTick). */
export interface TickRange {
  startTick: Ticks;
  endTick: Ticks;
}

/** Everything the roll's layers draw from. */
export interface RollScene {
  view: RollViewport;
  project: Project;
  activeTrackId: TrackId | undefined;
  selection: ReadonlySet<NoteId>;
  preview: RollPreview | undefined;
  playheadTick: Ticks;
  loop: TickRange | undefined;
  /** The range a continuation would be seeded from, shaded. */
  seedRange: TickRange | undefined;
  /** Snap step (null: grid off); the drawn grid follows it where it fits. */
  grid: Ticks | null;
  /** The key lit on the keyboard (auditioned). */
  litPitch: number | undefined;
  /** The row under the pointer, marked on the keyboard. */
  hoverPitch: number | undefined;
}

/** The note as the preview shows it (moved, resized or re-velocitied), or itself. */
export function previewNote(note: ProjectNote, preview: RollPreview | undefined): ProjectNote {
  if (!preview) return note;
  switch (preview.kind) {
    case 'move':
      if (!preview.noteIds.has(note.id)) return note;
      return { ...note, start: note.start + preview.deltaTicks, pitch: note.pitch + preview.deltaPitch };
    case 'resize': {
      if (!preview.noteIds.has(note.id)) return note;
      if (preview.edge === 'end')
        return { ...note, duration: Math.max(1, note.duration + preview.deltaTicks) };
      const start = Math.min(note.start + preview.deltaTicks, note.start + note.duration - 1);
      return { ...note, start, duration: note.start + note.duration - start };
    }
    case 'velocity':
      return preview.noteIds.has(note.id) ? { ...note, velocity: preview.velocity } : note;
    default:
      return note;
  }
}

/**
 * Notes the static notes layer leaves out because the overlay draws them (dragged notes) or the
 * gesture removes them (erased); a moved copy leaves the originals in place.
 */
export function liftedNotes(preview: RollPreview | undefined): ReadonlySet<NoteId> | undefined {
  if (!preview) return undefined;
  if (preview.kind === 'move') return preview.copy ? undefined : preview.noteIds;
  if (preview.kind === 'resize' || preview.kind === 'erase') return preview.noteIds;
  return undefined;
}
