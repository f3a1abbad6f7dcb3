import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A synthetic tune book: `count` tunes that all play the same 4-bar phrase, so the next token
 * is almost always determined by the previous ones. A model that learns must get its loss
 * far below chance on it.
 */
export function syntheticAbc(count = 40): string {
  const tunes: string[] = [];
  for (let i = 1; i <= count; i++) {
    tunes.push(
      [`X:${i}`, `T:Synthetic ${i}`, 'M:6/8', 'L:1/8', 'K:G', '|:GAB cde|dcB AGF|GAB cde|d3 G3:|', ''].join(
        '\n',
      ),
    );
  }
  return tunes.join('\n');
}

/** A new temporary folder for one test file's outputs. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `continuo-${prefix}-`));
}

/** Writes the synthetic tune book into `dir` and returns its path. */
export async function writeSyntheticAbc(dir: string, count = 40): Promise<string> {
  const file = path.join(dir, 'synthetic.abc');
  await writeFile(file, syntheticAbc(count));
  return file;
}
