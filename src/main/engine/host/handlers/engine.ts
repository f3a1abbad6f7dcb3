import { chosenBackend, initBackend } from '../../model/backend.ts';
import type { EngineHandlers } from '../context.ts';

/** `engine.ping`: who and how long; `engine.stats`: the TensorFlow.js backend and memory. */
export function engineHandlers(): Pick<EngineHandlers, 'engine.ping' | 'engine.stats'> {
  return {
    'engine.ping': () => ({ pid: process.pid, uptimeSeconds: process.uptime() }),
    'engine.stats': async () => {
      // The backend training uses: the one already chosen, else the default search (fastest first),
      // never a new search that could switch backends under a running job.
      const backend = await (chosenBackend() ?? initBackend()).then(
        (info) => info.name as string,
        () => 'none',
      );
      const memory = process.memoryUsage();
      return { backend, rss: memory.rss, heapUsed: memory.heapUsed };
    },
  };
}
