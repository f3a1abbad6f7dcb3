import type { EngineStats } from '../../shared/ipc/index.ts';
import type { EngineClient } from '../engine/host/client.ts';

/** How long the status bar waits for the engine (it may be busy in a long training step). */
const ENGINE_STATS_TIMEOUT_MS = 1500;

/** Counts of running jobs, by kind. */
export type JobCounts = EngineStats['jobs'];

/**
 * What the status bar polls: the engine's backend and memory (the last answer is reused while the
 * engine is too busy to answer in time), main's memory and the running jobs.
 */
export class StatsService {
  private lastEngine: { backend: string; rss: number; heapUsed: number } | undefined;

  constructor(
    private readonly engine: EngineClient,
    private readonly jobs: () => JobCounts,
  ) {}

  /** The current figures; engine fields are absent while the engine is down and has never answered. */
  async stats(): Promise<EngineStats> {
    if (this.engine.status.state === 'running') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ENGINE_STATS_TIMEOUT_MS);
      });
      const answer = await Promise.race([
        this.engine.request('engine.stats', {}).catch(() => undefined),
        timeout,
      ]);
      clearTimeout(timer);
      if (answer) this.lastEngine = answer;
    } else {
      this.lastEngine = undefined;
    }
    const engine = this.lastEngine;
    return {
      ...(engine ? { backend: engine.backend, engineRss: engine.rss, engineHeapUsed: engine.heapUsed } : {}),
      mainRss: process.memoryUsage().rss,
      jobs: this.jobs(),
    };
  }
}
