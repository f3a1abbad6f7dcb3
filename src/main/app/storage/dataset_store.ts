import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  DatasetRecordSchema,
  type DatasetId,
  type DatasetRecord,
  type DatasetSummary,
} from '../../../shared/ipc/index.ts';
import { writeJsonAtomic } from './atomic.ts';

/**
 * The imported datasets of the data folder: one `<id>.json` record each, written atomically.
 * Records that cannot be read (hand-edited, from a newer version) are skipped, and reported.
 */
export class DatasetStore {
  constructor(
    private readonly dir: string,
    private readonly onBadRecord: (file: string, reason: string) => void = () => undefined,
  ) {}

  /** Saves (or replaces) a record. */
  async save(record: DatasetRecord): Promise<void> {
    await writeJsonAtomic(this.file(record.id), DatasetRecordSchema.parse(record));
  }

  /** One record, or undefined when there is none (or it is unreadable). */
  async get(id: DatasetId): Promise<DatasetRecord | undefined> {
    return this.read(this.file(id));
  }

  /** Summaries of every readable record, newest first. */
  async list(): Promise<DatasetSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const records = await Promise.all(
      names.filter((name) => name.endsWith('.json')).map((name) => this.read(path.join(this.dir, name))),
    );
    return records
      .filter((record): record is DatasetRecord => record !== undefined)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      .map(summarize);
  }

  /** Deletes a record; false when there was none. */
  async remove(id: DatasetId): Promise<boolean> {
    try {
      await rm(this.file(id));
      return true;
    } catch {
      return false;
    }
  }

  /** A `DatasetId` has passed `DatasetIdSchema`, so its file cannot escape the folder. */
  private file(id: DatasetId): string {
    return path.join(this.dir, `${id}.json`);
  }

  private async read(file: string): Promise<DatasetRecord | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return DatasetRecordSchema.parse(JSON.parse(text));
    } catch (error) {
      this.onBadRecord(file, error instanceof Error ? error.message.slice(0, 300) : String(error));
      return undefined;
    }
  }
}

/** A record's list entry: everything but the issue lists. */
export function summarize(record: DatasetRecord): DatasetSummary {
  return {
    id: record.id,
    name: record.name,
    codec: record.codec,
    paths: record.paths,
    createdAt: record.createdAt,
    stats: record.stats,
    errorCount: record.errors.length,
    warningCount: record.warnings.length,
  };
}
