import { z } from 'zod';

/**
 * The wire form of the one music type (`src/shared/music/note_sequence.ts`): what generation
 * results carry to the UI. Bounded so a runaway result cannot flood the transport.
 */

/** Most notes one sequence may carry over IPC. */
export const MAX_WIRE_NOTES = 20_000;

const Seconds = z.number().nonnegative().max(1e6);
const Midi7 = z.number().int().min(0).max(127);

/** One note (see `Note`). */
export const NoteSchema = z.strictObject({
  pitch: Midi7,
  velocity: Midi7,
  startTime: Seconds,
  endTime: Seconds,
  program: Midi7,
  instrument: z.number().int().nonnegative().max(1000),
  isDrum: z.boolean(),
  quantizedStartStep: z.number().int().optional(),
  quantizedEndStep: z.number().int().optional(),
});
/** One note on the wire. */
export type NoteWire = z.infer<typeof NoteSchema>;

/** A whole sequence (see `NoteSequence`). */
export const NoteSequenceSchema = z.strictObject({
  notes: z.array(NoteSchema).max(MAX_WIRE_NOTES),
  tempos: z.array(z.strictObject({ time: Seconds, qpm: z.number().positive().max(10_000) })).max(1000),
  timeSignatures: z
    .array(
      z.strictObject({
        time: Seconds,
        numerator: z.number().int().positive(),
        denominator: z.number().int().positive(),
      }),
    )
    .max(1000),
  keySignatures: z
    .array(
      z.strictObject({
        time: Seconds,
        key: z.number().int().min(0).max(11),
        mode: z.enum(['major', 'minor', 'dorian', 'phrygian', 'lydian', 'mixolydian', 'locrian']),
      }),
    )
    .max(1000),
  instruments: z
    .array(
      z.strictObject({
        instrument: z.number().int().nonnegative(),
        name: z.string().max(200),
        program: Midi7,
        isDrum: z.boolean(),
        channel: z.number().int().min(0).max(15).optional(),
      }),
    )
    .max(256),
  totalTime: Seconds,
  source: z.strictObject({
    kind: z.enum(['midi', 'abc', 'generated', 'recorded', 'edited']),
    path: z.string().max(4096).optional(),
    item: z.number().int().optional(),
    title: z.string().max(500).optional(),
  }),
  quantization: z.strictObject({ stepsPerQuarter: z.number().int().positive() }).optional(),
});
/** A NoteSequence on the wire. */
export type NoteSequenceWire = z.infer<typeof NoteSequenceSchema>;
