/**
 * Track-level edits of `applyEdit`: controllers, adding, deleting, splitting and merging tracks.
 * Each returns the new track list and the edit that gives back the old one.
 */
import { EditError, checkController, checkInt, checkName, checkNote, findTrack } from './edit_error.ts';
import { compareProjectNotes, sortedNotes } from './notes.ts';
import { pickNotes } from './note_edits.ts';
import type { ControllerEvent, Edit, NoteId, Project, Track, TrackId, TrackProps } from './types.ts';

/** What a track edit gives: the new tracks and the inverse edit. */
export interface TrackEditResult {
  tracks: Track[];
  inverse: Edit;
}

/** Order of a track's controller events: tick, then controller, then value. */
function compareControllers(a: ControllerEvent, b: ControllerEvent): number {
  return a.tick - b.tick || a.controller - b.controller || a.value - b.value;
}

function sameController(a: ControllerEvent, b: ControllerEvent): boolean {
  return compareControllers(a, b) === 0;
}

/** The track list with the track at `index` replaced. */
export function replaceTrack(tracks: readonly Track[], index: number, track: Track): Track[] {
  const copy = [...tracks];
  copy[index] = track;
  return copy;
}

export function addControllers(project: Project, trackId: TrackId, events: readonly ControllerEvent[]) {
  const { track, index } = findTrack(project, trackId);
  const added = events.map((e) => ({ ...checkController(e) }));
  const controllers = [...track.controllers, ...added].sort(compareControllers);
  return {
    tracks: replaceTrack(project.tracks, index, { ...track, controllers }),
    inverse: { type: 'deleteControllers', trackId, events: added.map((e) => ({ ...e })) },
  } satisfies TrackEditResult;
}

/** Removes one matching event per event given; an event that is not there is refused. */
export function deleteControllers(project: Project, trackId: TrackId, events: readonly ControllerEvent[]) {
  const { track, index } = findTrack(project, trackId);
  const controllers = [...track.controllers];
  for (const event of events) {
    const at = controllers.findIndex((c) => sameController(c, event));
    if (at < 0)
      throw new EditError(
        `Track "${track.name}" has no controller ${event.controller} event at tick ${event.tick}`,
      );
    controllers.splice(at, 1);
  }
  return {
    tracks: replaceTrack(project.tracks, index, { ...track, controllers }),
    inverse: { type: 'addControllers', trackId, events: events.map((e) => ({ ...e })) },
  } satisfies TrackEditResult;
}

/** Every note id of the project, to keep ids unique when tracks gain notes. */
function noteIdsOf(tracks: readonly Track[]): Set<NoteId> {
  const ids = new Set<NoteId>();
  for (const t of tracks) for (const n of t.notes) ids.add(n.id);
  return ids;
}

/** Throws unless a whole track is valid: a fresh id, a name, a program, valid sorted notes. */
function checkTrack(project: Project, track: Track): void {
  if (typeof track.id !== 'string' || !track.id) throw new EditError('A track has no id');
  if (project.tracks.some((t) => t.id === track.id))
    throw new EditError(`Track id ${track.id} is already used`);
  checkName('Track name', track.name);
  checkInt('Program', track.program, 0, 127);
  const taken = noteIdsOf(project.tracks);
  const own = new Set<NoteId>();
  for (const note of track.notes) {
    checkNote(note);
    if (taken.has(note.id) || own.has(note.id)) throw new EditError(`Note id ${note.id} is already used`);
    own.add(note.id);
  }
  track.controllers.forEach(checkController);
}

export function addTrack(project: Project, track: Track, index?: number): TrackEditResult {
  checkTrack(project, track);
  const at = index ?? project.tracks.length;
  checkInt('Track position', at, 0, project.tracks.length);
  const copy: Track = {
    ...track,
    notes: sortedNotes(track.notes.map((n) => ({ ...n }))),
    controllers: track.controllers.map((c) => ({ ...c })).sort(compareControllers),
    ...(track.take ? { take: { ...track.take } } : {}),
  };
  const tracks = [...project.tracks];
  tracks.splice(at, 0, copy);
  return { tracks, inverse: { type: 'deleteTrack', trackId: track.id } };
}

export function deleteTrack(project: Project, trackId: TrackId): TrackEditResult {
  const { track, index } = findTrack(project, trackId);
  const tracks = project.tracks.filter((t) => t.id !== trackId);
  return { tracks, inverse: { type: 'addTrack', track, index } };
}

const PROP_KEYS = ['name', 'colour', 'kind', 'program', 'mute', 'solo', 'take'] as const;
const KINDS = new Set<string>(['seed', 'take', 'user', 'imported']);

export function setTrackProps(project: Project, trackId: TrackId, props: TrackProps): TrackEditResult {
  const { track, index } = findTrack(project, trackId);
  if (props.name !== undefined) checkName('Track name', props.name);
  if (props.program !== undefined) checkInt('Program', props.program, 0, 127);
  if (
    props.colour !== undefined &&
    (typeof props.colour !== 'string' || !props.colour || props.colour.length > 64)
  )
    throw new EditError('Track colour must be a CSS colour');
  if (props.kind !== undefined && !KINDS.has(props.kind))
    throw new EditError(`Unknown track kind ${props.kind}`);
  for (const flag of ['mute', 'solo'] as const)
    if (props[flag] !== undefined && typeof props[flag] !== 'boolean')
      throw new EditError(`${flag} must be true or false`);
  // Only a take's own record is updated (never created or removed), so the inverse restores it.
  if (props.take !== undefined) {
    if (track.kind !== 'take' || !track.take)
      throw new EditError(`Track "${track.name}" is not a take of a generation`);
    if (props.take.generationId !== track.take.generationId || props.take.variation !== track.take.variation)
      throw new EditError('A take stays the take of its own generation and variation');
    if (
      props.take.quality !== undefined &&
      (typeof props.take.quality !== 'string' || props.take.quality.length > 500)
    )
      throw new EditError('A take quality line is a short text');
  }
  const old: TrackProps = {};
  const updated: Track = { ...track };
  for (const key of PROP_KEYS) {
    if (props[key] === undefined) continue;
    (old as Record<string, unknown>)[key] = track[key];
    (updated as unknown as Record<string, unknown>)[key] = props[key];
  }
  return {
    tracks: replaceTrack(project.tracks, index, updated),
    inverse: { type: 'setTrackProps', trackId, props: old },
  };
}

/** Moves the named notes into a new track (same kind and program) right after the original. */
export function splitTrack(
  project: Project,
  trackId: TrackId,
  noteIds: readonly NoteId[],
  newTrack: Pick<Track, 'id' | 'name' | 'colour'>,
): TrackEditResult {
  const { track, index } = findTrack(project, trackId);
  const moved = pickNotes(track, noteIds);
  const created: Track = {
    id: newTrack.id,
    name: newTrack.name,
    colour: newTrack.colour,
    kind: track.kind,
    program: track.program,
    mute: false,
    solo: false,
    notes: [],
    controllers: [],
  };
  checkTrack(project, created);
  const movedIds = new Set(noteIds);
  created.notes = moved.map((n) => ({ ...n })).sort(compareProjectNotes);
  const tracks = replaceTrack(project.tracks, index, {
    ...track,
    notes: track.notes.filter((n) => !movedIds.has(n.id)),
  });
  tracks.splice(index + 1, 0, created);
  return { tracks, inverse: { type: 'mergeTracks', targetId: trackId, sourceIds: [newTrack.id] } };
}

/**
 * Moves every note and controller event of the sources into the target and removes the sources.
 * The inverse takes them out of the target again and puts each source back where it was.
 */
export function mergeTracks(
  project: Project,
  targetId: TrackId,
  sourceIds: readonly TrackId[],
): TrackEditResult {
  const { track: target, index: targetIndex } = findTrack(project, targetId);
  const unique = new Set(sourceIds);
  if (unique.size !== sourceIds.length) throw new EditError('A track is named twice in a merge');
  if (unique.has(targetId)) throw new EditError('A track cannot be merged into itself');
  const sources = sourceIds.map((id) => findTrack(project, id)).sort((a, b) => a.index - b.index);
  const ids = new Set(target.notes.map((n) => n.id));
  for (const { track } of sources)
    for (const n of track.notes) {
      if (ids.has(n.id)) throw new EditError(`Note id ${n.id} is in two of the merged tracks`);
      ids.add(n.id);
    }
  const notes = sortedNotes([...target.notes, ...sources.flatMap((s) => s.track.notes)]);
  const controllers = [...target.controllers, ...sources.flatMap((s) => s.track.controllers)].sort(
    compareControllers,
  );
  const tracks = replaceTrack(project.tracks, targetIndex, { ...target, notes, controllers }).filter(
    (t) => !unique.has(t.id),
  );
  const movedNotes = sources.flatMap((s) => s.track.notes.map((n) => n.id));
  const movedControllers = sources.flatMap((s) => s.track.controllers.map((c) => ({ ...c })));
  const inverse: Edit = {
    type: 'batch',
    label: 'Unmerge tracks',
    edits: [
      { type: 'deleteNotes', trackId: targetId, noteIds: movedNotes },
      { type: 'deleteControllers', trackId: targetId, events: movedControllers },
      ...sources.map((s): Edit => ({ type: 'addTrack', track: s.track, index: s.index })),
    ],
  };
  return { tracks, inverse };
}
