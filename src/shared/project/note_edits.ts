/**
 * The note edits of `applyEdit`. Each returns the new track's notes (sorted) and the edit that
 * gives back the old ones; the notes it did not touch are shared, never changed.
 */
import { EditError, checkInt, checkNote } from './edit_error.ts';
import { compareProjectNotes } from './notes.ts';
import type { Edit, NoteId, ProjectNote, Ticks, Track } from './types.ts';

/** What a note edit gives: the track's new notes and the inverse edit. */
export interface NoteEditResult {
  notes: ProjectNote[];
  inverse: Edit;
}

/** Two sorted lists as one sorted list. */
function mergeSorted(a: readonly ProjectNote[], b: readonly ProjectNote[]): ProjectNote[] {
  const out: ProjectNote[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareProjectNotes(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** The track's notes with these ids, in the order asked; unknown or repeated ids are refused. */
export function pickNotes(track: Track, ids: readonly NoteId[]): ProjectNote[] {
  const wanted = new Set(ids);
  if (wanted.size !== ids.length) throw new EditError('A note is named twice');
  // One scan with a small set beats building a map of every note of a big track.
  const found = new Map<NoteId, ProjectNote>();
  for (const note of track.notes) if (wanted.has(note.id)) found.set(note.id, note);
  return ids.map((id) => {
    const note = found.get(id);
    if (!note) throw new EditError(`Track "${track.name}" has no note with id ${id}`);
    return note;
  });
}

/** The notes without those whose ids are in `removed`. */
function without(notes: readonly ProjectNote[], removed: ReadonlySet<NoteId>): ProjectNote[] {
  return notes.filter((n) => !removed.has(n.id));
}

/** Adds new notes (ids not yet in the track). */
export function addNotes(track: Track, notes: readonly ProjectNote[]): NoteEditResult {
  const existing = new Set(track.notes.map((n) => n.id));
  const added = notes.map((n) => {
    checkNote(n);
    if (existing.has(n.id)) throw new EditError(`Note id ${n.id} is already used`);
    existing.add(n.id);
    return { ...n };
  });
  added.sort(compareProjectNotes);
  return {
    notes: mergeSorted(track.notes, added),
    inverse: { type: 'deleteNotes', trackId: track.id, noteIds: added.map((n) => n.id) },
  };
}

export function deleteNotes(track: Track, noteIds: readonly NoteId[]): NoteEditResult {
  const removed = pickNotes(track, noteIds);
  return {
    notes: without(track.notes, new Set(noteIds)),
    inverse: { type: 'addNotes', trackId: track.id, notes: removed.map((n) => ({ ...n })) },
  };
}

/** Replaces `old` notes (picked from the track) by `updated` (same ids), keeping the order. */
function replaceNotes(
  track: Track,
  old: readonly ProjectNote[],
  updated: readonly ProjectNote[],
): NoteEditResult {
  const copies = updated.map((n) => ({ ...checkNote(n) })).sort(compareProjectNotes);
  return {
    notes: mergeSorted(without(track.notes, new Set(old.map((n) => n.id))), copies),
    inverse: { type: 'updateNotes', trackId: track.id, notes: old.map((n) => ({ ...n })) },
  };
}

/** Replaces notes by id; the inverse puts the old values back. */
export function updateNotes(track: Track, notes: readonly ProjectNote[]): NoteEditResult {
  const old = pickNotes(
    track,
    notes.map((n) => n.id),
  );
  return replaceNotes(track, old, notes);
}

/** Changes each named note with `change` (a copy), as one `updateNotes`. */
export function changeNotes(
  track: Track,
  noteIds: readonly NoteId[],
  change: (note: ProjectNote) => ProjectNote,
): NoteEditResult {
  const old = pickNotes(track, noteIds);
  return replaceNotes(track, old, old.map(change));
}

export function moveNotes(track: Track, noteIds: readonly NoteId[], deltaTicks: Ticks, deltaPitch: number) {
  checkInt('Move ticks', deltaTicks, -Number.MAX_SAFE_INTEGER);
  checkInt('Move pitch', deltaPitch, -127, 127);
  return changeNotes(track, noteIds, (n) => ({
    ...n,
    start: n.start + deltaTicks,
    pitch: n.pitch + deltaPitch,
  }));
}

/** Moves the end (or the start, keeping the end); a note keeps at least 1 tick and starts at >= 0. */
export function resizeNotes(
  track: Track,
  noteIds: readonly NoteId[],
  edge: 'start' | 'end',
  deltaTicks: Ticks,
) {
  checkInt('Resize ticks', deltaTicks, -Number.MAX_SAFE_INTEGER);
  return changeNotes(track, noteIds, (n) => {
    if (edge === 'end') return { ...n, duration: Math.max(1, n.duration + deltaTicks) };
    const end = n.start + n.duration;
    const start = Math.min(Math.max(0, n.start + deltaTicks), end - 1);
    return { ...n, start, duration: end - start };
  });
}

export function transposeNotes(track: Track, noteIds: readonly NoteId[], semitones: number) {
  checkInt('Transpose', semitones, -127, 127);
  return changeNotes(track, noteIds, (n) => ({ ...n, pitch: n.pitch + semitones }));
}

export function setVelocity(track: Track, noteIds: readonly NoteId[], velocity: number) {
  checkInt('Velocity', velocity, 1, 127);
  return changeNotes(track, noteIds, (n) => ({ ...n, velocity }));
}

/** Moves `tick` `strength` of the way to its nearest multiple of `grid` (whole ticks). */
function snap(tick: Ticks, grid: Ticks, strength: number): Ticks {
  const target = Math.round(tick / grid) * grid;
  return Math.round(tick + (target - tick) * strength);
}

export function quantizeNotes(
  track: Track,
  noteIds: readonly NoteId[],
  grid: Ticks,
  strength: number,
  mode: 'start' | 'startAndEnd',
) {
  if (!(typeof grid === 'number' && Number.isFinite(grid) && grid > 0))
    throw new EditError(`Quantize grid must be more than 0 ticks, got ${String(grid)}`);
  if (!(typeof strength === 'number' && strength >= 0 && strength <= 1))
    throw new EditError(`Quantize strength must be 0..1, got ${String(strength)}`);
  return changeNotes(track, noteIds, (n) => {
    const start = Math.max(0, snap(n.start, grid, strength));
    if (mode === 'start') return { ...n, start };
    const end = snap(n.start + n.duration, grid, strength);
    return { ...n, start, duration: Math.max(1, end - start) };
  });
}

/** Copies notes `offsetTicks` later under the new ids (same order as `noteIds`). */
export function duplicateNotes(
  track: Track,
  noteIds: readonly NoteId[],
  offsetTicks: Ticks,
  newIds: readonly NoteId[],
): NoteEditResult {
  if (newIds.length !== noteIds.length)
    throw new EditError(`Duplicate needs one new id per note (${noteIds.length}), got ${newIds.length}`);
  checkInt('Duplicate offset', offsetTicks, -Number.MAX_SAFE_INTEGER);
  const copies = pickNotes(track, noteIds).map((n, i) => ({
    ...n,
    id: newIds[i],
    start: n.start + offsetTicks,
  }));
  return addNotes(track, copies);
}

/** Pastes notes so the earliest starts at `atTick` (the others keep their distance to it). */
export function pasteNotes(track: Track, notes: readonly ProjectNote[], atTick: Ticks): NoteEditResult {
  checkInt('Paste position', atTick, 0);
  if (!notes.length) return addNotes(track, []);
  let first = Infinity;
  for (const n of notes) first = Math.min(first, n.start);
  return addNotes(
    track,
    notes.map((n) => ({ ...n, start: n.start - first + atTick })),
  );
}
