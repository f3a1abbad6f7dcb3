import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starting an entry module in its own OS process (training), so that an out-of-memory or a
 * native crash there never takes the caller down. Node uses `child_process.fork`; an Electron
 * host can install a launcher built on `utilityProcess.fork` with `setProcessLauncher`.
 */

/** A started child process: the small interface the callers need. */
export interface ChildEntryProcess {
  readonly pid: number | undefined;
  /** Sends a JSON-serialisable message (ignored once the child is gone). */
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone, with its exit code or the signal that killed it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `entry` (a `.ts` or `.js` module URL) in a new process. */
export type ProcessLauncher = (entry: URL) => ChildEntryProcess;

let installed: ProcessLauncher | null = null;

/** Replaces the launcher (e.g. Electron's utilityProcess, or bundled JS entries); null restores `fork`. */
export function setProcessLauncher(launcher: ProcessLauncher | null): void {
  installed = launcher;
}

const TSX_BOOTSTRAP = new URL('./tsx_worker_bootstrap.mjs', import.meta.url);

/**
 * Node's launcher: `child_process.fork`, through the tsx bootstrap for a `.ts` entry. The
 * child's stdout goes to the parent's stderr, so a parent printing JSON on stdout stays clean.
 */
export function forkProcess(entry: URL): ChildEntryProcess {
  const ts = entry.pathname.endsWith('.ts');
  const child = fork(fileURLToPath(ts ? TSX_BOOTSTRAP : entry), ts ? [entry.href] : [], {
    // The parent's flags (vitest, inspector) do not belong to the child.
    execArgv: [],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    serialization: 'json',
  });
  child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  // A send to a process that just died emits 'error'; the exit listener reports the death.
  child.on('error', () => undefined);
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}

/** Starts `entry` in its own process with the installed launcher (default: `forkProcess`). */
export function startProcess(entry: URL): ChildEntryProcess {
  return (installed ?? forkProcess)(entry);
}
