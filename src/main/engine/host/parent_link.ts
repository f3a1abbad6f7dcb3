/**
 * The engine process's line to its host, whichever way it was started: Electron's
 * `utilityProcess` (messages on `process.parentPort`) or Node's `child_process.fork` (IPC channel).
 */
export interface ParentLink {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The link to the host; throws when this process was not started by one. */
export function parentLink(): ParentLink {
  const parentPort = (process as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('the engine must be started by a host (utilityProcess or child_process.fork)');
  // The host is gone: nobody can use our results, so stop rather than linger as an orphan.
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message) => {
      if (process.connected) send(message);
    },
    onMessage: (listener) => process.on('message', listener),
  };
}
