import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Resolves a worker entry written in TypeScript to what can actually be started.
 * Under tsx/vitest (sources), a `.ts` entry goes through a tiny `.mjs` bootstrap that
 * registers tsx first. A built app can install a resolver that maps entries to bundled JS.
 */
export type WorkerEntryResolver = (tsEntry: URL) => URL;

let bundledResolver: WorkerEntryResolver | null = null;

/**
 * Lets a built app (Electron main, bundled CLI) say where the compiled JS of a worker entry
 * lives, e.g. `(url) => new URL('./import_worker.js', import.meta.url)`. Pass null to reset.
 */
export function setWorkerEntryResolver(resolver: WorkerEntryResolver | null): void {
  bundledResolver = resolver;
}

/** True when a built app has said where its compiled worker entries live. */
export function hasWorkerEntryResolver(): boolean {
  return bundledResolver !== null;
}

const BOOTSTRAP = new URL('./tsx_worker_bootstrap.mjs', import.meta.url);

/** The file to start and the argv to pass so that `tsEntry` runs in a worker thread. */
export function workerLaunch(tsEntry: URL): { filename: URL; argv: string[] } {
  if (bundledResolver) return { filename: bundledResolver(tsEntry), argv: [] };
  if (tsEntry.pathname.endsWith('.ts')) return { filename: BOOTSTRAP, argv: [tsEntry.href] };
  return { filename: tsEntry, argv: [] };
}

/** Starts `tsEntry` (a `.ts` or `.js` module URL) in a new worker thread. */
export function startWorker(tsEntry: URL, options: Omit<WorkerOptions, 'argv'> = {}): Worker {
  const launch = workerLaunch(tsEntry);
  return new Worker(launch.filename, { ...options, argv: launch.argv });
}
