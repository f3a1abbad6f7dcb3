import path from 'node:path';

/** How a file is imported, by its extension. */
export type MusicFileKind = 'midi' | 'abc';

/** `midi` for `.mid`/`.midi`, `abc` for `.abc` (any letter case), else null. */
export function musicFileKind(file: string): MusicFileKind | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mid' || ext === '.midi') return 'midi';
  if (ext === '.abc') return 'abc';
  return null;
}

/** True for files a dataset takes. */
export function isMusicFile(file: string): boolean {
  return musicFileKind(file) !== null;
}
