/**
 * `applyEdit`: the one way a project changes. Pure: it returns a new project (sharing what did
 * not change) and the edit that gives back the old one exactly, so undo is applying inverses.
 * Invalid edits (unknown ids, out-of-range values) throw `EditError` and change nothing.
 */
import { EditError, checkInt, checkName, findTrack } from './edit_error.ts';
import * as notes from './note_edits.ts';
import * as tracks from './track_edits.ts';
import type {
  Edit,
  EditResult,
  Project,
  ProjectGenerationSettings,
  ProjectKey,
  TempoEvent,
  TimeSignatureEvent,
  TrackId,
} from './types.ts';

export { EditError } from './edit_error.ts';

const KEY_MODES = new Set(['major', 'minor', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian']);

/** Applies a note edit to one track. */
function onTrack(
  project: Project,
  trackId: TrackId,
  run: (track: Project['tracks'][number]) => notes.NoteEditResult,
): EditResult {
  const { track, index } = findTrack(project, trackId);
  const result = run(track);
  return {
    project: {
      ...project,
      tracks: tracks.replaceTrack(project.tracks, index, { ...track, notes: result.notes }),
    },
    inverse: result.inverse,
  };
}

function withTracks(project: Project, result: tracks.TrackEditResult): EditResult {
  return { project: { ...project, tracks: result.tracks }, inverse: result.inverse };
}

/** Tick-sorted events, the first at tick 0, no two at one tick. */
function checkTimeline(what: string, events: readonly { tick: number }[]): void {
  if (!events.length) throw new EditError(`A project needs at least one ${what}`);
  if (events[0].tick !== 0) throw new EditError(`The first ${what} must be at tick 0`);
  events.forEach((e, i) => {
    checkInt(`${what} tick`, e.tick, 0);
    if (i > 0 && e.tick <= events[i - 1].tick)
      throw new EditError(`${what} changes must be in order, one per tick`);
  });
}

function checkTempos(tempos: readonly TempoEvent[]): TempoEvent[] {
  checkTimeline('tempo', tempos);
  for (const t of tempos)
    if (!(typeof t.qpm === 'number' && t.qpm >= 10 && t.qpm <= 1000))
      throw new EditError(`Tempo must be 10..1000 BPM, got ${String(t.qpm)}`);
  return tempos.map((t) => ({ tick: t.tick, qpm: t.qpm }));
}

function checkTimeSignatures(list: readonly TimeSignatureEvent[]): TimeSignatureEvent[] {
  checkTimeline('time signature', list);
  for (const ts of list) {
    checkInt('Time signature numerator', ts.numerator, 1, 64);
    if (![1, 2, 4, 8, 16, 32, 64].includes(ts.denominator))
      throw new EditError(
        `Time signature denominator must be a power of two up to 64, got ${String(ts.denominator)}`,
      );
  }
  return list.map((ts) => ({ tick: ts.tick, numerator: ts.numerator, denominator: ts.denominator }));
}

function checkKey(key: ProjectKey | undefined): ProjectKey | undefined {
  if (key === undefined) return undefined;
  checkInt('Key tonic', key.tonic, 0, 11);
  if (!KEY_MODES.has(key.mode)) throw new EditError(`Unknown mode ${String(key.mode)}`);
  return { tonic: key.tonic, mode: key.mode };
}

function checkSettings(settings: ProjectGenerationSettings): ProjectGenerationSettings {
  for (const field of ['temperature', 'topK', 'topP', 'variations', 'seedBars'] as const)
    if (!(typeof settings[field] === 'number' && Number.isFinite(settings[field])))
      throw new EditError(`Generation setting ${field} must be a number`);
  return { ...settings };
}

/** A copy of the project with `key` set (the field left out when there is none). */
function withKey(project: Project, key: ProjectKey | undefined): Project {
  const copy = { ...project };
  if (key) copy.key = key;
  else delete copy.key;
  return copy;
}

/** Applies one edit; returns the new project and the edit that undoes it. */
export function applyEdit(project: Project, edit: Edit): EditResult {
  switch (edit.type) {
    case 'addNotes':
      return onTrack(project, edit.trackId, (t) => notes.addNotes(t, edit.notes));
    case 'deleteNotes':
      return onTrack(project, edit.trackId, (t) => notes.deleteNotes(t, edit.noteIds));
    case 'updateNotes':
      return onTrack(project, edit.trackId, (t) => notes.updateNotes(t, edit.notes));
    case 'moveNotes':
      return onTrack(project, edit.trackId, (t) =>
        notes.moveNotes(t, edit.noteIds, edit.deltaTicks, edit.deltaPitch),
      );
    case 'resizeNotes':
      return onTrack(project, edit.trackId, (t) =>
        notes.resizeNotes(t, edit.noteIds, edit.edge, edit.deltaTicks),
      );
    case 'transposeNotes':
      return onTrack(project, edit.trackId, (t) => notes.transposeNotes(t, edit.noteIds, edit.semitones));
    case 'setVelocity':
      return onTrack(project, edit.trackId, (t) => notes.setVelocity(t, edit.noteIds, edit.velocity));
    case 'quantizeNotes':
      return onTrack(project, edit.trackId, (t) =>
        notes.quantizeNotes(t, edit.noteIds, edit.grid, edit.strength, edit.mode),
      );
    case 'duplicateNotes':
      return onTrack(project, edit.trackId, (t) =>
        notes.duplicateNotes(t, edit.noteIds, edit.offsetTicks, edit.newIds),
      );
    case 'pasteNotes':
      return onTrack(project, edit.trackId, (t) => notes.pasteNotes(t, edit.notes, edit.atTick));
    case 'addControllers':
      return withTracks(project, tracks.addControllers(project, edit.trackId, edit.events));
    case 'deleteControllers':
      return withTracks(project, tracks.deleteControllers(project, edit.trackId, edit.events));
    case 'addTrack':
      return withTracks(project, tracks.addTrack(project, edit.track, edit.index));
    case 'deleteTrack':
      return withTracks(project, tracks.deleteTrack(project, edit.trackId));
    case 'renameTrack': {
      const { track } = findTrack(project, edit.trackId);
      const result = tracks.setTrackProps(project, edit.trackId, {
        name: checkName('Track name', edit.name),
      });
      return {
        project: { ...project, tracks: result.tracks },
        inverse: { type: 'renameTrack', trackId: edit.trackId, name: track.name },
      };
    }
    case 'setTrackProps':
      return withTracks(project, tracks.setTrackProps(project, edit.trackId, edit.props));
    case 'splitTrack':
      return withTracks(project, tracks.splitTrack(project, edit.trackId, edit.noteIds, edit.newTrack));
    case 'mergeTracks':
      return withTracks(project, tracks.mergeTracks(project, edit.targetId, edit.sourceIds));
    case 'acceptTake': {
      const { track } = findTrack(project, edit.takeId);
      if (track.kind !== 'take') throw new EditError(`Track "${track.name}" is not a take`);
      return withTracks(project, tracks.mergeTracks(project, edit.intoTrackId, [edit.takeId]));
    }
    case 'setTempos':
      return {
        project: { ...project, tempos: checkTempos(edit.tempos) },
        inverse: { type: 'setTempos', tempos: project.tempos },
      };
    case 'setTimeSignatures':
      return {
        project: { ...project, timeSignatures: checkTimeSignatures(edit.timeSignatures) },
        inverse: { type: 'setTimeSignatures', timeSignatures: project.timeSignatures },
      };
    case 'setKey':
      return { project: withKey(project, checkKey(edit.key)), inverse: { type: 'setKey', key: project.key } };
    case 'setName':
      return {
        project: { ...project, name: checkName('Project name', edit.name) },
        inverse: { type: 'setName', name: project.name },
      };
    case 'setGenerationSettings':
      return {
        project: { ...project, generation: checkSettings(edit.settings) },
        inverse: { type: 'setGenerationSettings', settings: project.generation },
      };
    case 'addGeneration': {
      if (project.history.some((r) => r.id === edit.record.id))
        throw new EditError(`Generation ${edit.record.id} is already in the history`);
      const at = edit.index ?? project.history.length;
      checkInt('History position', at, 0, project.history.length);
      const history = [...project.history];
      history.splice(at, 0, structuredClone(edit.record));
      return {
        project: { ...project, history },
        inverse: { type: 'removeGeneration', generationId: edit.record.id },
      };
    }
    case 'removeGeneration': {
      const index = project.history.findIndex((r) => r.id === edit.generationId);
      if (index < 0) throw new EditError(`No generation ${edit.generationId} in the history`);
      return {
        project: { ...project, history: project.history.filter((r) => r.id !== edit.generationId) },
        inverse: { type: 'addGeneration', record: project.history[index], index },
      };
    }
    case 'batch': {
      let current = project;
      const inverses: Edit[] = [];
      for (const step of edit.edits) {
        const result = applyEdit(current, step);
        current = result.project;
        inverses.push(result.inverse);
      }
      return { project: current, inverse: { type: 'batch', label: edit.label, edits: inverses.reverse() } };
    }
    default: {
      const unknown: never = edit;
      throw new EditError(`Unknown edit ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** Applies edits in order; returns the final project. */
export function applyEdits(project: Project, edits: readonly Edit[]): Project {
  let current = project;
  for (const edit of edits) current = applyEdit(current, edit).project;
  return current;
}
