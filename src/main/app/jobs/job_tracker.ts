import type {
  EngineEventName,
  EngineEventPayloadOf,
  EventName,
  EventPayloadOf,
  JobId,
} from '../../../shared/ipc/index.ts';
import type { EngineClient, Unsubscribe } from '../../engine/host/client.ts';

/** Pushes a UI contract event to every studio window/page. */
export type Broadcast = <E extends EventName>(event: E, payload: EventPayloadOf<E>) => void;

/** The part of the engine client a tracker needs (its events, its status, cancelling). */
export type JobEngine = Pick<EngineClient, 'on' | 'onStatus' | 'cancel'>;

/** Engine events that belong to one job (their payload names it). */
export type JobEventName = {
  [E in EngineEventName]: EngineEventPayloadOf<E> extends { jobId: JobId } ? E : never;
}[EngineEventName];

/** Options of `JobTracker`. */
export interface JobTrackerOptions<Job, Result> {
  /**
   * Ends a running job when the engine process crashes (its work died with it): tells the UI,
   * and returns the result to keep for it, if any. `reason` says what happened to the engine.
   */
  onCrash: (jobId: JobId, job: Job, reason: string) => Result | undefined;
  /** How many finished results to keep, oldest dropped first (0: none). */
  keepFinished?: number;
}

/**
 * The host's record of the engine jobs one service started (imports, training, generations):
 * which run now, their events (only for jobs it knows), their end on an engine crash, and the
 * last few finished results. `Job` is what the service remembers about a job while it runs.
 */
export class JobTracker<Job, Result = never> {
  private readonly running = new Map<JobId, Job>();
  /** Finished results, oldest first (a Map keeps insertion order). */
  private readonly finished = new Map<JobId, { job: Job; result: Result }>();

  constructor(
    private readonly engine: JobEngine,
    private readonly options: JobTrackerOptions<Job, Result>,
  ) {
    engine.onStatus((status) => {
      if (status.state === 'crashed') this.crashAll(status.message ?? 'The engine process stopped');
    });
  }

  /**
   * Registers a job, then runs the request that starts it in the engine (so events that come
   * before the answer are not dropped); when the engine refuses, the job is forgotten again.
   */
  async start<T>(jobId: JobId, job: Job, begin: () => Promise<T>): Promise<T> {
    if (this.running.has(jobId)) throw new Error(`job ${jobId} is already running`);
    this.running.set(jobId, job);
    try {
      return await begin();
    } catch (error) {
      this.running.delete(jobId);
      throw error;
    }
  }

  /** A running job; undefined once it finished. */
  get(jobId: JobId): Job | undefined {
    return this.running.get(jobId);
  }

  /** True while the job runs. */
  isRunning(jobId: JobId): boolean {
    return this.running.has(jobId);
  }

  /** True when the job runs or its result is still kept. */
  knows(jobId: JobId): boolean {
    return this.running.has(jobId) || this.finished.has(jobId);
  }

  /** A finished job and its kept result. */
  result(jobId: JobId): { job: Job; result: Result } | undefined {
    return this.finished.get(jobId);
  }

  /** The running jobs, oldest first (a copy). */
  runningJobs(): Array<[jobId: JobId, job: Job]> {
    return [...this.running];
  }

  /** How many jobs run now. */
  runningCount(): number {
    return this.running.size;
  }

  /**
   * Ends a running job, keeping `result` when given; returns the job, or undefined when it was
   * not running (already finished, or never started here), so an end is reported only once.
   */
  finish(jobId: JobId, ...result: [] | [Result]): Job | undefined {
    const job = this.running.get(jobId);
    if (job === undefined) return undefined;
    this.running.delete(jobId);
    if (result.length === 1) this.keep(jobId, job, result[0]);
    return job;
  }

  /** Asks the engine to cancel a running job; false when it does not run. */
  async cancel(jobId: JobId): Promise<boolean> {
    if (!this.running.has(jobId)) return false;
    return this.engine.cancel(jobId);
  }

  /** Listens to an engine event of the running jobs; events of other jobs are ignored. */
  on<E extends JobEventName>(
    event: E,
    listener: (payload: EngineEventPayloadOf<E>, job: Job) => void,
  ): Unsubscribe {
    return this.engine.on(event, (payload) => {
      const job = this.running.get((payload as { jobId: JobId }).jobId);
      if (job !== undefined) listener(payload, job);
    });
  }

  private crashAll(reason: string): void {
    for (const [jobId, job] of [...this.running]) {
      this.running.delete(jobId);
      const result = this.options.onCrash(jobId, job, reason);
      if (result !== undefined) this.keep(jobId, job, result);
    }
  }

  private keep(jobId: JobId, job: Job, result: Result): void {
    const limit = this.options.keepFinished ?? 0;
    if (limit <= 0) return;
    this.finished.delete(jobId);
    this.finished.set(jobId, { job, result });
    for (const oldest of this.finished.keys()) {
      if (this.finished.size <= limit) break;
      this.finished.delete(oldest);
    }
  }
}
