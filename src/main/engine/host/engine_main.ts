/**
 * Entry of the engine process (music I/O, datasets, models): started by the host with
 * `utilityProcess.fork` in Electron or `child_process.fork` under Node, never run in the host.
 */
import path from 'node:path';
import { forkProcess, setProcessLauncher } from '../runtime/process_launch.ts';
import { setWorkerEntryResolver } from '../runtime/worker_script.ts';
import { serveEngine } from './loop.ts';
import { parentLink } from './parent_link.ts';

// Bundled (the built app): worker entries are sibling `.js` files of the same name.
if (import.meta.url.endsWith('.js')) {
  setWorkerEntryResolver((entry) => new URL(`./${path.basename(entry.pathname, '.ts')}.js`, import.meta.url));
  // The training process too (Electron's Node runs a forked child as plain Node).
  setProcessLauncher((entry) =>
    forkProcess(new URL(`./${path.basename(entry.pathname, '.ts')}.js`, import.meta.url)),
  );
}

serveEngine(parentLink());
