import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One running engine process, whatever started it; the small interface `EngineClient` needs. */
export interface EngineProcess {
  /** OS process id, when known. */
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone, with its exit code or the signal that killed it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Stops the process (SIGTERM; the host's own shutdown). */
  kill(): void;
}

/** Starts a fresh engine process. */
export type EngineLauncher = () => EngineProcess;

/** The engine entry in the sources. */
export const ENGINE_ENTRY = new URL('./engine_main.ts', import.meta.url);
const TSX_BOOTSTRAP = new URL('../runtime/tsx_worker_bootstrap.mjs', import.meta.url);

/**
 * Node's launcher: `child_process.fork`. A `.ts` entry (sources, tests, the web host) runs
 * through the tsx bootstrap; a bundled `.js` entry runs directly.
 */
export function forkLauncher(
  entry: URL = ENGINE_ENTRY,
  env: NodeJS.ProcessEnv = process.env,
): EngineLauncher {
  return () => {
    const ts = entry.pathname.endsWith('.ts');
    const script = fileURLToPath(ts ? TSX_BOOTSTRAP : entry);
    const child = fork(script, ts ? [entry.href] : [], {
      // The host's own flags (vitest, inspector) do not belong to the engine.
      execArgv: [],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    // A send to a process that just died emits 'error'; the exit handler reports the death.
    child.on('error', () => undefined);
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
      kill: () => child.kill('SIGTERM'),
    };
  };
}
