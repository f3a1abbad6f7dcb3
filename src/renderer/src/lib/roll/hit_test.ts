import type { NoteId, ProjectNote } from '../../../../shared/project/types.ts';
import { forEachNoteIn, type NoteIndex } from './note_index.ts';
import { pitchToY, tickToX, xToTick, yToPitch, type RollViewport } from './viewport.ts';

/** Which part of a note the pointer is over: its body (move) or an edge (resize). */
export type NoteZone = 'body' | 'start' | 'end';

export interface NoteHit {
  note: ProjectNote;
  zone: NoteZone;
}

/** Edge grab width in CSS pixels (at most a third of a short note, so its body stays grabbable). */
const EDGE_PX = 6;

/** The note under (x, y), the last drawn (topmost) when several overlap, and the part hit. */
export function hitNote(view: RollViewport, index: NoteIndex, x: number, y: number): NoteHit | undefined {
  const pitch = yToPitch(view, y);
  const tick = xToTick(view, x);
  let found: ProjectNote | undefined;
  forEachNoteIn(index, tick, tick + 1e-6, pitch, pitch, (note) => {
    found = note;
  });
  if (!found) return undefined;
  const left = tickToX(view, found.start);
  const right = tickToX(view, found.start + found.duration);
  const edge = Math.min(EDGE_PX, (right - left) / 3);
  const zone: NoteZone = x >= right - edge ? 'end' : x <= left + edge && right - left > 12 ? 'start' : 'body';
  return { note: found, zone };
}

/** A rectangle in note-area pixels, corners in any order. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Ids of the notes whose drawn rectangle meets a rubber band. */
export function notesInRect(view: RollViewport, index: NoteIndex, rect: PixelRect): Set<NoteId> {
  const left = Math.min(rect.x0, rect.x1);
  const right = Math.max(rect.x0, rect.x1);
  const top = Math.min(rect.y0, rect.y1);
  const bottom = Math.max(rect.y0, rect.y1);
  const high = yToPitch(view, top);
  const low = yToPitch(view, bottom);
  const ids = new Set<NoteId>();
  forEachNoteIn(index, xToTick(view, left), xToTick(view, right) + 1e-6, low, high, (note) => {
    const y = pitchToY(view, note.pitch);
    if (y + view.rowHeight >= top && y <= bottom) ids.add(note.id);
  });
  return ids;
}
