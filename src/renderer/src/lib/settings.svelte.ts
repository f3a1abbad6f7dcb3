import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type { SettingsUpdatePayload, StudioSettings } from '../../../shared/ipc/index.ts';
import { errorText } from './early_events.ts';

/** How long changes wait before they are saved, so a burst of edits makes one write. */
const SAVE_DELAY_MS = 400;

/**
 * The remembered settings (settings.json in the data folder): loaded once at start, changed by
 * the forms that use them and saved after a short pause (debounced).
 */
export class SettingsModel {
  settings = $state<StudioSettings>({});
  loaded = $state(false);
  error = $state<string | undefined>(undefined);

  private pending: SettingsUpdatePayload = {};
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ContinuoApi,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  /** Loads the settings from the host (defaults when it has none). */
  async load(): Promise<void> {
    try {
      this.settings = await this.api.request('settings.get');
      this.error = undefined;
    } catch (error) {
      this.error = `Could not load the settings: ${errorText(error)}`;
    } finally {
      this.loaded = true;
    }
  }

  /** Changes settings now and saves them shortly. */
  save(change: SettingsUpdatePayload): void {
    this.settings = { ...this.settings, ...change };
    this.pending = { ...this.pending, ...change };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves pending changes at once. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    const change = this.pending;
    this.pending = {};
    if (Object.keys(change).length === 0) return;
    try {
      await this.api.request('settings.update', change);
      this.error = undefined;
    } catch (error) {
      this.error = `Could not save the settings: ${errorText(error)}`;
    }
  }
}
