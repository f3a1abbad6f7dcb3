/** Why an edit was refused, and the checks every edit shares. */
import type { ControllerEvent, ProjectNote, Track, TrackId, Project } from './types.ts';

/** An edit that names something that is not there, or would make an invalid project. */
export class EditError extends Error {
  override name = 'EditError';
}

/** The track with this id, or an EditError. */
export function findTrack(project: Project, trackId: TrackId): { track: Track; index: number } {
  const index = project.tracks.findIndex((t) => t.id === trackId);
  if (index < 0) throw new EditError(`No track with id ${trackId}`);
  return { track: project.tracks[index], index };
}

function isIntIn(value: unknown, lo: number, hi: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi;
}

/** Throws unless `value` is a whole number in [lo, hi]. */
export function checkInt(what: string, value: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): number {
  if (!isIntIn(value, lo, hi)) {
    const range = hi === Number.MAX_SAFE_INTEGER ? `a whole number >= ${lo}` : `a whole number ${lo}..${hi}`;
    throw new EditError(`${what} must be ${range}, got ${String(value)}`);
  }
  return value;
}

/** Throws unless the note's values are valid: pitch 0..127, velocity 1..127, start >= 0, duration >= 1. */
export function checkNote(note: ProjectNote): ProjectNote {
  if (typeof note.id !== 'string' || !note.id) throw new EditError('A note has no id');
  checkInt('Pitch', note.pitch, 0, 127);
  checkInt('Velocity', note.velocity, 1, 127);
  checkInt('Start', note.start, 0);
  checkInt('Duration', note.duration, 1);
  return note;
}

/** Throws unless a controller event is valid (tick >= 0, controller and value 0..127). */
export function checkController(event: ControllerEvent): ControllerEvent {
  checkInt('Controller tick', event.tick, 0);
  checkInt('Controller number', event.controller, 0, 127);
  checkInt('Controller value', event.value, 0, 127);
  return event;
}

/** Throws unless `name` has something besides spaces (at most 200 characters). */
export function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || !name.trim() || name.length > 200)
    throw new EditError(`${what} must be 1..200 characters, not blank`);
  return name;
}
