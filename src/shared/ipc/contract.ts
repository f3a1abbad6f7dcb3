import { z } from 'zod';
import {
  DatasetFinishedSchema,
  DatasetInspectResultSchema,
  DatasetImportPayloadSchema,
  DatasetProgressSchema,
  DatasetRecordSchema,
  DatasetSummarySchema,
} from './schemas/datasets.ts';
import { EngineStatusSchema, LogLineSchema, OpenPathsPayloadSchema } from './schemas/engine.ts';
import { LaunchFileSchema } from './schemas/launch.ts';
import { DatasetUploadPayloadSchema, DatasetUploadedSchema } from './schemas/uploads.ts';
import { DatasetIdSchema, JobIdSchema, LocalPathSchema, ModelIdSchema } from './schemas/ids.ts';
import {
  GenerationEventSchema,
  GenerationExportPayloadSchema,
  GenerationExportSchema,
  GenerationFinishedSchema,
  GenerationStartPayloadSchema,
} from './schemas/generation.ts';
import {
  ModelDuplicatePayloadSchema,
  ModelExportPayloadSchema,
  ModelExportSchema,
  ModelImportPayloadSchema,
  ModelRecordSchema,
  ModelSummarySchema,
} from './schemas/models.ts';
import { EngineStatsSchema, SettingsUpdatePayloadSchema, StudioSettingsSchema } from './schemas/settings.ts';
import {
  TrainingEstimatePayloadSchema,
  TrainingEstimateSchema,
  TrainingFinishedSchema,
  TrainingProgressSchema,
  TrainingSampleSchema,
  TrainingStartPayloadSchema,
} from './schemas/training.ts';
import {
  AutosaveSummarySchema,
  ProjectAutosavePayloadSchema,
  ProjectExportPayloadSchema,
  ProjectExportSchema,
  ProjectImportPayloadSchema,
  ProjectImportSchema,
  ProjectOpenedSchema,
  ProjectSavePayloadSchema,
  ProjectSavedSchema,
  ProjectSourceSchema,
  RecentProjectSchema,
} from './schemas/projects.ts';

/**
 * The one IPC contract between the studio UI and its host (Electron main or the web host).
 * Every request names a zod schema for its payload and its result; every event names a
 * schema for its payload. Both ends validate with these same schemas.
 */

/** How the UI reaches its host. */
export const TransportSchema = z.enum(['electron', 'websocket']);
/** How the UI reaches its host: the Electron preload bridge or the local WebSocket host. */
export type Transport = z.infer<typeof TransportSchema>;

/** A request that takes no payload: `{}` (or nothing), and no other keys. */
const NoPayload = z.strictObject({}).optional();

/** Result of `app.info`: what the status bar shows. */
export const AppInfoSchema = z.strictObject({
  /** The app version from package.json. */
  version: z.string().min(1).max(64),
  /** Node's `process.platform` of the host. */
  platform: z.string().min(1).max(32),
  transport: TransportSchema,
});
/** Result of `app.info`. */
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** Every request the host answers: method name -> payload and result schemas. */
export const requests = {
  'app.info': { payload: NoPayload, result: AppInfoSchema },
  /** The engine process's current state (later changes come as `engine.status` events). */
  'engine.status': { payload: NoPayload, result: EngineStatusSchema },
  /** Native open dialog (Electron only; the web host answers `unsupported` and the UI asks for a path). */
  'dialog.openPaths': {
    payload: OpenPathsPayloadSchema,
    result: z.strictObject({ paths: z.array(LocalPathSchema).max(1000) }),
  },
  /** Starts importing files/folders into a new dataset; progress and the end come as events. */
  'datasets.import': {
    payload: DatasetImportPayloadSchema,
    result: z.strictObject({ jobId: JobIdSchema, datasetId: DatasetIdSchema }),
  },
  /** Every imported dataset, newest first. */
  'datasets.list': {
    payload: NoPayload,
    result: z.strictObject({ datasets: z.array(DatasetSummarySchema) }),
  },
  /** One dataset with its figures, errors and warnings (`not_found` when it does not exist). */
  'datasets.get': { payload: z.strictObject({ id: DatasetIdSchema }), result: DatasetRecordSchema },
  /** Forgets a dataset (the music files themselves are never touched). */
  'datasets.remove': {
    payload: z.strictObject({ id: DatasetIdSchema }),
    result: z.strictObject({ removed: z.boolean() }),
  },
  /** One music file from the page (browser picker or drop) into an upload folder to import. */
  'datasets.upload': { payload: DatasetUploadPayloadSchema, result: DatasetUploadedSchema },
  /** Counts the MIDI and ABC files under paths (no import), so the UI can pick the codec. */
  'datasets.inspect': {
    payload: z.strictObject({ paths: z.array(LocalPathSchema).min(1).max(1000) }),
    result: DatasetInspectResultSchema,
  },
  /** Cancels a running job (import or generation); false when no such job is running. */
  'jobs.cancel': {
    payload: z.strictObject({ jobId: JobIdSchema }),
    result: z.strictObject({ cancelled: z.boolean() }),
  },
  /** Every trained model of the data folder's models/, newest first. */
  'models.list': {
    payload: NoPayload,
    result: z.strictObject({ models: z.array(ModelSummarySchema) }),
  },
  /** One model with its epoch history (`not_found` when it does not exist). */
  'models.get': { payload: z.strictObject({ id: ModelIdSchema }), result: ModelRecordSchema },
  /** Deletes a model folder (`busy` while it trains). */
  'models.remove': {
    payload: z.strictObject({ id: ModelIdSchema }),
    result: z.strictObject({ removed: z.boolean() }),
  },
  /** Undoes the last `models.remove` (`not_found` once another model was deleted since). */
  'models.restore': { payload: z.strictObject({ id: ModelIdSchema }), result: ModelSummarySchema },
  /** Renames a model (its display name in meta.json; `busy` while it trains). */
  'models.rename': {
    payload: z.strictObject({ id: ModelIdSchema, name: z.string().trim().min(1).max(200) }),
    result: ModelSummarySchema,
  },
  /** Copies a model folder under a new id and name (`busy` while it trains). */
  'models.duplicate': { payload: ModelDuplicatePayloadSchema, result: ModelSummarySchema },
  /** Writes a model as one `.continuo-model` file (zip of model.json, weights.bin, meta.json). */
  'models.export': { payload: ModelExportPayloadSchema, result: ModelExportSchema },
  /** Validates a `.continuo-model` file and installs it as a new model (`invalid_file` when it is not one). */
  'models.import': { payload: ModelImportPayloadSchema, result: ModelSummarySchema },
  /** The engine's backend and memory, main's memory and the running jobs (polled by the status bar). */
  'engine.stats': { payload: NoPayload, result: EngineStatsSchema },
  /** The remembered settings (defaults when settings.json is missing or corrupt). */
  'settings.get': { payload: NoPayload, result: StudioSettingsSchema },
  /** Replaces parts of the remembered settings; answers with all of them. */
  'settings.update': { payload: SettingsUpdatePayloadSchema, result: StudioSettingsSchema },
  /** Parameter count and time per epoch of a model size on this dataset, timed in the engine. */
  'training.estimate': { payload: TrainingEstimatePayloadSchema, result: TrainingEstimateSchema },
  /** Starts training a new model in the engine; progress and the end come as events. */
  'training.start': {
    payload: TrainingStartPayloadSchema,
    result: z.strictObject({ jobId: JobIdSchema, modelId: ModelIdSchema }),
  },
  /** Trains an existing model for more epochs, from its last checkpoint ("Train more"). */
  'training.continue': {
    payload: z.strictObject({ modelId: ModelIdSchema, moreEpochs: z.number().int().min(1).max(10_000) }),
    result: z.strictObject({ jobId: JobIdSchema, modelId: ModelIdSchema }),
  },
  /** Pauses a training job after its current step. */
  'training.pause': {
    payload: z.strictObject({ jobId: JobIdSchema }),
    result: z.strictObject({ ok: z.boolean() }),
  },
  /** Resumes a paused training job. */
  'training.resume': {
    payload: z.strictObject({ jobId: JobIdSchema }),
    result: z.strictObject({ ok: z.boolean() }),
  },
  /** Stops a training job after its current step, keeping a checkpoint. */
  'training.stop': {
    payload: z.strictObject({ jobId: JobIdSchema }),
    result: z.strictObject({ ok: z.boolean() }),
  },
  /** The training jobs running now, with their latest progress (for a page that just opened). */
  'training.active': {
    payload: NoPayload,
    result: z.strictObject({ jobs: z.array(TrainingProgressSchema).max(16) }),
  },
  /** Starts generating from a model; notes stream as `generation.event`, the end as `generation.finished`. */
  'generation.start': {
    payload: GenerationStartPayloadSchema,
    result: z.strictObject({ jobId: JobIdSchema }),
  },
  /** Writes one generated variation as MIDI or ABC (atomically) and says where. */
  'generation.export': { payload: GenerationExportPayloadSchema, result: GenerationExportSchema },
  /** Writes a project as a `.continuo` file, atomically (no path: Save as, in projects/ or a dialog). */
  'projects.save': { payload: ProjectSavePayloadSchema, result: ProjectSavedSchema },
  /** Opens a `.continuo` (whole or refused: `invalid_file`), or makes a project from a MIDI/ABC file. */
  'projects.open': {
    payload: z.strictObject({ source: ProjectSourceSchema }),
    result: ProjectOpenedSchema,
  },
  /** Reads a MIDI or ABC file as tracks to add to the open project. */
  'projects.import': { payload: ProjectImportPayloadSchema, result: ProjectImportSchema },
  /** Recently opened or saved projects, most recent first. */
  'projects.recent': {
    payload: NoPayload,
    result: z.strictObject({ projects: z.array(RecentProjectSchema).max(100) }),
  },
  /** Keeps a copy of the open project in the data folder's autosave/ (atomically). */
  'projects.autosave': {
    payload: ProjectAutosavePayloadSchema,
    result: z.strictObject({ at: z.string().max(64) }),
  },
  /** Autosaved versions newer than their saved file (or never saved), newest first. */
  'projects.recoverable': {
    payload: NoPayload,
    result: z.strictObject({ autosaves: z.array(AutosaveSummarySchema).max(1000) }),
  },
  /** The autosaved version of a project. */
  'projects.recover': {
    payload: z.strictObject({ projectId: z.string().min(1).max(100) }),
    result: ProjectOpenedSchema,
  },
  /** Deletes an autosaved version. */
  'projects.discardAutosave': {
    payload: z.strictObject({ projectId: z.string().min(1).max(100) }),
    result: z.strictObject({ removed: z.boolean() }),
  },
  /** Exports a project, some tracks or a selection as MIDI (type 1), a track as ABC, or the project file. */
  'projects.export': { payload: ProjectExportPayloadSchema, result: ProjectExportSchema },
} as const;

/** A notice the host pushes to the UI (e.g. a background job finished). */
export const NoticeSchema = z.strictObject({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string().max(2000),
});

/** Every event the host may push: event name -> payload schema. */
export const events = {
  'app.notice': NoticeSchema,
  /** The desktop app was asked to open a file (a project to open, or music to import). */
  'app.openFile': LaunchFileSchema,
  /** A log line from the host or the engine. */
  'app.log': LogLineSchema,
  /** The engine process started, crashed, is restarting or runs again. */
  'engine.status': EngineStatusSchema,
  /** An import moved on (throttled). */
  'datasets.progress': DatasetProgressSchema,
  /** An import ended: done (the dataset is saved), cancelled or failed. */
  'datasets.finished': DatasetFinishedSchema,
  /** A training job moved on (at least every 2 s) or finished an epoch. */
  'training.progress': TrainingProgressSchema,
  /** A training job ended. */
  'training.finished': TrainingFinishedSchema,
  /** A short sample generated from the weights of an epoch that just ended. */
  'training.sample': TrainingSampleSchema,
  /** Notes of one variation as they are generated. */
  'generation.event': GenerationEventSchema,
  /** A generation ended, with every variation. */
  'generation.finished': GenerationFinishedSchema,
} as const;

/** A request's name. */
export type Method = keyof typeof requests;
/** The payload type a request takes. */
export type PayloadOf<M extends Method> = z.input<(typeof requests)[M]['payload']>;
/** The validated payload a handler receives. */
export type ParsedPayloadOf<M extends Method> = z.output<(typeof requests)[M]['payload']>;
/** The result type a request resolves to. */
export type ResultOf<M extends Method> = z.output<(typeof requests)[M]['result']>;
/** An event's name. */
export type EventName = keyof typeof events;
/** The payload type of an event. */
export type EventPayloadOf<E extends EventName> = z.output<(typeof events)[E]>;

/** True when `name` is a request of the contract (own key only: `__proto__`, `toString` are not). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}
