import {
  IpcError,
  type EngineStatus,
  type Handlers,
  type ParsedPayloadOf,
  type Transport,
} from '../../shared/ipc/index.ts';
import type { DatasetService } from './datasets_service.ts';

/** What a host knows about itself; the same handlers serve Electron main and the web host. */
export interface HostFacts {
  /** The app version (package.json). */
  version: string;
  transport: Transport;
  /** The TensorFlow.js backend in use, once the engine has started one. */
  engineBackend?: () => string | undefined;
}

/** The host's services behind the handlers; absent ones answer a typed error. */
export interface HostServices {
  datasets?: DatasetService;
  engineStatus?: () => EngineStatus;
  /** The native open dialog (Electron); without it `dialog.openPaths` answers `unsupported`. */
  openPaths?: (payload: ParsedPayloadOf<'dialog.openPaths'>) => Promise<string[]>;
}

function noEngine(): never {
  throw new IpcError({ code: 'engine_unavailable', message: 'This host runs no engine' });
}

/** The implementation of every request in the IPC contract, for one host. */
export function createHandlers(facts: HostFacts, services: HostServices = {}): Handlers {
  const datasets = (): DatasetService => services.datasets ?? noEngine();
  return {
    'app.info': () => {
      const engineBackend = facts.engineBackend?.();
      return {
        version: facts.version,
        platform: process.platform,
        transport: facts.transport,
        ...(engineBackend ? { engineBackend } : {}),
      };
    },
    'engine.status': () => services.engineStatus?.() ?? { state: 'stopped', restarts: 0 },
    'dialog.openPaths': async (payload) => {
      if (!services.openPaths) {
        throw new IpcError({
          code: 'unsupported',
          message: 'This host has no native file dialog: type or paste a path instead',
        });
      }
      return { paths: await services.openPaths(payload) };
    },
    'datasets.import': (payload) => datasets().import(payload),
    'datasets.list': async () => ({ datasets: await datasets().list() }),
    'datasets.get': ({ id }) => datasets().get(id),
    'datasets.remove': async ({ id }) => ({ removed: await datasets().remove(id) }),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: await datasets().cancel(jobId) }),
  };
}
