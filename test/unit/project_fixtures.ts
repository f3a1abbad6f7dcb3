/** Small projects for the project-model tests. */
import { newProject, newTrack } from '../../src/shared/project/create.ts';
import type { NoteId, Project, ProjectNote, Track, TrackId } from '../../src/shared/project/types.ts';

export const nid = (s: string): NoteId => s as NoteId;
export const tid = (s: string): TrackId => s as TrackId;

export function note(id: string, pitch: number, start: number, duration = 240, velocity = 80): ProjectNote {
  return { id: nid(id), pitch, start, duration, velocity };
}

/** Two tracks ("a": three notes, "b": one note, a take "t": two notes). */
export function sampleProject(): Project {
  const project = newProject('Sample');
  const a: Track = { ...newTrack('user', 'Piano'), id: tid('a') };
  a.notes = [note('a1', 60, 0), note('a2', 64, 480, 480, 90), note('a3', 67, 960)];
  const b: Track = { ...newTrack('user', 'Bass', 1), id: tid('b'), program: 32 };
  b.notes = [note('b1', 36, 0, 960)];
  b.controllers = [{ tick: 0, controller: 64, value: 127 }];
  const t: Track = { ...newTrack('take', 'Take 1'), id: tid('t') };
  t.notes = [note('t1', 72, 1920), note('t2', 74, 2160)];
  return { ...project, tracks: [a, b, t] };
}
