/**
 * Events that arrive before the request that started their job has answered (the host may
 * broadcast progress before the answer gets back). Kept by job id, a few at most.
 */
export class EarlyEvents<T extends { jobId: string }> {
  private readonly kept: T[] = [];

  constructor(private readonly limit = 200) {}

  /** Keeps an event of a job not known yet. */
  add(event: T): void {
    this.kept.push(event);
    if (this.kept.length > this.limit) this.kept.shift();
  }

  /** Removes and returns the kept events of a job, oldest first. */
  take(jobId: string): T[] {
    const mine = this.kept.filter((event) => event.jobId === jobId);
    const rest = this.kept.filter((event) => event.jobId !== jobId);
    this.kept.length = 0;
    this.kept.push(...rest);
    return mine;
  }
}

/** A readable message of anything thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
