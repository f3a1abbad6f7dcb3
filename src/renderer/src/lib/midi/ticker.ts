/**
 * A steady tick for just-in-time scheduling that keeps running while the window is in the
 * background: a page's timers are throttled there, a worker's are not. Falls back to
 * `setInterval` where a worker cannot start (or in Node, for tests).
 */

/** The part of a Worker this uses (typed here so the module also compiles without DOM types). */
interface TickWorker {
  onmessage: ((event: unknown) => void) | null;
  postMessage(message: number): void;
  terminate(): void;
}

const WORKER_SOURCE = `let t;onmessage=(e)=>{clearInterval(t);if(e.data>0)t=setInterval(()=>postMessage(0),e.data)}`;

/** Starts calling `onTick` every `intervalMs`; returns a stop function. */
export function startTicker(intervalMs: number, onTick: () => void): () => void {
  const WorkerClass = (globalThis as { Worker?: new (url: string) => TickWorker }).Worker;
  let url: string | undefined;
  let worker: TickWorker | undefined;
  if (WorkerClass) {
    try {
      url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      worker = new WorkerClass(url);
      worker.onmessage = () => onTick();
      worker.postMessage(intervalMs);
    } catch {
      worker = undefined;
    }
  }
  if (!worker) {
    if (url) URL.revokeObjectURL(url);
    const timer = setInterval(onTick, intervalMs);
    return () => clearInterval(timer);
  }
  const running = worker;
  return () => {
    running.postMessage(0);
    running.terminate();
    if (url) URL.revokeObjectURL(url);
  };
}
