import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared datasets beside the clone (`../shared/data`); never copied into the project. */
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');

/** Path of a file or folder under ../shared/data. */
export function sharedData(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}

/** True when ../shared/data is present (it is in CI). */
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);
