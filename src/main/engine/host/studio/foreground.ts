/**
 * What the musician is waiting for right now (generations; the jam when it comes): while any
 * runs, training yields its second core to it (data_parallel.ts pauses its worker).
 */
export class ForegroundActivity {
  private readonly running = new Set<string>();
  private readonly listeners = new Set<(busy: boolean) => void>();

  /** True while a foreground job runs. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  begin(jobId: string): void {
    const was = this.busy;
    this.running.add(jobId);
    if (!was) this.notify();
  }

  end(jobId: string): void {
    if (this.running.delete(jobId) && !this.busy) this.notify();
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (busy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.busy);
  }
}
