/**
 * Projects as files, from the page: new, open (recent, picker, drop, native dialog), save,
 * save as, import MIDI/ABC into the project, exports and downloads, drag-out, autosave and
 * recovery. Acts on the one ProjectSession; talks to the host only through the api.
 */
import type { ContinuoApi } from '../../../../shared/ipc/api.ts';
import type { ResultOf } from '../../../../shared/ipc/contract.ts';
import { IpcError } from '../../../../shared/ipc/errors.ts';
import {
  DRAG_OUT_GLOBAL,
  MAX_UPLOAD_BYTES,
  type AutosaveSummary,
  type ProjectSource,
  type RecentProject,
} from '../../../../shared/ipc/schemas/projects.ts';
import { newProject } from '../../../../shared/project/create.ts';
import type { Edit, NoteId, Project, TrackId } from '../../../../shared/project/types.ts';
import type { ProjectSession } from './session.svelte.ts';
import { errorText, toBase64 } from '../request_wire.ts';

// Shared with the Library's uploads (kept importable from here for the project menu).
export { errorText, toBase64 };

/** Autosave every 30 s while there are unsaved changes, and 2 s after a burst of edits. */
export const AUTOSAVE_INTERVAL_MS = 30_000;
export const AUTOSAVE_IDLE_MS = 2_000;

/** File kinds the page opens. */
export const OPENABLE_EXTENSIONS = ['.continuo', '.mid', '.midi', '.abc'];

/** What to do with unsaved changes before they would be lost. */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** Which part of the project an export or drag-out takes. */
export type ExportScope = 'project' | 'track' | 'selection';

/** Where an export was written. */
type ExportResult = ResultOf<'projects.export'>;

/** A drag-out `.mid` written at pointer-down, for the project value and choice it was made of. */
interface PreparedDrag {
  project: Project;
  /** The export choice (tracks, notes) as JSON. */
  choice: string;
  promise: Promise<ExportResult | undefined>;
  /** Set once written. */
  result?: ExportResult;
}

/** The Electron preload's drag-out bridge, when there is one. */
interface DragOutBridge {
  start(payload: unknown): void;
}

/** True when the user cancelled a native dialog (not an error to show). */
export function isCancel(error: unknown): boolean {
  return error instanceof IpcError && error.code === 'unsupported' && / cancelled$/.test(error.message);
}

/** True when a file's name says it is a project, MIDI or ABC file. */
export function isOpenable(name: string): boolean {
  const lower = name.toLowerCase();
  return OPENABLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** A browser File as a request source (refused when too large to send). */
export async function fileSource(file: File): Promise<ProjectSource> {
  if (!isOpenable(file.name))
    throw new Error(`${file.name}: open a .continuo, MIDI (.mid) or ABC (.abc) file`);
  if (file.size > MAX_UPLOAD_BYTES)
    throw new Error(
      `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; files opened from the page can be at most ${(MAX_UPLOAD_BYTES / 1e6).toFixed(1)} MB`,
    );
  return {
    kind: 'bytes',
    fileName: file.name,
    dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())),
  };
}

/** Starts a browser download of a same-origin URL. */
export function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

const instances = new WeakMap<ProjectSession, ProjectFiles>();

export class ProjectFiles {
  /** Asked before unsaved changes would be lost (the menu sets it to its dialog). */
  confirmUnsaved: (name: string) => Promise<UnsavedChoice> = async (name) =>
    window.confirm(`"${name}" has unsaved changes. Discard them?`) ? 'discard' : 'cancel';
  /** Asked for a file name on Save as where the host has no native dialog. */
  askFileName: (suggested: string) => Promise<string | undefined> = async (suggested) =>
    window.prompt('Save project as', suggested) ?? undefined;
  /** Told after every autosave (or its failure). */
  onAutosave: (result: { at?: string; error?: string }) => void = () => undefined;

  #autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The autosave being sent, so a save waits for it (and no stale autosave outlives the save). */
  #autosaving: Promise<void> = Promise.resolve();
  #lastAutosaved: Project | undefined;
  #started = false;
  #hasNativeDialogs: Promise<boolean>;

  /** The one instance of a session (autosave and the unload guard live as long as the app). */
  static for(api: ContinuoApi, session: ProjectSession): ProjectFiles {
    let files = instances.get(session);
    if (!files) instances.set(session, (files = new ProjectFiles(api, session)));
    return files;
  }

  private constructor(
    private readonly api: ContinuoApi,
    private readonly session: ProjectSession,
  ) {
    this.#hasNativeDialogs = api.request('app.info').then(
      (info) => info.transport === 'electron',
      () => false,
    );
  }

  /** True in Electron (native open/save dialogs and drag-out). */
  hasNativeDialogs(): Promise<boolean> {
    return this.#hasNativeDialogs;
  }

  /** Starts autosave and the close guard, once for the app's lifetime. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.session.onChange(() => this.#scheduleAutosave(AUTOSAVE_IDLE_MS));
    setInterval(() => void this.autosaveNow(), AUTOSAVE_INTERVAL_MS);
    window.addEventListener('beforeunload', (event) => {
      if (!this.session.dirty) return;
      // Keep the very latest state too (sent now; the host writes it even if the page goes).
      void this.autosaveNow();
      event.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      event.returnValue = '';
    });
  }

  /** Sends the project to the host's autosave/ if it changed since the last autosave. */
  autosaveNow(): Promise<void> {
    const run = this.#autosaving.then(() => this.#autosave());
    this.#autosaving = run;
    return run;
  }

  async #autosave(): Promise<void> {
    const project = this.session.project;
    if (!this.session.dirty || project === this.#lastAutosaved) return;
    try {
      const { at } = await this.api.request('projects.autosave', {
        project,
        ...(this.session.path ? { path: this.session.path } : {}),
      });
      this.#lastAutosaved = project;
      this.onAutosave({ at });
    } catch (error) {
      this.onAutosave({ error: `Autosave failed: ${errorText(error)}` });
    }
  }

  #scheduleAutosave(delay: number): void {
    clearTimeout(this.#autosaveTimer);
    this.#autosaveTimer = setTimeout(() => void this.autosaveNow(), delay);
  }

  /** Asks about unsaved changes; true when it is fine to replace the project. */
  async mayReplace(): Promise<boolean> {
    if (!this.session.dirty) return true;
    const choice = await this.confirmUnsaved(this.session.project.name);
    if (choice === 'cancel') return false;
    if (choice === 'save') return (await this.save()) !== undefined;
    return true;
  }

  /** After the project was replaced or saved: its autosave is not needed any more. */
  async #forgetAutosave(projectId: string): Promise<void> {
    await this.api.request('projects.discardAutosave', { projectId }).catch(() => undefined);
  }

  async newProject(): Promise<boolean> {
    if (!(await this.mayReplace())) return false;
    const old = this.session.project.id;
    this.session.replace(newProject());
    await this.#forgetAutosave(old);
    return true;
  }

  /** Opens a `.continuo` (or a MIDI/ABC file as a new project). Returns warnings, or undefined when not opened. */
  async open(source: ProjectSource): Promise<string[] | undefined> {
    if (!(await this.mayReplace())) return undefined;
    const old = this.session.project.id;
    const opened = await this.api.request('projects.open', { source });
    this.session.replace(opened.project, opened.path ? { path: opened.path } : {});
    if (old !== opened.project.id) await this.#forgetAutosave(old);
    return opened.warnings;
  }

  openFile(file: File): Promise<string[] | undefined> {
    return fileSource(file).then((source) => this.open(source));
  }

  /** Saves where it was opened/saved, else as a new file. Returns the path, or undefined when cancelled. */
  async save(): Promise<string | undefined> {
    if (!this.session.path || !this.session.path.toLowerCase().endsWith('.continuo')) return this.saveAs();
    return this.#saveTo({ path: this.session.path });
  }

  async saveAs(): Promise<string | undefined> {
    if (await this.hasNativeDialogs()) return this.#saveTo({});
    const fileName = await this.askFileName(this.session.project.name);
    if (!fileName?.trim()) return undefined;
    return this.#saveTo({ fileName: fileName.trim() });
  }

  async #saveTo(where: { path?: string; fileName?: string }): Promise<string | undefined> {
    clearTimeout(this.#autosaveTimer);
    await this.#autosaving;
    const project = this.session.project;
    try {
      const saved = await this.api.request('projects.save', { project, ...where });
      // Edits made while saving stay unsaved.
      if (this.session.project === project) this.session.markSaved(saved.path);
      else this.session.path = saved.path;
      this.#lastAutosaved = undefined;
      return saved.path;
    } catch (error) {
      if (isCancel(error)) return undefined;
      throw error;
    }
  }

  async recent(): Promise<RecentProject[]> {
    return (await this.api.request('projects.recent')).projects;
  }

  async recoverable(): Promise<AutosaveSummary[]> {
    return (await this.api.request('projects.recoverable')).autosaves;
  }

  /** Opens an autosaved version (unsaved: it differs from its file). */
  async recover(projectId: string): Promise<boolean> {
    if (this.session.project.id !== projectId && !(await this.mayReplace())) return false;
    const recovered = await this.api.request('projects.recover', { projectId });
    this.session.replace(recovered.project, {
      ...(recovered.path ? { path: recovered.path } : {}),
      dirty: true,
    });
    return true;
  }

  async discardAutosave(projectId: string): Promise<void> {
    await this.api.request('projects.discardAutosave', { projectId });
  }

  /**
   * Adds a MIDI/ABC file's tracks to the project as one undo step. Into a project without notes
   * the file's tempo map, meter and key come too; otherwise its notes follow the project's tempo.
   */
  async importInto(source: ProjectSource): Promise<{ tracks: number; warnings: string[] }> {
    const project = this.session.project;
    const empty = project.tracks.every((t) => t.notes.length === 0);
    const imported = await this.api.request('projects.import', {
      source,
      ...(empty ? {} : { tempos: project.tempos }),
    });
    const edits: Edit[] = [];
    if (empty) {
      edits.push({ type: 'setTempos', tempos: imported.tempos });
      edits.push({ type: 'setTimeSignatures', timeSignatures: imported.timeSignatures });
      if (imported.key) edits.push({ type: 'setKey', key: imported.key });
      for (const track of project.tracks) edits.push({ type: 'deleteTrack', trackId: track.id });
    }
    for (const track of imported.tracks) edits.push({ type: 'addTrack', track });
    this.session.apply({ type: 'batch', label: `Import ${imported.name}`, edits });
    if (this.session.error) throw new Error(this.session.error);
    this.session.startFresh();
    return { tracks: imported.tracks.length, warnings: imported.warnings };
  }

  /** The track and note ids of an export scope (the active track, or `trackId`; the selection). */
  scopeChoice(scope: ExportScope, trackId?: TrackId): { trackIds?: TrackId[]; noteIds?: NoteId[] } {
    const active = trackId ?? this.session.activeTrackId;
    if (scope === 'project') return {};
    if (scope === 'track') return active ? { trackIds: [active] } : {};
    return { ...(active ? { trackIds: [active] } : {}), noteIds: [...this.session.selection] };
  }

  /** Writes an export (where the host puts exports); undefined when a native dialog was cancelled. */
  async #exportFile(
    format: 'mid' | 'abc' | 'continuo',
    scope: ExportScope,
    trackId?: TrackId,
  ): Promise<ExportResult | undefined> {
    try {
      return await this.api.request('projects.export', {
        project: this.session.project,
        format,
        ...this.scopeChoice(scope, trackId),
      });
    } catch (error) {
      if (isCancel(error)) return undefined;
      throw error;
    }
  }

  /** Exports and, in the browser, downloads. Returns where it was written, or undefined when cancelled. */
  async export(
    format: 'mid' | 'abc' | 'continuo',
    scope: ExportScope = 'project',
    trackId?: TrackId,
  ): Promise<string | undefined> {
    const result = await this.#exportFile(format, scope, trackId);
    if (result?.downloadUrl) download(result.downloadUrl, result.fileName);
    return result?.path;
  }

  /** A drag-out file written ahead, at pointer-down, so dragstart can offer it to the desktop. */
  #prepared: PreparedDrag | undefined;

  #bridge(): DragOutBridge | undefined {
    return (window as unknown as Record<string, DragOutBridge | undefined>)[DRAG_OUT_GLOBAL];
  }

  /** The prepared file, if it was made from this very project value and choice. */
  #preparedFor(choice: string): PreparedDrag | undefined {
    const prepared = this.#prepared;
    return prepared && prepared.project === this.session.project && prepared.choice === choice
      ? prepared
      : undefined;
  }

  /**
   * Called at pointer-down on a drag handle (browser only): writes the `.mid` ahead so that the
   * drag can carry it onto the desktop (Chromium's DownloadURL).
   */
  prepareDragOut(scope: Exclude<ExportScope, 'project'>, trackId?: TrackId): void {
    if (this.#bridge()) return;
    const choice = this.scopeChoice(scope, trackId);
    const key = JSON.stringify(choice);
    if (this.#preparedFor(key)) return;
    const project = this.session.project;
    const promise = this.api
      .request('projects.export', { project, format: 'mid', ...choice })
      .catch(() => undefined);
    const prepared: PreparedDrag = { project, choice: key, promise };
    void promise.then((result) => (prepared.result = result));
    this.#prepared = prepared;
  }

  /**
   * The drag-out gesture of a track or the selection: in Electron a native drag of a `.mid`
   * (onto a DAW or the desktop); in the browser the file prepared at pointer-down rides along
   * for the desktop (DownloadURL), and a drag that lands nowhere downloads it.
   */
  dragOut(
    event: DragEvent,
    scope: Exclude<ExportScope, 'project'>,
    onError: (message: string) => void = () => undefined,
    /** A track other than the active one (e.g. a row of the tracks panel being dragged). */
    trackId?: TrackId,
  ): void {
    const choice = this.scopeChoice(scope, trackId);
    const bridge = this.#bridge();
    if (bridge) {
      event.preventDefault();
      // The project is raw state (never a proxy), so it structured-clones as it is.
      bridge.start({ project: this.session.project, ...choice });
      return;
    }
    const prepared = this.#preparedFor(JSON.stringify(choice));
    const transfer = event.dataTransfer;
    let offered = false;
    if (transfer) {
      transfer.effectAllowed = 'copy';
      transfer.setData('text/plain', `${this.session.project.name}.mid`);
      const ready = prepared?.result;
      if (ready?.downloadUrl) {
        const href = new URL(ready.downloadUrl, window.location.href).href;
        transfer.setData('DownloadURL', `audio/midi:${ready.fileName}:${href}`);
        offered = true;
      }
    }
    const finish = (end: Event): void => {
      // Taken by the desktop (or another app): the file went with the drop.
      if (offered && (end as DragEvent).dataTransfer?.dropEffect !== 'none') return;
      void (async () => {
        const result = (await prepared?.promise) ?? (await this.#exportFile('mid', scope, trackId));
        if (result?.downloadUrl) download(result.downloadUrl, result.fileName);
      })().catch((error: unknown) => onError(errorText(error)));
    };
    event.target?.addEventListener('dragend', finish, { once: true });
  }
}
