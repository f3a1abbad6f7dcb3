import type { EngineHandlers } from '../context.ts';

/** `engine.ping`: who and how long. */
export function engineHandlers(): Pick<EngineHandlers, 'engine.ping'> {
  return {
    'engine.ping': () => ({ pid: process.pid, uptimeSeconds: process.uptime() }),
  };
}
