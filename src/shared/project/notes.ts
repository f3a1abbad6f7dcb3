/** The order of a track's notes, shared by every module that adds or moves notes. */
import type { ProjectNote } from './types.ts';

/** Start, then pitch, then duration, then id: a total order, so sorting is deterministic. */
export function compareProjectNotes(a: ProjectNote, b: ProjectNote): number {
  return (
    a.start - b.start ||
    a.pitch - b.pitch ||
    a.duration - b.duration ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** A sorted copy of a note list. */
export function sortedNotes(notes: readonly ProjectNote[]): ProjectNote[] {
  return [...notes].sort(compareProjectNotes);
}
