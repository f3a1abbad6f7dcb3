import { utilityProcess } from 'electron';
import { fileURLToPath } from 'node:url';
import type { EngineLauncher } from '../engine/host/engine_process.ts';

/**
 * Electron's launcher: the engine runs in a `utilityProcess` (a Node child of the app, with
 * the app's lifetime), from the bundled entry `out/main/engine.js` beside `index.js`.
 */
export function utilityLauncher(entry: URL = new URL('./engine.js', import.meta.url)): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(fileURLToPath(entry), [], {
      serviceName: 'Continuo engine',
      stdio: 'inherit',
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess gives an exit code only; a kill by signal shows as a non-zero code.
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
  };
}
