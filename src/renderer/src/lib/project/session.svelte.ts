/* eslint-disable svelte/prefer-svelte-reactivity -- the selection is raw state: each change is a new Set, never a mutation. */
import { newProject, newTrack } from '../../../../shared/project/create.ts';
import { EditError } from '../../../../shared/project/edits.ts';
import { EditHistory } from '../../../../shared/project/history.ts';
import type { TickRange } from '../../../../shared/project/seed.ts';
import type { Edit, NoteId, Project, Ticks, Track, TrackId } from '../../../../shared/project/types.ts';
import { exposeTestHooks } from '../audio/test_hooks.ts';

/** What the session reports to tests and benchmarks (`window.__continuo.sessionStats()`). */
export interface SessionStats {
  tracks: number;
  notes: number;
  selected: number;
  undo: number;
  redo: number;
  dirty: boolean;
}

/**
 * The project being composed, as the whole renderer sees it: the project (immutable; every change
 * is one `Edit` through `apply`, so undo/redo are exact), the active track, the note selection,
 * the playhead, the loop and the seed range. One instance lives for the app's lifetime.
 *
 * `project` and `selection` are raw state: they are replaced, never mutated, so reactivity is by
 * identity and a 20,000-note project is not deep-proxied.
 */
export class ProjectSession {
  project = $state.raw<Project>(newProject());
  /** The track that receives edits. Always a track of the project while it has any. */
  activeTrackId = $state<TrackId>('' as TrackId);
  /** Selected notes of the active track (replace the Set to change it). */
  selection = $state.raw<Set<NoteId>>(new Set());
  /** Where playback starts and "Continue from here" seeds from; the transport writes it while playing. */
  playheadTick = $state<Ticks>(0);
  loop = $state.raw<TickRange | undefined>(undefined);
  /** The range a continuation would be seeded from, shaded on the roll (the Continue panel sets it). */
  seedRange = $state.raw<TickRange | undefined>(undefined);
  /** Changed since it was last saved or opened. */
  dirty = $state(false);
  /** Where it was last saved or opened. */
  path = $state<string | undefined>(undefined);
  /** Why the last edit was refused, for the editor to show (cleared by the next edit). */
  error = $state<string | undefined>(undefined);
  /**
   * Counts fresh starts: a project opened, created or recovered, or a file imported into it. The
   * editor goes back to its Select tool on each, so a first click there never adds a note by accident.
   */
  freshStarts = $state(0);

  #history = new EditHistory();
  /** Bumped on every history change, so canUndo/canRedo/labels are reactive. */
  #revision = $state(0);
  #listeners = new Set<(project: Project) => void>();

  constructor(project?: Project) {
    if (project) this.project = project;
    this.activeTrackId = this.project.tracks[0]?.id ?? ('' as TrackId);
  }

  /** The active track, if the project has one. */
  get activeTrack(): Track | undefined {
    return this.project.tracks.find((t) => t.id === this.activeTrackId);
  }

  get canUndo(): boolean {
    void this.#revision;
    return this.#history.canUndo;
  }

  get canRedo(): boolean {
    void this.#revision;
    return this.#history.canRedo;
  }

  get undoLabel(): string | undefined {
    void this.#revision;
    return this.#history.undoLabel;
  }

  get redoLabel(): string | undefined {
    void this.#revision;
    return this.#history.redoLabel;
  }

  /**
   * Applies one edit as one undo step. An edit the model refuses (an unknown id, an invalid
   * value) leaves the project as it was and sets `error`; it never throws into the UI.
   */
  apply(edit: Edit): void {
    let next: Project;
    try {
      next = this.#history.apply(this.project, edit);
    } catch (error) {
      if (!(error instanceof EditError)) throw error;
      this.error = error.message;
      return;
    }
    this.error = undefined;
    this.#commit(next);
  }

  undo(): void {
    const previous = this.#history.undo(this.project);
    if (previous) this.#commit(previous);
  }

  redo(): void {
    const next = this.#history.redo(this.project);
    if (next) this.#commit(next);
  }

  /** The active track's id, adding a user track first when the project has none (one undo step). */
  ensureActiveTrack(): TrackId {
    const active = this.activeTrack;
    if (active) return active.id;
    const track = newTrack('user', undefined, this.project.tracks.filter((t) => t.kind === 'user').length);
    this.apply({ type: 'addTrack', track });
    this.activeTrackId = track.id;
    return track.id;
  }

  /** Makes a track the one that receives edits (the selection belongs to a track, so it clears). */
  setActiveTrack(trackId: TrackId): void {
    if (trackId === this.activeTrackId || !this.project.tracks.some((t) => t.id === trackId)) return;
    this.activeTrackId = trackId;
    this.selection = new Set();
  }

  select(ids: ReadonlySet<NoteId>): void {
    this.selection = new Set(ids);
  }

  /** New music arrived (a project opened, a file imported): nothing is selected, the editor starts over. */
  startFresh(): void {
    this.selection = new Set();
    this.freshStarts++;
  }

  /** Opens, creates or recovers a project: replaces it whole and forgets the undo history. */
  replace(project: Project, opts: { path?: string; dirty?: boolean } = {}): void {
    this.#history.clear();
    this.#revision++;
    this.project = project;
    this.path = opts.path;
    this.dirty = opts.dirty ?? false;
    this.error = undefined;
    this.playheadTick = 0;
    this.loop = undefined;
    this.seedRange = undefined;
    this.activeTrackId = this.#preferredTrack(project)?.id ?? ('' as TrackId);
    this.startFresh();
    this.#notify();
  }

  markSaved(path: string): void {
    this.path = path;
    this.dirty = false;
  }

  /** Calls `listener` after every change of the project (for autosave); returns an unsubscribe. */
  onChange(listener: (project: Project) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): SessionStats {
    const { undo, redo } = this.#history.depth;
    return {
      tracks: this.project.tracks.length,
      notes: this.project.tracks.reduce((sum, t) => sum + t.notes.length, 0),
      selected: this.selection.size,
      undo,
      redo,
      dirty: this.dirty,
    };
  }

  #commit(next: Project): void {
    this.project = next;
    this.dirty = true;
    this.#revision++;
    this.#keepConsistent();
    this.#notify();
  }

  /** After an edit: the active track still exists and the selection names only its notes. */
  #keepConsistent(): void {
    const active = this.activeTrack ?? this.#preferredTrack(this.project);
    const activeId = active?.id ?? ('' as TrackId);
    if (activeId !== this.activeTrackId) this.activeTrackId = activeId;
    if (this.selection.size === 0) return;
    const ids = new Set(active?.notes.map((n) => n.id));
    let stale = false;
    for (const id of this.selection) if (!ids.has(id)) stale = true;
    if (stale) this.selection = new Set([...this.selection].filter((id) => ids.has(id)));
  }

  /** The track to edit first: the musician's own, else the first. */
  #preferredTrack(project: Project): Track | undefined {
    return project.tracks.find((t) => t.kind === 'user') ?? project.tracks[0];
  }

  #notify(): void {
    for (const listener of this.#listeners) listener(this.project);
  }
}

/**
 * Test and benchmark hooks on `window.__continuo` (added beside other parts' hooks): the project,
 * the session's figures, the selection, and opening a project object directly (the benchmark's
 * 20,000-note piece). Returns a function removing them.
 */
export function exposeSessionHooks(session: ProjectSession): () => void {
  return exposeTestHooks({
    project: () => $state.snapshot(session.project),
    sessionStats: () => session.stats(),
    selection: () => [...session.selection],
    activeTrackId: () => session.activeTrackId,
    playheadTick: () => session.playheadTick,
    setPlayheadTick: (tick: number) => (session.playheadTick = tick),
    openProject: (project: Project) => session.replace(project),
  });
}
