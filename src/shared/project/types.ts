/**
 * The project a musician composes in: tracks of notes on a tick grid, a tempo map, time
 * signatures, a key, and what generated its takes. Free of UI, Node and DOM: the editor, the
 * MIDI keyboard recorder, the engine and the file store all share it, and every change goes
 * through `applyEdit` (edits.ts), which returns a new project and the edit that undoes it.
 *
 * Time is in ticks at `PPQ` per quarter note, so tempo edits never move notes in musical time
 * and a project saves and reloads exactly; seconds come from the tempo map (time.ts).
 */
import type { KeyMode } from '../music/note_sequence.ts';
import type { MidiNote, PitchClass, Program, Qpm, Seconds, Velocity } from '../music/units.ts';

export type { MidiNote, Program, Qpm, Seconds, Velocity };

/** A brand makes ids of different things incompatible types (after Signal's `TrackId`). */
type Brand<T, Name extends string> = T & { readonly __brand: Name };

/** Stable id of a note within its project. */
export type NoteId = Brand<string, 'NoteId'>;
/** Stable id of a track within its project. */
export type TrackId = Brand<string, 'TrackId'>;
/** Id of a project (names its autosave file). */
export type ProjectId = Brand<string, 'ProjectId'>;
/** Id of one generation in a project's history. */
export type GenerationId = Brand<string, 'GenerationId'>;

/** Time on the project's grid: `PPQ` ticks per quarter note, from the start of the piece. */
export type Ticks = number;
/** Ticks per quarter note of every project (the MIDI export writes the same resolution). */
export const PPQ = 480;

/** The `.continuo` file format version this build writes (and the newest it reads). */
export const PROJECT_SCHEMA_VERSION = 1;

export interface ProjectNote {
  id: NoteId;
  pitch: MidiNote;
  /** 1..127. */
  velocity: Velocity;
  start: Ticks;
  /** At least 1 tick. */
  duration: Ticks;
}

/** A MIDI controller change kept with a track (e.g. the sustain pedal, CC64). */
export interface ControllerEvent {
  tick: Ticks;
  /** Controller number 0..127 (64 = sustain). */
  controller: number;
  /** 0..127. */
  value: number;
}

/**
 * What a track holds: the seed phrase a generation continued, a generated take (a variation
 * not yet accepted), the musician's own notes, or a part imported from a file.
 */
export type TrackKind = 'seed' | 'take' | 'user' | 'imported';

/** Where a take came from. */
export interface TakeInfo {
  generationId: GenerationId;
  /** Index of the variation within its generation. */
  variation: number;
  /** Short quality line computed by the engine (valid, in key, longest copied run), if any. */
  quality?: string;
}

export interface Track {
  id: TrackId;
  name: string;
  /** CSS colour, e.g. `#4f8cff`. */
  colour: string;
  kind: TrackKind;
  /** General MIDI program 0..127. */
  program: Program;
  mute: boolean;
  solo: boolean;
  /** Sorted by start, then pitch. */
  notes: ProjectNote[];
  /** Sorted by tick. */
  controllers: ControllerEvent[];
  /** Present on take tracks. */
  take?: TakeInfo;
}

export interface TempoEvent {
  tick: Ticks;
  qpm: Qpm;
}

export interface TimeSignatureEvent {
  tick: Ticks;
  numerator: number;
  /** A power of two: 2, 4, 8, 16. */
  denominator: number;
}

export interface ProjectKey {
  tonic: PitchClass;
  mode: KeyMode;
}

/** The generation settings a project remembers (what the Generate panel was set to). */
export interface ProjectGenerationSettings {
  modelId?: string;
  temperature: number;
  topK: number;
  topP: number;
  /** `200t`, `30s` or `16bars`. */
  length: string;
  variations: number;
  /** Key constraint, e.g. `D major`. */
  key?: string;
  /** How much music before the playhead seeds a continuation: bars (0 = everything before it). */
  seedBars: number;
  randomSeed?: number;
}

/** One generation in a project's history. */
export interface GenerationRecord {
  id: GenerationId;
  /** ISO time it was started. */
  at: string;
  modelId: string;
  modelName: string;
  settings: ProjectGenerationSettings;
  /** The seed range the engine received (empty when generated from nothing). */
  seed?: { startTick: Ticks; endTick: Ticks; trackIds: TrackId[] };
  /** Where its takes start. */
  placedAt: Ticks;
  /** Take tracks it produced (kept in the history after they are accepted or deleted). */
  takeTrackIds: TrackId[];
}

export interface Project {
  schemaVersion: typeof PROJECT_SCHEMA_VERSION;
  id: ProjectId;
  name: string;
  /** ISO times. */
  createdAt: string;
  modifiedAt: string;
  /** Always `PPQ`. */
  ppq: typeof PPQ;
  /** Sorted by tick; the first at tick 0. */
  tempos: TempoEvent[];
  /** Sorted by tick; the first at tick 0. */
  timeSignatures: TimeSignatureEvent[];
  key?: ProjectKey;
  tracks: Track[];
  generation: ProjectGenerationSettings;
  history: GenerationRecord[];
}

/** Track properties an edit may set. */
/** Track properties an edit can set; `take` only on a take track that has one (its quality line). */
export type TrackProps = Partial<
  Pick<Track, 'name' | 'colour' | 'kind' | 'program' | 'mute' | 'solo' | 'take'>
>;

/** Where quantize moves a note: its start (keeping its length) or its start and its end. */
export type QuantizeMode = 'start' | 'startAndEnd';

/**
 * Every change to a project. Edits are data (they can be logged, sent and replayed) and pure:
 * any id an edit creates is carried in it, so applying the same edit twice gives the same project.
 */
export type Edit =
  | { type: 'addNotes'; trackId: TrackId; notes: ProjectNote[] }
  | { type: 'deleteNotes'; trackId: TrackId; noteIds: NoteId[] }
  /** Replaces notes by id with the given values (the inverse of most note edits). */
  | { type: 'updateNotes'; trackId: TrackId; notes: ProjectNote[] }
  | { type: 'moveNotes'; trackId: TrackId; noteIds: NoteId[]; deltaTicks: Ticks; deltaPitch: number }
  /** Moves the end (or the start, keeping the end) of each note; a note keeps at least 1 tick. */
  | { type: 'resizeNotes'; trackId: TrackId; noteIds: NoteId[]; edge: 'start' | 'end'; deltaTicks: Ticks }
  | { type: 'transposeNotes'; trackId: TrackId; noteIds: NoteId[]; semitones: number }
  | { type: 'setVelocity'; trackId: TrackId; noteIds: NoteId[]; velocity: Velocity }
  | {
      type: 'quantizeNotes';
      trackId: TrackId;
      noteIds: NoteId[];
      /** Grid size in ticks (e.g. PPQ / 4 for sixteenths, PPQ / 3 for eighth-note triplets). */
      grid: Ticks;
      /** 0..1: how far each time moves toward its grid line. */
      strength: number;
      mode: QuantizeMode;
    }
  /** Copies notes `offsetTicks` later under the new ids given (same order as `noteIds`). */
  | { type: 'duplicateNotes'; trackId: TrackId; noteIds: NoteId[]; offsetTicks: Ticks; newIds: NoteId[] }
  /** Pastes notes (starts relative to the first) at `atTick`. */
  | { type: 'pasteNotes'; trackId: TrackId; notes: ProjectNote[]; atTick: Ticks }
  | { type: 'addControllers'; trackId: TrackId; events: ControllerEvent[] }
  | { type: 'deleteControllers'; trackId: TrackId; events: ControllerEvent[] }
  | { type: 'addTrack'; track: Track; index?: number }
  | { type: 'deleteTrack'; trackId: TrackId }
  | { type: 'renameTrack'; trackId: TrackId; name: string }
  | { type: 'setTrackProps'; trackId: TrackId; props: TrackProps }
  /** Moves the given notes into a new track placed after the original. */
  | {
      type: 'splitTrack';
      trackId: TrackId;
      noteIds: NoteId[];
      newTrack: Pick<Track, 'id' | 'name' | 'colour'>;
    }
  /** Moves every note of the sources into the target and removes the sources. */
  | { type: 'mergeTracks'; targetId: TrackId; sourceIds: TrackId[] }
  /** Merges a take into a track (the take's notes join it, the take track is removed). */
  | { type: 'acceptTake'; takeId: TrackId; intoTrackId: TrackId }
  | { type: 'setTempos'; tempos: TempoEvent[] }
  | { type: 'setTimeSignatures'; timeSignatures: TimeSignatureEvent[] }
  | { type: 'setKey'; key: ProjectKey | undefined }
  | { type: 'setName'; name: string }
  | { type: 'setGenerationSettings'; settings: ProjectGenerationSettings }
  /** Adds a record at `index` (default: the end). */
  | { type: 'addGeneration'; record: GenerationRecord; index?: number }
  | { type: 'removeGeneration'; generationId: GenerationId }
  /** Several edits as one undo step, applied in order. */
  | { type: 'batch'; label: string; edits: Edit[] };

/** What `applyEdit` returns: the new project and the edit that gives back the old one. */
export interface EditResult {
  project: Project;
  inverse: Edit;
}
