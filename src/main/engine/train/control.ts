import type { TrainingHandle, TrainResult } from './types.ts';

/** Pause / resume / stop requests of a running training loop, polled between steps. */
export class RunControl {
  private pausedFlag = false;
  private stopFlag = false;
  private wake: (() => void) | null = null;
  private readonly stopper = new AbortController();

  /** Aborts when a stop is requested: long preparations (the dataset import) end early. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  get stopRequested(): boolean {
    return this.stopFlag;
  }

  /** Set while the foreground needs a core (see `TrainingHandle.yieldCores`); read before each step. */
  coresYielded = false;

  pause(): void {
    if (!this.stopFlag) this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }

  stop(): void {
    this.stopFlag = true;
    this.pausedFlag = false;
    this.wake?.();
    if (!this.stopper.signal.aborted) this.stopper.abort(new Error('stopped'));
  }

  /** Resolves once not paused (resume or stop), calling `whilePaused` every `everyMs`. */
  async waitWhilePaused(whilePaused: () => void, everyMs = 2000): Promise<void> {
    if (!this.pausedFlag) return;
    whilePaused();
    const timer = setInterval(whilePaused, everyMs);
    try {
      while (this.pausedFlag) await new Promise<void>((resolve) => (this.wake = resolve));
    } finally {
      clearInterval(timer);
      this.wake = null;
    }
  }

  /** The public handle of a run driven by this control. */
  handle(done: Promise<TrainResult>): TrainingHandle {
    return {
      pause: () => this.pause(),
      resume: () => this.resume(),
      stop: () => this.stop(),
      yieldCores: (busy) => {
        this.coresYielded = busy;
      },
      done,
    };
  }
}
