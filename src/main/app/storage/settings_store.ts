import { readFile } from 'node:fs/promises';
import {
  StudioSettingsSchema,
  type SettingsUpdatePayload,
  type StudioSettings,
} from '../../../shared/ipc/index.ts';
import { writeJsonAtomic } from './atomic.ts';

/**
 * settings.json of the data folder: the studio's remembered choices (last generation settings,
 * last import codec). Read once and cached; every update is validated and written atomically.
 * A missing file gives the defaults; a corrupt one gives the defaults and a report.
 */
export class SettingsStore {
  private cached: Promise<StudioSettings> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onBadFile: (reason: string) => void = () => undefined,
  ) {}

  /** The current settings (defaults when the file is missing or unreadable). */
  async get(): Promise<StudioSettings> {
    this.cached ??= this.read();
    return structuredClone(await this.cached);
  }

  /** Replaces the given parts, saves atomically and returns the new settings. */
  update(change: SettingsUpdatePayload): Promise<StudioSettings> {
    // Updates run one after another, in call order, so the file ends with the latest settings.
    const run = this.queue.then(async () => {
      const next = StudioSettingsSchema.parse({ ...(await this.get()), ...change });
      await writeJsonAtomic(this.file, next);
      this.cached = Promise.resolve(next);
      return structuredClone(next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<StudioSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.onBadFile(`cannot read ${this.file}: ${(error as Error).message}`);
      return {};
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.onBadFile(`${this.file} is not valid JSON (${(error as Error).message}); using the defaults`);
      return {};
    }
    const parsed = StudioSettingsSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.onBadFile(
        `${this.file}: ${issue.path.join('.') || '(root)'}: ${issue.message}; using the defaults`,
      );
      return {};
    }
    return parsed.data;
  }
}
