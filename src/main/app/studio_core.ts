import type { EngineStatus, Handlers, ParsedPayloadOf, Transport } from '../../shared/ipc/index.ts';
import { EngineClient } from '../engine/host/client.ts';
import type { EngineLauncher } from '../engine/host/engine_process.ts';
import { prepareDataDir, type DataDirLayout } from './data_dir.ts';
import { DatasetService, type Broadcast } from './datasets_service.ts';
import { createHandlers } from './handlers.ts';
import { DatasetStore } from './storage/dataset_store.ts';

/** Options of `startStudioCore`. */
export interface StudioCoreOptions {
  version: string;
  transport: Transport;
  /** The app data folder (created when missing). */
  dataDir: string;
  /** How to start the engine process (fork under Node, utilityProcess in Electron). */
  launcher: EngineLauncher;
  /** Pushes an event to every studio page/window. */
  broadcast: Broadcast;
  /** The native open dialog, when the host has one. */
  openPaths?: (payload: ParsedPayloadOf<'dialog.openPaths'>) => Promise<string[]>;
}

/** A running host core: the handlers to serve, the engine, the data folder. */
export interface StudioCore {
  handlers: Handlers;
  engine: EngineClient;
  layout: DataDirLayout;
  /** Stops the engine (the host closes its own transport). */
  close(): Promise<void>;
}

/**
 * What Electron main and the web host share: the data folder, the engine process and its
 * restarts, the dataset store and the contract's handlers. Engine status changes are broadcast.
 */
export async function startStudioCore(options: StudioCoreOptions): Promise<StudioCore> {
  const layout = await prepareDataDir(options.dataDir);
  const { broadcast } = options;
  const engine = new EngineClient({ launcher: options.launcher });
  engine.onStatus((status: EngineStatus) => {
    broadcast('engine.status', status);
    if (status.state === 'crashed') {
      broadcast('app.log', {
        level: 'error',
        source: 'host',
        message: status.message ?? 'The engine crashed',
      });
    }
  });
  engine.on('app.log', (line) => broadcast('app.log', line));
  const store = new DatasetStore(layout.datasets, (file, reason) =>
    broadcast('app.log', {
      level: 'warning',
      source: 'host',
      message: `Skipped unreadable dataset ${file}: ${reason}`,
    }),
  );
  const datasets = new DatasetService(engine, store, layout.tokenCache, broadcast);
  const handlers = createHandlers(
    { version: options.version, transport: options.transport },
    {
      datasets,
      engineStatus: () => engine.status,
      ...(options.openPaths ? { openPaths: options.openPaths } : {}),
    },
  );
  engine.start();
  return { handlers, engine, layout, close: () => engine.stop() };
}
