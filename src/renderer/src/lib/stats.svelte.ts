import type { ContinuoApi } from '../../../shared/ipc/api.ts';
import type { EngineStats, EventName } from '../../../shared/ipc/index.ts';

/** How often the status bar asks for fresh figures. */
export const STATS_INTERVAL_MS = 3000;
/** Shortest gap between two asks when job events hurry them. */
const MIN_GAP_MS = 500;
/** Events that mean a job started, moved or ended: the job counts may have changed. */
const JOB_EVENTS: readonly EventName[] = [
  'datasets.progress',
  'datasets.finished',
  'training.progress',
  'training.finished',
  'generation.event',
  'generation.finished',
];

/**
 * The status bar's live figures (`engine.stats`): polled every few seconds while started, and
 * sooner when a job event arrives (so a short job still shows in the running count).
 */
export class StatsModel {
  stats = $state<EngineStats | undefined>(undefined);

  constructor(
    private readonly api: ContinuoApi,
    private readonly intervalMs = STATS_INTERVAL_MS,
  ) {}

  /** Polls now and every interval; returns the function that stops polling. */
  start(): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    let lastAsk = 0;
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      if (asking || stopped) return;
      asking = true;
      lastAsk = Date.now();
      try {
        this.stats = await this.api.request('engine.stats');
      } catch {
        // Keep the last figures; the host's own status line says when it is unreachable.
      } finally {
        asking = false;
      }
      if (!stopped) timer = setTimeout(() => void tick(), this.intervalMs);
    };
    const hurry = (): void => {
      if (asking || stopped) return;
      clearTimeout(timer);
      timer = setTimeout(() => void tick(), Math.max(0, lastAsk + MIN_GAP_MS - Date.now()));
    };
    const unsubscribe = JOB_EVENTS.map((event) => this.api.on(event, hurry));
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
    };
  }
}

/** Bytes as whole megabytes, e.g. `142 MB`. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1_048_576)} MB`;
}

/** The backend's name as the user knows it. */
export function backendLabel(backend: string): string {
  return backend === 'tensorflow' ? 'tfjs-node' : backend;
}
