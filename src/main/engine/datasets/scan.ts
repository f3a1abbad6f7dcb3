import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMusicFile } from './file_kinds.ts';

/** A music file found by `scanPaths`. */
export interface ScannedFile {
  /** Path as found: the given folder (or file) joined with the file's place in it. */
  path: string;
  /** Path relative to the folder given (the file name for a file given directly), with `/` separators. */
  rel: string;
  /** The folder the file was found under (a file's own folder when given directly). */
  root: string;
}

/** A path that could not be scanned, with the reason. */
export interface ScanError {
  file: string;
  reason: string;
}

/** What scanning gives: music files in a deterministic order, and what could not be read. */
export interface ScanResult {
  files: ScannedFile[];
  errors: ScanError[];
}

/**
 * Finds `.mid`, `.midi` and `.abc` files (any letter case) in files and folders, recursively.
 * Paths keep the order given; each folder's files come sorted by code point. A missing or
 * unreadable path becomes an error entry. A file reached twice is listed once.
 */
export async function scanPaths(paths: readonly string[]): Promise<ScanResult> {
  const result: ScanResult = { files: [], errors: [] };
  const seen = new Set<string>();
  const visitedDirs = new Set<string>();
  const add = (file: ScannedFile): void => {
    const key = path.resolve(file.path);
    if (seen.has(key)) return;
    seen.add(key);
    result.files.push(file);
  };
  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      result.errors.push({ file: given, reason: describeFsError(error) });
      continue;
    }
    if (info.isDirectory()) {
      await walk(given, given, '', add, result.errors, visitedDirs);
    } else if (isMusicFile(given)) {
      add({ path: given, rel: path.basename(given), root: path.dirname(given) });
    } else {
      result.errors.push({ file: given, reason: 'not a .mid, .midi or .abc file' });
    }
  }
  return result;
}

async function walk(
  root: string,
  dir: string,
  relDir: string,
  add: (file: ScannedFile) => void,
  errors: ScanError[],
  visitedDirs: Set<string>,
): Promise<void> {
  let names: string[];
  try {
    // Symbolic links can make folder cycles: enter each real folder once.
    const real = await realpath(dir);
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    names = (await readdir(dir)).sort(compareCodePoints);
  } catch (error) {
    errors.push({ file: dir, reason: describeFsError(error) });
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const rel = relDir ? `${relDir}/${name}` : name;
    let info;
    try {
      info = await stat(full);
    } catch (error) {
      if (isMusicFile(name)) errors.push({ file: full, reason: describeFsError(error) });
      continue;
    }
    if (info.isDirectory()) await walk(root, full, rel, add, errors, visitedDirs);
    else if (info.isFile() && isMusicFile(name)) add({ path: full, rel, root });
  }
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A short reason for a file-system error, e.g. "not found" for ENOENT. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
