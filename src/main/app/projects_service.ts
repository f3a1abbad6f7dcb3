import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  IpcError,
  MAX_UPLOAD_BYTES,
  type EnginePayloadOf,
  type EngineResultOf,
  type ParsedPayloadOf,
  type ProjectSource,
  type ResultOf,
} from '../../shared/ipc/index.ts';
import { parseProjectValue, serializeProject } from '../../shared/project/schema.ts';
import type { Project } from '../../shared/project/types.ts';
import {
  baseName,
  fileKind,
  importMusic,
  projectFromMusic,
  projectToAbc,
  projectToMultiTrack,
} from './project_music.ts';
import { writeFileAtomic } from './storage/atomic.ts';
import { safeFileName } from './storage/file_names.ts';
import { ProjectFileError, type ProjectStore } from './storage/project_store.ts';

/** Largest MIDI/ABC file read from a path. */
const MAX_MUSIC_FILE_BYTES = 64 * 1024 * 1024;

/** The host's dialogs and folders for project files. */
export interface ProjectFileTarget {
  /** exports/ of the data folder (web host downloads come from here). */
  exportsDir: string;
  /** A scratch folder for files dragged out of the window (Electron). */
  dragDir: string;
  /** The URL that downloads a file of exports/ (web host). */
  downloadUrl?: (fileName: string) => string;
  /** Native open dialog for a project or music file (Electron); undefined when cancelled. */
  openDialog?: () => Promise<string | undefined>;
  /** Native save dialog for a project (Electron); undefined when cancelled. */
  saveProjectDialog?: (suggestedName: string) => Promise<string | undefined>;
  /** Native save dialog for an exported MIDI/ABC file (Electron). */
  saveExportDialog?: (suggestedName: string, format: 'mid' | 'abc') => Promise<string | undefined>;
}

/** Writes MIDI files: the engine's `music.write` (all MIDI encoding is the engine's music I/O). */
export type MusicWriter = (payload: EnginePayloadOf<'music.write'>) => Promise<EngineResultOf<'music.write'>>;

/** A file to read, by name and bytes. */
interface SourceFile {
  fileName: string;
  bytes: Uint8Array;
  /** Set when it came from a path on this machine. */
  path?: string;
}

function cancelled(what: string): IpcError {
  return new IpcError({ code: 'unsupported', message: `${what} cancelled` });
}

/** The refusal the page shows: `invalid_file` with the reason kind as its one issue. */
function refused(error: ProjectFileError): IpcError {
  const code = error.reason === 'unreadable' ? 'not_found' : 'invalid_file';
  return new IpcError({ code, message: error.message, issues: [error.reason] });
}

/** A project sent by the page, checked once more against the file schema (sorted, ids unique). */
function checkedProject(value: unknown): Project {
  const parsed = parseProjectValue(value);
  if (!parsed.ok) throw new IpcError({ code: 'bad_payload', message: parsed.message });
  return parsed.project;
}

/**
 * Projects as files on the host side: save/open/recent through the store, autosave and
 * recovery, MIDI/ABC import into a project and exports (written where generation exports go).
 */
export class ProjectsService {
  constructor(
    private readonly store: ProjectStore,
    private readonly target: ProjectFileTarget,
    private readonly writeMusic: MusicWriter,
  ) {}

  async save(payload: ParsedPayloadOf<'projects.save'>): Promise<ResultOf<'projects.save'>> {
    const project = checkedProject(payload.project);
    let file = payload.path;
    if (!file) {
      const base = safeFileName(payload.fileName?.replace(/\.continuo$/i, '') ?? project.name, 'untitled');
      if (this.target.saveProjectDialog) {
        file = await this.target.saveProjectDialog(`${base}.continuo`);
        if (!file) throw cancelled('Save');
        if (!file.toLowerCase().endsWith('.continuo')) file += '.continuo';
      } else {
        file = await this.store.pathFor(base, project.id);
      }
    }
    file = path.resolve(file);
    if (fileKind(file) !== 'continuo')
      throw new IpcError({
        code: 'bad_payload',
        message: `Projects are saved as .continuo files, not ${path.basename(file)}`,
      });
    const bytes = await this.store.write(file, project);
    await this.store.remember(file, project.name);
    // Saved: its autosave is no longer newer than the file.
    await this.store.discardAutosave(project.id);
    return { path: file, bytes, savedAt: new Date().toISOString() };
  }

  async open({ source }: ParsedPayloadOf<'projects.open'>): Promise<ResultOf<'projects.open'>> {
    const file = await this.readSource(source, 'Open');
    const kind = fileKind(file.fileName);
    if (kind === 'continuo') {
      let project: Project;
      try {
        project = file.path
          ? await this.store.read(file.path)
          : this.store.parse(Buffer.from(file.bytes).toString('utf8'), file.fileName);
      } catch (error) {
        if (error instanceof ProjectFileError) throw refused(error);
        throw error;
      }
      if (file.path) await this.store.remember(file.path, project.name);
      return { project, ...(file.path ? { path: file.path } : {}), format: 'continuo', warnings: [] };
    }
    const { project, warnings } = projectFromMusic(file.bytes, file.fileName);
    return { project, format: kind === 'abc' ? 'abc' : 'mid', warnings };
  }

  async import(payload: ParsedPayloadOf<'projects.import'>): Promise<ResultOf<'projects.import'>> {
    const file = await this.readSource(payload.source, 'Import');
    const music = importMusic(file.bytes, file.fileName, payload.tempos, payload.item);
    return {
      name: music.name,
      format: music.format,
      tracks: music.tracks,
      tempos: music.tempos,
      timeSignatures: music.timeSignatures,
      ...(music.key ? { key: music.key } : {}),
      items: music.items,
      warnings: music.warnings,
    };
  }

  async recent(): Promise<ResultOf<'projects.recent'>> {
    return { projects: await this.store.recent() };
  }

  async autosave(payload: ParsedPayloadOf<'projects.autosave'>): Promise<ResultOf<'projects.autosave'>> {
    return { at: await this.store.autosave(checkedProject(payload.project), payload.path) };
  }

  async recoverable(): Promise<ResultOf<'projects.recoverable'>> {
    return { autosaves: await this.store.recoverable() };
  }

  async recover(projectId: string): Promise<ResultOf<'projects.recover'>> {
    const record = await this.store.readAutosave(projectId);
    if (!record)
      throw new IpcError({ code: 'not_found', message: 'That autosaved version is not (or no longer) here' });
    return {
      project: record.project,
      ...(record.path ? { path: record.path } : {}),
      format: 'continuo',
      warnings: [],
    };
  }

  async discardAutosave(projectId: string): Promise<ResultOf<'projects.discardAutosave'>> {
    return { removed: await this.store.discardAutosave(projectId) };
  }

  async export(payload: ParsedPayloadOf<'projects.export'>): Promise<ResultOf<'projects.export'>> {
    const project = checkedProject(payload.project);
    const choice = {
      ...(payload.trackIds ? { trackIds: payload.trackIds } : {}),
      ...(payload.noteIds ? { noteIds: payload.noteIds } : {}),
    };
    // Made before a dialog opens, so a refusal (ABC of chords) comes first.
    const data =
      payload.format === 'mid'
        ? projectToMultiTrack(project, choice)
        : Buffer.from(payload.format === 'abc' ? projectToAbc(project, choice) : serializeProject(project));
    const fileName = this.exportName(project, payload);
    let file = payload.path;
    if (!file) {
      const dialog =
        payload.format === 'continuo'
          ? this.target.saveProjectDialog?.(fileName)
          : this.target.saveExportDialog?.(fileName, payload.format);
      if (dialog) {
        file = await dialog;
        if (!file) throw cancelled('Export');
      }
    }
    const inExports = !file;
    file = path.resolve(file ?? path.join(this.target.exportsDir, fileName));
    let bytes: number;
    if (data instanceof Uint8Array) {
      await writeFileAtomic(file, data);
      bytes = data.length;
    } else bytes = (await this.writeMusic({ path: file, format: 'mid', multiTrack: data })).bytes;
    const url =
      inExports && this.target.downloadUrl ? this.target.downloadUrl(path.basename(file)) : undefined;
    return {
      path: file,
      fileName: path.basename(file),
      bytes,
      ...(url ? { downloadUrl: url } : {}),
    };
  }

  /** Writes the dragged tracks or selection as a `.mid` in the drag folder; returns its path (Electron drag-out). */
  async dragFile(
    payload: Pick<ParsedPayloadOf<'projects.export'>, 'project' | 'trackIds' | 'noteIds' | 'fileName'>,
  ): Promise<string> {
    const project = checkedProject(payload.project);
    const file = path.join(this.target.dragDir, this.exportName(project, { ...payload, format: 'mid' }));
    await this.writeMusic({ path: file, format: 'mid', multiTrack: projectToMultiTrack(project, payload) });
    return file;
  }

  /** `name.ext` from the payload's name or the project's (what it holds added: "-selection", "-melody"). */
  private exportName(
    project: Project,
    payload: Pick<ParsedPayloadOf<'projects.export'>, 'format' | 'fileName' | 'trackIds' | 'noteIds'>,
  ): string {
    const ext = payload.format;
    if (payload.fileName)
      return `${safeFileName(payload.fileName.replace(/\.[a-z]+$/i, ''), 'continuo')}.${ext}`;
    let base = safeFileName(project.name, 'continuo');
    if (payload.noteIds) base += '-selection';
    else if (payload.trackIds?.length === 1) {
      const track = project.tracks.find((t) => t.id === payload.trackIds?.[0]);
      if (track) base += `-${safeFileName(track.name, 'track')}`;
    } else if (payload.trackIds) base += '-tracks';
    return `${base}.${ext}`;
  }

  /** The bytes of a file to open or import: from a path, the page, or the native dialog. */
  private async readSource(source: ProjectSource, what: string): Promise<SourceFile> {
    if (source.kind === 'bytes') {
      const bytes = Buffer.from(source.dataBase64, 'base64');
      if (bytes.length > MAX_UPLOAD_BYTES)
        throw new IpcError({
          code: 'bad_payload',
          message: `${source.fileName} is too large to send (${bytes.length} bytes)`,
        });
      return { fileName: path.basename(source.fileName), bytes };
    }
    let file: string | undefined;
    if (source.kind === 'dialog') {
      if (!this.target.openDialog)
        throw new IpcError({
          code: 'unsupported',
          message: 'This host has no native file dialog: choose a file in the page',
        });
      file = await this.target.openDialog();
      if (!file) throw cancelled(what);
    } else file = source.path;
    file = path.resolve(file);
    if (!fileKind(file))
      throw new IpcError({
        code: 'invalid_file',
        message: `${path.basename(file)}: open a .continuo, MIDI or ABC file`,
      });
    if (fileKind(file) === 'continuo')
      return { fileName: path.basename(file), bytes: new Uint8Array(), path: file };
    const info = await stat(file).catch((error: Error) => {
      throw new IpcError({ code: 'not_found', message: `Cannot open ${file}: ${error.message}` });
    });
    if (info.size > MAX_MUSIC_FILE_BYTES)
      throw new IpcError({
        code: 'invalid_file',
        message: `${baseName(file)} is too large (${info.size} bytes)`,
      });
    return { fileName: path.basename(file), bytes: await readFile(file), path: file };
  }
}
