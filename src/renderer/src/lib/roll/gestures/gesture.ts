import type {
  Edit,
  MidiNote,
  NoteId,
  Project,
  ProjectNote,
  Ticks,
  Track,
  TrackId,
  Velocity,
} from '../../../../../shared/project/types.ts';
import type { PixelRect } from '../hit_test.ts';
import type { NoteIndex } from '../note_index.ts';
import type { SnapMode } from '../snap.ts';
import type { RollViewport } from '../viewport.ts';

/** The editing tool the note area's pointer gestures follow. */
export type RollTool = 'select' | 'draw' | 'erase';

/** A pointer position in note-area CSS pixels, with the modifier keys held. */
export interface RollPointer {
  x: number;
  y: number;
  shift: boolean;
  /** Alt: no snapping. */
  alt: boolean;
  /** Ctrl or Cmd: copy while moving. */
  ctrl: boolean;
}

/**
 * What a gesture in progress shows before it commits its one edit: the layers draw this on top
 * of the project, so a drag never edits the project until the mouse is released.
 */
export type RollPreview =
  | { kind: 'move'; noteIds: ReadonlySet<NoteId>; deltaTicks: Ticks; deltaPitch: number; copy: boolean }
  | { kind: 'resize'; noteIds: ReadonlySet<NoteId>; edge: 'start' | 'end'; deltaTicks: Ticks }
  | { kind: 'draw'; note: ProjectNote }
  | { kind: 'rubber'; rect: PixelRect }
  | { kind: 'erase'; noteIds: ReadonlySet<NoteId> }
  | { kind: 'velocity'; noteIds: ReadonlySet<NoteId>; velocity: Velocity };

/** What a gesture may read and do; the editor controller implements it. */
export interface GestureContext {
  readonly view: RollViewport;
  readonly project: Project;
  /** The track that receives edits (undefined when the project has none). */
  readonly track: Track | undefined;
  /** Index of the active track's notes. */
  readonly index: NoteIndex;
  readonly selection: ReadonlySet<NoteId>;
  /** The snap step (null: grid off). */
  readonly grid: Ticks | null;
  /** Length and velocity of the next drawn note (the last drawn or resized one's). */
  readonly newNoteLength: Ticks;
  readonly newNoteVelocity: Velocity;
  select(ids: ReadonlySet<NoteId>): void;
  /** Commits one edit (one undo step). */
  apply(edit: Edit): void;
  /** The active track's id, creating a track first (inside `edit`) when there is none. */
  editTrack(build: (trackId: TrackId) => Edit): void;
  /** Snaps a tick unless `free` (Alt held). */
  snap(tick: Ticks, mode: SnapMode, free: boolean): Ticks;
  setPreview(preview: RollPreview | undefined): void;
  audition(pitch: MidiNote, velocity: Velocity): void;
  rememberNote(length: Ticks, velocity: Velocity): void;
  newNoteId(): NoteId;
}

/** A drag in progress: it follows the pointer, then commits (or cancels) on release. */
export interface Gesture {
  move(pointer: RollPointer): void;
  end(pointer: RollPointer): void;
  cancel(): void;
}

/** Notes of the active track whose ids are in `ids`, in start order. */
export function notesById(track: Track | undefined, ids: ReadonlySet<NoteId>): ProjectNote[] {
  if (!track || ids.size === 0) return [];
  return track.notes.filter((note) => ids.has(note.id));
}
