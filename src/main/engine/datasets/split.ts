import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCsvRecords } from './csv.ts';
import type { SplitName } from './types.ts';

/** Share of items the hash split puts in validation. */
export const VALIDATION_FRACTION = 0.1;

/**
 * Train or validation by a stable hash of the item's key (relative path, plus `#<tune>` for
 * ABC): the same item always lands in the same split, whatever else is in the dataset.
 */
export function hashSplit(key: string, validationFraction = VALIDATION_FRACTION): SplitName {
  const digest = createHash('sha256').update(key).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < validationFraction ? 'validation' : 'train';
}

/** The key `hashSplit` uses for an item: `rel` or `rel#tune`. */
export function splitKey(rel: string, item?: number): string {
  return item === undefined ? rel : `${rel}#${item}`;
}

/** Splits read from a MAESTRO metadata CSV, by file path relative to the CSV's folder. */
export interface SplitTable {
  csv: string;
  byRelPath: Map<string, SplitName>;
  byBaseName: Map<string, SplitName>;
}

/** Reads a MAESTRO-style CSV with `midi_filename` and `split` columns (`train`, `validation`, `test`). */
export async function readSplitCsv(csv: string): Promise<SplitTable> {
  const records = parseCsvRecords(await readFile(csv, 'utf8'));
  const table: SplitTable = { csv, byRelPath: new Map(), byBaseName: new Map() };
  for (const record of records) {
    const name = record.midi_filename;
    const split = record.split?.trim();
    if (!name || (split !== 'train' && split !== 'validation' && split !== 'test')) continue;
    const rel = name.replaceAll('\\', '/');
    table.byRelPath.set(rel, split);
    table.byBaseName.set(path.posix.basename(rel), split);
  }
  if (table.byRelPath.size === 0) throw new Error(`${csv}: no rows with midi_filename and split columns`);
  return table;
}

/** The CSV's split for `file`, matched by path relative to the CSV's folder, else by file name. */
export function lookupSplit(table: SplitTable, file: string): SplitName | undefined {
  const rel = path.relative(path.dirname(table.csv), file).split(path.sep).join('/');
  return table.byRelPath.get(rel) ?? table.byBaseName.get(path.basename(file));
}

const MAESTRO_CSV = /^maestro-v(\d+(?:\.\d+)*)\.csv$/i;

/**
 * The MAESTRO metadata CSV beside scanned folders (in a folder or its parent), or null.
 * With several versions, the oldest wins (v1.0.0 holds the original split).
 */
export async function findMaestroCsv(folders: readonly string[]): Promise<string | null> {
  const candidates: Array<{ file: string; version: number[] }> = [];
  const looked = new Set<string>();
  for (const folder of folders) {
    for (const dir of [path.resolve(folder), path.dirname(path.resolve(folder))]) {
      if (looked.has(dir)) continue;
      looked.add(dir);
      let names: string[] = [];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const match = MAESTRO_CSV.exec(name);
        if (match) candidates.push({ file: path.join(dir, name), version: match[1].split('.').map(Number) });
      }
    }
  }
  candidates.sort((a, b) => compareVersions(a.version, b.version) || (a.file < b.file ? -1 : 1));
  return candidates[0]?.file ?? null;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
