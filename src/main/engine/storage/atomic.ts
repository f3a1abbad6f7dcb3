import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Atomic writes of user data (models, checkpoints, caches, exports, settings): everything is
 * written beside the target first and moved into place by rename, so a crash or a kill at any
 * moment leaves the old content or the new one, never half of it.
 */

/** A suffix unique to this process and call, for temporary siblings. */
function uniqueSuffix(): string {
  return `${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`;
}

/** Writes a file atomically: a temp file in the same folder, then a rename over the target. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.tmp-${uniqueSuffix()}`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes a value as JSON (pretty unless `compact`), atomically. */
export function writeJsonAtomic(file: string, value: unknown, compact = false): Promise<void> {
  return writeFileAtomic(file, compact ? JSON.stringify(value) : `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a whole folder atomically: `fill` writes the files into a fresh sibling folder
 * `<dir>.tmp-*`, which then replaces `dir`. The old folder is first moved to `<dir>.old-*`
 * (put back if the swap fails, removed after it), so a reader that finds no `dir` after a
 * kill between the two renames can fall back to the `.old-*` one.
 */
export async function writeFolderAtomic(
  dir: string,
  fill: (tempDir: string) => Promise<void>,
): Promise<void> {
  const target = path.resolve(dir);
  const suffix = uniqueSuffix();
  const temp = `${target}.tmp-${suffix}`;
  const old = `${target}.old-${suffix}`;
  await mkdir(path.dirname(target), { recursive: true });
  await mkdir(temp);
  try {
    await fill(temp);
    let hadOld = false;
    try {
      await rename(target, old);
      hadOld = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      await rename(temp, target);
    } catch (error) {
      if (hadOld) await rename(old, target);
      throw error;
    }
    if (hadOld) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
