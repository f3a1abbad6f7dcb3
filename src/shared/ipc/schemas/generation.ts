import { z } from 'zod';
import { JobIdSchema, LocalPathSchema, ModelIdSchema } from './ids.ts';
import { NoteSchema, NoteSequenceSchema } from './note_sequence.ts';

/** Most variations one generation makes. */
export const MAX_VARIATIONS = 8;

/** Most characters of an ABC seed text. */
export const MAX_SEED_ABC_CHARS = 200_000;

/** A seed phrase sent as notes: a NoteSequence with at least one note, each ending at or after its start. */
export const SeedSequenceSchema = NoteSequenceSchema.superRefine((sequence, ctx) => {
  if (sequence.notes.length === 0) ctx.addIssue({ code: 'custom', message: 'The seed has no notes' });
  const bad = sequence.notes.findIndex((note) => note.endTime < note.startTime);
  if (bad >= 0)
    ctx.addIssue({ code: 'custom', path: ['notes', bad], message: 'A note ends before it starts' });
});

/**
 * What the model continues: a MIDI or ABC file; a phrase as notes (e.g. a generated variation
 * or a slice of it); or ABC text (what an ABC model's codec encodes).
 */
export const GenerationSeedSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: LocalPathSchema }),
  z.strictObject({ kind: z.literal('sequence'), sequence: SeedSequenceSchema }),
  z.strictObject({ kind: z.literal('abc'), text: z.string().trim().min(1).max(MAX_SEED_ABC_CHARS) }),
]);
/** What the model continues. */
export type GenerationSeed = z.infer<typeof GenerationSeedSchema>;

/** Sampling settings of a generation. */
export const GenerationSettingsSchema = z.strictObject({
  /** The music the model continues; none starts from scratch. */
  seed: GenerationSeedSchema.optional(),
  temperature: z.number().min(0).max(5),
  /** 0 = no limit. */
  topK: z.number().int().min(0).max(100_000),
  topP: z.number().gt(0).max(1),
  /** How long: `200t` (tokens), `30s` (seconds) or `16bars`. */
  length: z.string().trim().min(2).max(32),
  variations: z.number().int().min(1).max(MAX_VARIATIONS),
  /** Keep the notes in a key, e.g. `D major`, `A minor`; none = no constraint. */
  key: z.string().trim().min(1).max(40).optional(),
  /** Random seed for reproducible results. */
  randomSeed: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31)
    .optional(),
});
/** Sampling settings. */
export type GenerationSettings = z.infer<typeof GenerationSettingsSchema>;

/** Payload of `generation.start`. */
export const GenerationStartPayloadSchema = GenerationSettingsSchema.extend({ modelId: ModelIdSchema });

/** Event `generation.event`: notes decoded so far in one variation (sent as they stream in). */
export const GenerationEventSchema = z.strictObject({
  jobId: JobIdSchema,
  variation: z.number().int().nonnegative(),
  /** Tokens generated so far in this variation. */
  tokens: z.number().int().nonnegative(),
  /** Every note decoded so far (replaces what was shown). */
  notes: z.array(NoteSchema).max(20_000),
  totalTime: z.number().nonnegative(),
});
/** Event `generation.event`. */
export type GenerationEvent = z.infer<typeof GenerationEventSchema>;

/**
 * How a take measures up, computed by the engine after generation (engine quality/): a short
 * line to show ("valid · 96% in key · longest copy 12 notes (The Kesh)") and its figures.
 */
export const TakeQualitySchema = z.strictObject({
  text: z.string().max(400),
  /** Passed every check that ran (abc2midi for ABC, no note left hanging). */
  valid: z.boolean(),
  key: z.string().max(100),
  /** Share of the continuation's note time in that key, 0..1. */
  inKeyShare: z.number().min(0).max(1),
  /** Longest run of notes copied from one training piece; null when the model has no training index. */
  longestRun: z.number().int().nonnegative().nullable(),
  /** The training piece that run came from. */
  longestRunPiece: z.string().max(300).nullable(),
  /** Share of the continuation's 8-note n-grams found in the training set, 0..1; null without an index. */
  ngramFoundShare: z.number().min(0).max(1).nullable(),
});
/** How a take measures up. */
export type TakeQuality = z.infer<typeof TakeQualitySchema>;

/** One finished variation. */
export const GeneratedVariationSchema = z.strictObject({
  variation: z.number().int().nonnegative(),
  sequence: NoteSequenceSchema,
  /** ABC text, for ABC models. */
  abc: z.string().max(200_000).nullable(),
  tokens: z.number().int().nonnegative(),
  /** Its quality line; absent when it could not be measured. */
  quality: TakeQualitySchema.optional(),
});
/** One finished variation. */
export type GeneratedVariation = z.infer<typeof GeneratedVariationSchema>;

/**
 * The seed as the engine decoded it from the prompt it fed the model, so a caller can check
 * what reached the model: how many notes, and the time they span (seconds from the seed's start;
 * `endTime` is where the continuation's time begins: the seed's total time, at least its last note's end).
 */
export const DecodedSeedSchema = z.strictObject({
  notes: z.number().int().nonnegative(),
  startTime: z.number().nonnegative(),
  endTime: z.number().nonnegative(),
});
/** The seed the engine received. */
export type DecodedSeed = z.infer<typeof DecodedSeedSchema>;

/** Event `generation.finished`: every variation, or why there are none. */
export const GenerationFinishedSchema = z.strictObject({
  jobId: JobIdSchema,
  outcome: z.enum(['done', 'cancelled', 'failed']),
  message: z.string().max(2000).optional(),
  variations: z.array(GeneratedVariationSchema).max(MAX_VARIATIONS),
  seconds: z.number().nonnegative(),
  /** The seed the model continued (generations with a seed). */
  seed: DecodedSeedSchema.optional(),
});
/** Event `generation.finished`. */
export type GenerationFinished = z.infer<typeof GenerationFinishedSchema>;

/** Payload of `generation.export`. */
export const GenerationExportPayloadSchema = z.strictObject({
  jobId: JobIdSchema,
  variation: z.number().int().nonnegative(),
  format: z.enum(['mid', 'abc']),
  /** Where to write (Electron's save dialog picks it when absent; the web host uses exports/). */
  path: LocalPathSchema.optional(),
});

/** Result of `generation.export`: the file written, and (web host) a URL to download it. */
export const GenerationExportSchema = z.strictObject({
  path: LocalPathSchema,
  /** Same-origin download URL (web host only). */
  downloadUrl: z.string().max(2000).optional(),
  bytes: z.number().int().nonnegative(),
});
