import { z } from 'zod';
import {
  CodecNameSchema,
  DatasetProgressSchema,
  ImportedDatasetSchema,
  JobOutcomeSchema,
} from './schemas/datasets.ts';
import { LogLineSchema } from './schemas/engine.ts';
import { JobIdSchema, LocalPathSchema, ModelIdSchema } from './schemas/ids.ts';
import {
  GenerationEventSchema,
  GenerationFinishedSchema,
  GenerationSettingsSchema,
} from './schemas/generation.ts';
import { ArchitectureChoiceSchema } from './schemas/models.ts';
import { NoteSequenceSchema } from './schemas/note_sequence.ts';
import { MultiTrackMidiSchema } from './schemas/multi_track.ts';
import {
  TrainingEstimateSchema,
  TrainingFinishedSchema,
  TrainingKnobsSchema,
  TrainingProgressSchema,
  TrainingSampleSchema,
} from './schemas/training.ts';
import { ResponseSchema, RequestIdSchema } from './envelope.ts';

/**
 * The contract between the host (Electron main or the web host) and its engine process:
 * requests the host sends, events the engine pushes. Both ends validate with these schemas.
 * The UI never sees it; the host turns it into the UI contract (`contract.ts`).
 */

const NoPayload = z.strictObject({}).optional();

/** Every request the engine process answers. */
export const engineRequests = {
  /** Liveness and identity: the engine's process id and how long it has run. */
  'engine.ping': {
    payload: NoPayload,
    result: z.strictObject({ pid: z.number().int(), uptimeSeconds: z.number().nonnegative() }),
  },
  /** The TensorFlow.js backend and this process's memory (bytes), for the status bar. */
  'engine.stats': {
    payload: NoPayload,
    result: z.strictObject({
      backend: z.string().max(40),
      rss: z.number().nonnegative(),
      heapUsed: z.number().nonnegative(),
    }),
  },
  /** Starts an import job; answers at once, then `datasets.progress` and `datasets.imported`/`job.ended`. */
  'datasets.import': {
    payload: z.strictObject({
      jobId: JobIdSchema,
      paths: z.array(LocalPathSchema).min(1).max(1000),
      codec: CodecNameSchema,
      /** The token cache folder the host chose (inside its data folder). */
      cacheDir: LocalPathSchema,
    }),
    result: z.strictObject({ jobId: JobIdSchema }),
  },
  /** Cancels a running job; false when it is not running. */
  'jobs.cancel': {
    payload: z.strictObject({ jobId: JobIdSchema }),
    result: z.strictObject({ cancelled: z.boolean() }),
  },
  /**
   * Counts parameters and times a few real training steps of this size in a training process
   * (the backend and threads training uses); the engine answers other requests meanwhile.
   */
  'training.estimate': {
    payload: TrainingKnobsSchema.extend({
      vocabSize: z.number().int().min(2).max(1_000_000),
      /** About how many training tokens the dataset has (for the default steps per epoch). */
      trainTokens: z.number().int().nonnegative(),
      architecture: ArchitectureChoiceSchema,
      /**
       * The dataset itself: with it the engine counts the vocabulary training will build
       * (transposed copies included), so the form's parameter count is the model's.
       */
      dataset: z
        .strictObject({
          paths: z.array(LocalPathSchema).min(1).max(1000),
          codec: CodecNameSchema,
          cacheDir: LocalPathSchema,
        })
        .optional(),
    }),
    result: TrainingEstimateSchema,
  },
  /** Starts training into `modelDir`; answers at once, then `training.progress` and `training.finished`. */
  'training.start': {
    payload: TrainingKnobsSchema.extend({
      jobId: JobIdSchema,
      modelId: ModelIdSchema,
      modelDir: LocalPathSchema,
      name: z.string().min(1).max(200),
      paths: z.array(LocalPathSchema).min(1).max(1000),
      codec: CodecNameSchema,
      cacheDir: LocalPathSchema,
      architecture: ArchitectureChoiceSchema,
      epochs: z.number().int().min(1).max(10_000),
    }),
    result: z.strictObject({ jobId: JobIdSchema }),
  },
  /** Continues the run in `modelDir` from its checkpoint for `moreEpochs` more epochs ("Train more"). */
  'training.continue': {
    payload: z.strictObject({
      jobId: JobIdSchema,
      modelId: ModelIdSchema,
      modelDir: LocalPathSchema,
      cacheDir: LocalPathSchema,
      moreEpochs: z.number().int().min(1).max(10_000),
    }),
    result: z.strictObject({ jobId: JobIdSchema }),
  },
  /** Pauses, resumes or stops a training job; false when no such job runs. */
  'training.control': {
    payload: z.strictObject({ jobId: JobIdSchema, action: z.enum(['pause', 'resume', 'stop']) }),
    result: z.strictObject({ ok: z.boolean() }),
  },
  /** Starts generating from the model in `modelDir`; answers at once, then events. */
  'generation.start': {
    payload: GenerationSettingsSchema.extend({ jobId: JobIdSchema, modelDir: LocalPathSchema }),
    result: z.strictObject({ jobId: JobIdSchema }),
  },
  /**
   * Encodes music as MIDI or ABC and writes it to `path` atomically (exports: music I/O is the
   * engine's): one sequence (a take), or a multi-track file (a project, its tracks or a selection).
   */
  'music.write': {
    payload: z.union([
      z.strictObject({
        path: LocalPathSchema,
        format: z.enum(['mid', 'abc']),
        sequence: NoteSequenceSchema,
        /** ABC text the model wrote itself (ABC models): written as is; otherwise ABC is made from the notes. */
        abc: z.string().max(200_000).optional(),
        /** The ABC tune's title when it is made from the notes. */
        title: z.string().min(1).max(200),
      }),
      z.strictObject({ path: LocalPathSchema, format: z.literal('mid'), multiTrack: MultiTrackMidiSchema }),
    ]),
    result: z.strictObject({ path: LocalPathSchema, bytes: z.number().int().nonnegative() }),
  },
} as const;

/** Every event the engine process pushes. */
export const engineEvents = {
  'datasets.progress': DatasetProgressSchema,
  /** An import finished: the figures and issues the host stores. */
  'datasets.imported': z.strictObject({ jobId: JobIdSchema, dataset: ImportedDatasetSchema }),
  /** A job ended without a result (cancelled or failed). */
  'job.ended': z.strictObject({
    jobId: JobIdSchema,
    outcome: JobOutcomeSchema.exclude(['done']),
    message: z.string().max(2000),
  }),
  'app.log': LogLineSchema,
  'training.progress': TrainingProgressSchema,
  'training.finished': TrainingFinishedSchema,
  'training.sample': TrainingSampleSchema,
  'generation.event': GenerationEventSchema,
  'generation.finished': GenerationFinishedSchema,
} as const;

/** An engine request's name. */
export type EngineMethod = keyof typeof engineRequests;
/** The payload an engine request takes. */
export type EnginePayloadOf<M extends EngineMethod> = z.input<(typeof engineRequests)[M]['payload']>;
/** The validated payload an engine handler receives (ids carry their brand). */
export type EngineParsedPayloadOf<M extends EngineMethod> = z.output<(typeof engineRequests)[M]['payload']>;
/** The result an engine request resolves to. */
export type EngineResultOf<M extends EngineMethod> = z.output<(typeof engineRequests)[M]['result']>;
/** An engine event's name. */
export type EngineEventName = keyof typeof engineEvents;
/** The payload of an engine event. */
export type EngineEventPayloadOf<E extends EngineEventName> = z.output<(typeof engineEvents)[E]>;

/** Host -> engine: one request. */
export const EngineRequestMessageSchema = z.strictObject({
  type: z.literal('request'),
  id: RequestIdSchema,
  method: z.string().min(1).max(100),
  payload: z.unknown().optional(),
});
/** Host -> engine: one request. */
export type EngineRequestMessage = z.infer<typeof EngineRequestMessageSchema>;

/** Engine -> host: it is ready for requests; a response; or an event. */
export const EngineMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({ type: z.literal('response'), id: RequestIdSchema, response: ResponseSchema }),
  z.strictObject({ type: z.literal('event'), event: z.string().min(1).max(100), payload: z.unknown() }),
]);
/** Engine -> host message. */
export type EngineMessage = z.infer<typeof EngineMessageSchema>;
