/** Running jobs of the engine process, by id, so they can be cancelled. */
export class JobRegistry {
  private readonly running = new Map<string, AbortController>();

  /** Registers a job and returns the signal that cancels it; an id already running is refused. */
  start(jobId: string): AbortSignal {
    if (this.running.has(jobId)) throw new Error(`job ${jobId} is already running`);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    return controller.signal;
  }

  /**
   * Runs a job's work in the background with the signal that cancels it, and forgets the job
   * when the work ends (the work reports its own end through events, so it must not throw).
   */
  run(jobId: string, work: (signal: AbortSignal) => Promise<void>): void {
    const signal = this.start(jobId);
    void work(signal).finally(() => this.end(jobId));
  }

  /** Forgets a finished job. */
  end(jobId: string): void {
    this.running.delete(jobId);
  }

  /** Cancels a running job; false when there is none with that id. */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    if (!controller) return false;
    controller.abort(new Error('cancelled'));
    return true;
  }

  /** Ids of the jobs running now. */
  ids(): string[] {
    return [...this.running.keys()];
  }
}
