import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LaunchFile, LaunchFileKind } from '../../shared/ipc/index.ts';

/**
 * Files the desktop app is asked to open: from its command line (Windows and Linux pass the
 * double-clicked file as an argument, to the first launch or, through `second-instance`, to
 * the one already running) and from macOS's `open-file` event. No Electron here, so it tests.
 */

/** Command-line flags of ours that take a value (the value is not a file to open). */
const FLAGS_WITH_VALUE = new Set(['--data-dir']);

/** What a file is opened as, by its extension; undefined for a file the studio does not open. */
export function launchFileKind(file: string): LaunchFileKind | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.continuo') return 'project';
  if (ext === '.mid' || ext === '.midi' || ext === '.abc') return 'music';
  return undefined;
}

/** A path or `file://` URL (Linux desktops may pass `%U`), absolute; undefined when not a file. */
function asFilePath(arg: string, cwd: string): string | undefined {
  if (/^file:/i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(arg)) return undefined; // another URL scheme
  return path.resolve(cwd, arg);
}

/** One file to open, or undefined when the studio does not open it. */
export function launchFile(file: string, cwd: string): LaunchFile | undefined {
  const absolute = asFilePath(file, cwd);
  const kind = absolute === undefined ? undefined : launchFileKind(absolute);
  return absolute && kind ? { path: absolute, kind } : undefined;
}

/** Options of `launchFilesFromArgv`. */
export interface ArgvOptions {
  /** The folder relative paths are relative to (the launching shell's). */
  cwd: string;
  /**
   * True when run as `electron path/to/app` (development: `process.defaultApp`), where the
   * app's folder follows the executable; a packaged app's arguments follow the executable.
   */
  defaultApp?: boolean;
}

/**
 * The files to open on a command line (`process.argv`, or `second-instance`'s argv): every
 * argument after the executable (and the app folder in development) that names a `.continuo`,
 * `.mid`/`.midi` or `.abc` file. Flags (Chromium's and ours) and our flags' values are skipped.
 */
export function launchFilesFromArgv(argv: readonly string[], options: ArgvOptions): LaunchFile[] {
  const files: LaunchFile[] = [];
  let skipNext = false;
  for (const arg of argv.slice(options.defaultApp ? 2 : 1)) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (arg.startsWith('-')) {
      skipNext = FLAGS_WITH_VALUE.has(arg);
      continue;
    }
    const file = launchFile(arg, options.cwd);
    if (file && !files.some((known) => known.path === file.path)) files.push(file);
  }
  return files;
}

/**
 * Holds the files to open until a studio page listens (the first launch's files arrive before
 * the window has loaded), then hands each one over as it comes. A delivery that finds no page
 * (macOS, every window closed) keeps the file until the next page is ready.
 */
export class LaunchFileQueue {
  private readonly pending: LaunchFile[] = [];
  private deliver: ((file: LaunchFile) => boolean) | undefined;

  /** Opens a file now if a page listens, else once one does. */
  push(...files: LaunchFile[]): void {
    this.pending.push(...files);
    this.flush();
  }

  /** A page listens now: `deliver` hands it a file, false when there is no page to take it. */
  ready(deliver: (file: LaunchFile) => boolean): void {
    this.deliver = deliver;
    this.flush();
  }

  /** Files still waiting (a copy). */
  waiting(): LaunchFile[] {
    return [...this.pending];
  }

  private flush(): void {
    while (this.deliver && this.pending.length > 0) {
      if (this.deliver(this.pending[0])) this.pending.shift();
      else this.deliver = undefined;
    }
  }
}
