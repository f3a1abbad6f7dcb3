import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/worker_script.ts';

/** A task's worker died (crashed, ran out of memory) before it answered. */
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}

/** Options of a WorkerPool. */
export interface WorkerPoolOptions {
  /** Worker entry module (`.ts` under tsx, or bundled JS). */
  entry: URL;
  /** Most workers alive at once. */
  size: number;
  /** Heap cap per worker, so one huge file fails alone instead of taking the process down. */
  maxHeapMb?: number;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  settle?: { resolve: (value: unknown) => void; reject: (error: Error) => void };
}

/**
 * A small pool of worker threads, started lazily (no task, no worker). One task per worker
 * at a time; a crashed worker fails only its task and is replaced on demand.
 */
export class WorkerPool<Request, Response> {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private destroyed = false;
  /** Workers started so far (including replacements). */
  started = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Sends `request` to a free worker and resolves with its answer. */
  async run(request: Request, transfer: ArrayBuffer[] = []): Promise<Response> {
    const slot = await this.acquire();
    try {
      return await new Promise<Response>((resolve, reject) => {
        slot.settle = { resolve: resolve as (value: unknown) => void, reject };
        slot.worker.postMessage(request, transfer);
      });
    } finally {
      slot.settle = undefined;
      slot.busy = false;
      this.waiting.shift()?.();
    }
  }

  /** Terminates every worker; pending and later tasks reject. */
  async destroy(reason: Error = new Error('worker pool closed')): Promise<void> {
    this.destroyed = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.settle?.reject(reason);
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.destroyed) throw new Error('worker pool closed');
      const free = this.slots.find((slot) => !slot.busy);
      if (free) {
        free.busy = true;
        return free;
      }
      if (this.slots.length < this.options.size) {
        const slot = this.spawn();
        slot.busy = true;
        return slot;
      }
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private spawn(): Slot {
    const resourceLimits = this.options.maxHeapMb
      ? { maxOldGenerationSizeMb: this.options.maxHeapMb }
      : undefined;
    const worker = startWorker(this.options.entry, resourceLimits ? { resourceLimits } : {});
    this.started++;
    const slot: Slot = { worker, busy: false };
    worker.on('message', (message: Response) => slot.settle?.resolve(message));
    const fail = (error: Error): void => {
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      slot.settle?.reject(new WorkerCrashError(`worker crashed: ${error.message}`));
      slot.settle = undefined;
      this.waiting.shift()?.();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}
