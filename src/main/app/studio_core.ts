import path from 'node:path';
import type { EngineStatus, Handlers, ParsedPayloadOf, Transport } from '../../shared/ipc/index.ts';
import { EngineClient } from '../engine/host/client.ts';
import type { EngineLauncher } from '../engine/host/engine_process.ts';
import { prepareDataDir, type DataDirLayout } from './data_dir.ts';
import { DatasetUploads, sweepUnusedUploads } from './dataset_uploads.ts';
import { DatasetService, type Broadcast } from './datasets_service.ts';
import { GenerationService, type ExportTarget } from './generation_service.ts';
import { createHandlers } from './handlers.ts';
import { ModelsService, type ModelFileTarget } from './models_service.ts';
import { ProjectsService, type ProjectFileTarget } from './projects_service.ts';
import { StatsService } from './stats_service.ts';
import { SettingsStore } from './storage/settings_store.ts';
import { DatasetStore } from './storage/dataset_store.ts';
import { ModelStore } from './storage/model_store.ts';
import { ProjectStore } from './storage/project_store.ts';
import { TrainingService } from './training_service.ts';

/** Options of `startStudioCore`. */
export interface StudioCoreOptions {
  version: string;
  transport: Transport;
  /** The app data folder (created when missing). */
  dataDir: string;
  /** The models shipped with the app (read-only; e.g. resources/models), when there are any. */
  shippedModelsDir?: string;
  /** How to start the engine process (fork under Node, utilityProcess in Electron). */
  launcher: EngineLauncher;
  /** Pushes an event to every studio page/window. */
  broadcast: Broadcast;
  /** The native open dialog, when the host has one. */
  openPaths?: (payload: ParsedPayloadOf<'dialog.openPaths'>) => Promise<string[]>;
  /** The native save dialog for exports (Electron); without it exports go to the data folder's exports/. */
  saveDialog?: ExportTarget['saveDialog'];
  /** The URL that downloads a file of exports/ (web host). */
  downloadUrl?: ExportTarget['downloadUrl'];
  /** Native save dialog for a one-file model export (Electron). */
  saveModelDialog?: ModelFileTarget['saveDialog'];
  /** Native open dialog for a model file to import (Electron). */
  openModelDialog?: ModelFileTarget['openDialog'];
  /** Native open dialog for a project or music file (Electron). */
  openProjectDialog?: ProjectFileTarget['openDialog'];
  /** Native save dialog for a project file (Electron). */
  saveProjectDialog?: ProjectFileTarget['saveProjectDialog'];
}

/** A running host core: the handlers to serve, the engine, the data folder. */
export interface StudioCore {
  handlers: Handlers;
  engine: EngineClient;
  /** Project files (also used by Electron's drag-out). */
  projects: ProjectsService;
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
  const uploads = new DatasetUploads(path.join(layout.root, 'uploads'));
  // Upload folders no dataset uses (never imported, or their dataset removed) go after a day.
  void sweepUnusedUploads(uploads, layout.datasets).catch(() => undefined);
  const modelStore = new ModelStore(
    layout.models,
    (folder, reason) =>
      broadcast('app.log', {
        level: 'warning',
        source: 'host',
        message: `Skipped unreadable model ${folder}: ${reason}`,
      }),
    options.shippedModelsDir,
  );
  const training = new TrainingService(engine, datasets, modelStore, layout.tokenCache, broadcast);
  const models = new ModelsService(modelStore, datasets, training, {
    exportsDir: layout.exports,
    ...(options.downloadUrl ? { downloadUrl: options.downloadUrl } : {}),
    ...(options.saveModelDialog ? { saveDialog: options.saveModelDialog } : {}),
    ...(options.openModelDialog ? { openDialog: options.openModelDialog } : {}),
  });
  const settings = new SettingsStore(layout.settings, (reason) =>
    broadcast('app.log', { level: 'warning', source: 'host', message: `Settings: ${reason}` }),
  );
  const generation = new GenerationService(
    engine,
    models,
    {
      exportsDir: layout.exports,
      ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
      ...(options.downloadUrl ? { downloadUrl: options.downloadUrl } : {}),
    },
    broadcast,
  );
  const projects = new ProjectsService(
    new ProjectStore(
      layout.projects,
      path.join(layout.root, 'autosave'),
      path.join(layout.root, 'recent-projects.json'),
      (file, reason) =>
        broadcast('app.log', { level: 'warning', source: 'host', message: `Skipped ${file}: ${reason}` }),
    ),
    {
      exportsDir: layout.exports,
      dragDir: path.join(layout.root, 'drag-out'),
      ...(options.downloadUrl ? { downloadUrl: options.downloadUrl } : {}),
      ...(options.openProjectDialog ? { openDialog: options.openProjectDialog } : {}),
      ...(options.saveProjectDialog ? { saveProjectDialog: options.saveProjectDialog } : {}),
      ...(options.saveDialog ? { saveExportDialog: options.saveDialog } : {}),
    },
    (payload) => engine.request('music.write', payload),
  );
  const handlers = createHandlers(
    { version: options.version, transport: options.transport },
    {
      datasets,
      uploads,
      models,
      training,
      generation,
      projects,
      engineStatus: () => engine.status,
      settings,
      stats: new StatsService(engine, () => ({
        imports: datasets.runningCount(),
        training: training.active().length,
        generation: generation.runningCount(),
      })),
      ...(options.openPaths ? { openPaths: options.openPaths } : {}),
    },
  );
  engine.start();
  return { handlers, engine, projects, layout, close: () => engine.stop() };
}
