import {
  IpcError,
  type EngineStatus,
  type Handlers,
  type ParsedPayloadOf,
  type Transport,
} from '../../shared/ipc/index.ts';
import type { DatasetUploads } from './dataset_uploads.ts';
import type { DatasetService } from './datasets_service.ts';
import type { GenerationService } from './generation_service.ts';
import type { ModelsService } from './models_service.ts';
import type { ProjectsService } from './projects_service.ts';
import type { StatsService } from './stats_service.ts';
import type { SettingsStore } from './storage/settings_store.ts';
import type { TrainingService } from './training_service.ts';

/** What a host knows about itself; the same handlers serve Electron main and the web host. */
export interface HostFacts {
  /** The app version (package.json). */
  version: string;
  transport: Transport;
}

/** The host's services behind the handlers; absent ones answer a typed error. */
export interface HostServices {
  datasets?: DatasetService;
  /** Music files the page sends for a dataset (its upload folders). */
  uploads?: DatasetUploads;
  models?: ModelsService;
  training?: TrainingService;
  generation?: GenerationService;
  /** Project files, autosave and recovery, MIDI/ABC import and export. */
  projects?: ProjectsService;
  engineStatus?: () => EngineStatus;
  /** Backend, memory and running jobs for the status bar; without it only main's memory is known. */
  stats?: StatsService;
  /** settings.json; without it `settings.get` answers the defaults and `settings.update` `unsupported`. */
  settings?: SettingsStore;
  /** The native open dialog (Electron); without it `dialog.openPaths` answers `unsupported`. */
  openPaths?: (payload: ParsedPayloadOf<'dialog.openPaths'>) => Promise<string[]>;
}

function noEngine(): never {
  throw new IpcError({ code: 'engine_unavailable', message: 'This host runs no engine' });
}

/** The implementation of every request in the IPC contract, for one host. */
export function createHandlers(facts: HostFacts, services: HostServices = {}): Handlers {
  const datasets = (): DatasetService => services.datasets ?? noEngine();
  const models = (): ModelsService => services.models ?? noEngine();
  const training = (): TrainingService => services.training ?? noEngine();
  const generation = (): GenerationService => services.generation ?? noEngine();
  const projects = (): ProjectsService =>
    services.projects ??
    (() => {
      throw new IpcError({ code: 'unsupported', message: 'This host keeps no projects' });
    })();
  return {
    'app.info': () => ({ version: facts.version, platform: process.platform, transport: facts.transport }),
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
    'datasets.inspect': ({ paths }) => datasets().inspect(paths),
    'datasets.upload': (payload) => {
      if (!services.uploads)
        throw new IpcError({
          code: 'unsupported',
          message: 'This host takes no uploads: give the path instead',
        });
      return services.uploads.receive(payload);
    },
    'jobs.cancel': async ({ jobId }) => ({
      cancelled: services.generation?.has(jobId)
        ? await generation().cancel(jobId)
        : await datasets().cancel(jobId),
    }),
    'models.list': async () => ({ models: await models().list() }),
    'models.get': ({ id }) => models().get(id),
    'models.remove': async ({ id }) => ({ removed: await models().remove(id) }),
    'models.restore': ({ id }) => models().restore(id),
    'models.rename': ({ id, name }) => models().rename(id, name),
    'models.duplicate': ({ id, name }) => models().duplicate(id, name),
    'models.export': (payload) => models().export(payload),
    'models.import': (payload) => models().import(payload),
    'engine.stats': async () =>
      (await services.stats?.stats()) ?? {
        mainRss: process.memoryUsage().rss,
        jobs: { imports: 0, training: 0, generation: 0 },
      },
    'settings.get': async () => (await services.settings?.get()) ?? {},
    'settings.update': (payload) => {
      if (!services.settings)
        throw new IpcError({ code: 'unsupported', message: 'This host keeps no settings' });
      return services.settings.update(payload);
    },
    'training.estimate': (payload) => training().estimate(payload),
    'training.start': (payload) => training().start(payload),
    'training.continue': (payload) => training().continueRun(payload),
    'training.pause': async ({ jobId }) => ({ ok: await training().control(jobId, 'pause') }),
    'training.resume': async ({ jobId }) => ({ ok: await training().control(jobId, 'resume') }),
    'training.stop': async ({ jobId }) => ({ ok: await training().control(jobId, 'stop') }),
    'training.active': () => ({ jobs: training().active() }),
    'generation.start': async (payload) => {
      const started = await generation().start(payload);
      // Remember these settings for the next session (the seed is not kept).
      const { temperature, topK, topP, length, variations, key } = payload;
      void services.settings
        ?.update({ generation: { temperature, topK, topP, length, variations, ...(key ? { key } : {}) } })
        .catch(() => undefined);
      return started;
    },
    'generation.export': (payload) => generation().export(payload),
    'projects.save': (payload) => projects().save(payload),
    'projects.open': (payload) => projects().open(payload),
    'projects.import': (payload) => projects().import(payload),
    'projects.recent': () => projects().recent(),
    'projects.autosave': (payload) => projects().autosave(payload),
    'projects.recoverable': () => projects().recoverable(),
    'projects.recover': ({ projectId }) => projects().recover(projectId),
    'projects.discardAutosave': ({ projectId }) => projects().discardAutosave(projectId),
    'projects.export': (payload) => projects().export(payload),
  };
}
