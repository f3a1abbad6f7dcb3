import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AutosaveSummary, RecentProject } from '../../../shared/ipc/index.ts';
import { parseProjectFile, parseProjectValue, serializeProject } from '../../../shared/project/schema.ts';
import type { Project } from '../../../shared/project/types.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';

/** Largest `.continuo` file read (a 2,000,000-note project is about 180 MB). */
const MAX_PROJECT_FILE_BYTES = 256 * 1024 * 1024;
/** How many recent projects are remembered. */
const MAX_RECENT = 20;

/** A file that is not a project this build can open: why, for a person, and the refusal kind. */
export class ProjectFileError extends Error {
  override name = 'ProjectFileError';
  constructor(
    message: string,
    readonly reason: 'corrupt' | 'future_version' | 'unreadable',
  ) {
    super(message);
  }
}

const RecentFileSchema = z.array(
  z.object({ path: z.string().min(1).max(4096), name: z.string().max(300), openedAt: z.string().max(64) }),
);

/** An autosave file: the project and the `.continuo` it belongs to, if it was ever saved. */
const AutosaveRecordSchema = z.object({
  kind: z.literal('continuo-autosave'),
  at: z.string().max(64),
  path: z.string().min(1).max(4096).optional(),
  project: z.unknown(),
});

/** Counts of a project, for listings. */
function counts(project: Project): { notes: number; tracks: number } {
  let notes = 0;
  for (const track of project.tracks) notes += track.notes.length;
  return { notes, tracks: project.tracks.length };
}

/**
 * Projects on disk: `.continuo` files (anywhere; the data folder's projects/ by default), the
 * recent list (recent-projects.json) and autosaves (autosave/, one file per project id). Every
 * write is atomic; a file that does not parse is refused and never written to.
 */
export class ProjectStore {
  private recentQueue: Promise<unknown> = Promise.resolve();

  constructor(
    /** Default folder of saved projects. */
    readonly projectsDir: string,
    readonly autosaveDir: string,
    readonly recentFile: string,
    private readonly onBadFile: (file: string, reason: string) => void = () => undefined,
  ) {}

  /** Reads and validates a `.continuo` file; throws `ProjectFileError` (the file is left as it is). */
  async read(file: string): Promise<Project> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (error) {
      throw new ProjectFileError(`Cannot open ${file}: ${(error as Error).message}`, 'unreadable');
    }
    if (size > MAX_PROJECT_FILE_BYTES)
      throw new ProjectFileError(
        `${path.basename(file)} is too large to be a project (${size} bytes)`,
        'corrupt',
      );
    return this.parse(await readFile(file, 'utf8'), path.basename(file));
  }

  /** Validates a project file's text (`name` is used in the message). */
  parse(text: string, name: string): Project {
    const parsed = parseProjectFile(text);
    if (!parsed.ok) throw new ProjectFileError(`${name}: ${parsed.message}`, parsed.reason);
    return parsed.project;
  }

  /** Writes a project atomically; returns the bytes written. */
  async write(file: string, project: Project): Promise<number> {
    const text = serializeProject(project);
    await writeFileAtomic(file, text);
    return Buffer.byteLength(text);
  }

  /**
   * A free path in projects/ for a new file named after `base` (`name.continuo`, `name-2.continuo`...);
   * a file that already holds this same project (by id) is reused.
   */
  async pathFor(base: string, projectId: string): Promise<string> {
    for (let n = 1; n < 10_000; n++) {
      const candidate = path.join(this.projectsDir, `${base}${n > 1 ? `-${n}` : ''}.continuo`);
      try {
        await stat(candidate);
      } catch {
        return candidate;
      }
      try {
        if ((await this.read(candidate)).id === projectId) return candidate;
      } catch {
        // Not ours (or unreadable): never overwrite it.
      }
    }
    throw new Error(`No free file name for ${base} in ${this.projectsDir}`);
  }

  /** Most recent first; `exists` says whether the file is still there. */
  async recent(): Promise<RecentProject[]> {
    const list = await this.readRecent();
    return Promise.all(
      list.map(async (entry) => ({
        ...entry,
        exists: await stat(entry.path).then(
          (s) => s.isFile(),
          () => false,
        ),
      })),
    );
  }

  /** Puts a file at the top of the recent list. */
  remember(file: string, name: string): Promise<void> {
    return this.updateRecent((list) => [
      { path: path.resolve(file), name, openedAt: new Date().toISOString() },
      ...list.filter((entry) => entry.path !== path.resolve(file)),
    ]);
  }

  /** Removes a file from the recent list. */
  forget(file: string): Promise<void> {
    return this.updateRecent((list) => list.filter((entry) => entry.path !== path.resolve(file)));
  }

  /** Keeps the latest autosave of a project (one file per project id). */
  async autosave(project: Project, savedPath?: string): Promise<string> {
    const at = new Date().toISOString();
    await writeJsonAtomic(
      this.autosaveFile(project.id),
      { kind: 'continuo-autosave', at, ...(savedPath ? { path: path.resolve(savedPath) } : {}), project },
      true,
    );
    return at;
  }

  /** The autosave of a project, if there is a readable one. */
  async readAutosave(
    projectId: string,
  ): Promise<{ project: Project; at: string; path?: string } | undefined> {
    return this.readAutosaveFile(this.autosaveFile(projectId));
  }

  /** Deletes a project's autosave; false when there was none. */
  async discardAutosave(projectId: string): Promise<boolean> {
    const file = this.autosaveFile(projectId);
    const existed = await stat(file).then(
      () => true,
      () => false,
    );
    await rm(file, { force: true });
    return existed;
  }

  /** Autosaves newer than their saved file (or never saved), newest first. */
  async recoverable(): Promise<AutosaveSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.autosaveDir);
    } catch {
      return [];
    }
    const found: AutosaveSummary[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const record = await this.readAutosaveFile(path.join(this.autosaveDir, name));
      if (!record) continue;
      if (record.path) {
        const saved = await stat(record.path).catch(() => undefined);
        if (saved && saved.mtime.getTime() >= Date.parse(record.at)) continue;
      }
      found.push({
        projectId: record.project.id,
        name: record.project.name,
        at: record.at,
        ...(record.path ? { path: record.path } : {}),
        ...counts(record.project),
      });
    }
    return found.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  }

  /** The autosave file of a project id: a hash, so no id can name a path outside autosave/. */
  private autosaveFile(projectId: string): string {
    const digest = createHash('sha256').update(projectId).digest('hex').slice(0, 32);
    return path.join(this.autosaveDir, `${digest}.json`);
  }

  private async readAutosaveFile(
    file: string,
  ): Promise<{ project: Project; at: string; path?: string } | undefined> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onBadFile(file, (error as Error).message);
      return undefined;
    }
    const record = AutosaveRecordSchema.safeParse(value);
    const project = record.success ? parseProjectValue(record.data.project) : undefined;
    if (!record.success || !project?.ok) {
      this.onBadFile(file, project && !project.ok ? project.message : 'not an autosave record');
      return undefined;
    }
    return {
      project: project.project,
      at: record.data.at,
      ...(record.data.path ? { path: record.data.path } : {}),
    };
  }

  private async readRecent(): Promise<z.infer<typeof RecentFileSchema>> {
    try {
      const parsed = RecentFileSchema.safeParse(JSON.parse(await readFile(this.recentFile, 'utf8')));
      if (parsed.success) return parsed.data.slice(0, MAX_RECENT);
      this.onBadFile(this.recentFile, 'not a recent-projects list; starting a new one');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.onBadFile(this.recentFile, (error as Error).message);
    }
    return [];
  }

  /** Recent-list changes run one after another, so none is lost to a race. */
  private updateRecent(change: (list: z.infer<typeof RecentFileSchema>) => z.infer<typeof RecentFileSchema>) {
    const run = this.recentQueue.then(async () => {
      const next = change(await this.readRecent()).slice(0, MAX_RECENT);
      await writeJsonAtomic(this.recentFile, next);
    });
    this.recentQueue = run.catch(() => undefined);
    return run;
  }
}
