import { z } from 'zod';
import { CodecNameSchema } from './datasets.ts';
import { GenerationSettingsSchema } from './generation.ts';

/** The generation settings the studio remembers between runs (the seed is not kept). */
export const SavedGenerationSettingsSchema = GenerationSettingsSchema.pick({
  temperature: true,
  topK: true,
  topP: true,
  length: true,
  variations: true,
  key: true,
});
/** Remembered generation settings. */
export type SavedGenerationSettings = z.infer<typeof SavedGenerationSettingsSchema>;

/** The MIDI devices and routing the studio remembers: ports by name, so a device is chosen again when it returns. */
export const MidiSettingsSchema = z.strictObject({
  /** Names of the inputs played from. */
  inputs: z.array(z.string().max(200)).max(64),
  /** Names of the outputs played to. */
  outputs: z.array(z.string().max(200)).max(64),
  /** Channel the outputs are sent on, 1..16. */
  outputChannel: z.number().int().min(1).max(16),
  /** Only this input channel is heard (1..16); 0 = every channel. */
  inputChannel: z.number().int().min(0).max(16),
  /** Live notes and answers sound on the built-in piano. */
  piano: z.boolean(),
});
/** Remembered MIDI choices. */
export type MidiSettings = z.infer<typeof MidiSettingsSchema>;

/** settings.json of the data folder: what the studio remembers (unknown keys are dropped on read). */
export const StudioSettingsSchema = z.object({
  /** The last-used generation settings; none until the first generation. */
  generation: SavedGenerationSettingsSchema.optional(),
  /** The codec of the last import; none until the first import. */
  importCodec: CodecNameSchema.optional(),
  /** MIDI ports and routing; none until a choice is made. */
  midi: MidiSettingsSchema.optional(),
});
/** The studio's remembered settings. */
export type StudioSettings = z.infer<typeof StudioSettingsSchema>;

/** Payload of `settings.update`: the parts to replace (others are kept). */
export const SettingsUpdatePayloadSchema = z.strictObject({
  generation: SavedGenerationSettingsSchema.optional(),
  importCodec: CodecNameSchema.optional(),
  midi: MidiSettingsSchema.optional(),
});
/** Payload of `settings.update`. */
export type SettingsUpdatePayload = z.infer<typeof SettingsUpdatePayloadSchema>;

/** Result of `engine.stats`: the engine's backend and memory, and main's memory (bytes). */
export const EngineStatsSchema = z.strictObject({
  /** The TensorFlow.js backend (tensorflow = tfjs-node, wasm, cpu); absent while the engine is down. */
  backend: z.string().max(40).optional(),
  /** Engine process resident set size and JS heap used; absent while the engine is down. */
  engineRss: z.number().nonnegative().optional(),
  engineHeapUsed: z.number().nonnegative().optional(),
  /** The host (main) process's resident set size. */
  mainRss: z.number().nonnegative(),
  /** Running jobs by kind. */
  jobs: z.strictObject({
    imports: z.number().int().nonnegative(),
    training: z.number().int().nonnegative(),
    generation: z.number().int().nonnegative(),
  }),
});
/** Result of `engine.stats`. */
export type EngineStats = z.infer<typeof EngineStatsSchema>;
