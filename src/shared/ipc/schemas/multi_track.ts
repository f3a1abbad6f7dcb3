import { z } from 'zod';
import type { MultiTrackMidi } from '../../music/multi_track.ts';
import { KeyModeSchema, MAX_PROJECT_NOTES, MeterFields, Midi7, Tick } from '../../project/schema.ts';

/**
 * The wire form of a multi-track MIDI file to write (`src/shared/music/multi_track.ts`): a
 * project export on its way to the engine, with the project file's field schemas. Bounded so a
 * runaway payload cannot flood the engine.
 */

const MultiTrackNoteSchema = z.strictObject({
  pitch: Midi7,
  velocity: z.number().int().min(1).max(127),
  tick: Tick,
  duration: Tick,
});

const MultiTrackPartSchema = z.strictObject({
  name: z.string().max(200),
  program: Midi7,
  channel: z.number().int().min(0).max(15).optional(),
  isDrum: z.boolean().optional(),
  notes: z.array(MultiTrackNoteSchema).max(MAX_PROJECT_NOTES),
  controllers: z
    // 120..127 are channel mode messages (all notes off, reset...), not controller changes.
    .array(z.strictObject({ tick: Tick, controller: z.number().int().min(0).max(119), value: Midi7 }))
    .max(MAX_PROJECT_NOTES),
});

/** A Standard MIDI File type 1 to write (see `MultiTrackMidi`). */
export const MultiTrackMidiSchema = z
  .strictObject({
    title: z.string().max(500),
    tempos: z.array(z.strictObject({ tick: Tick, qpm: z.number().positive().max(10_000) })).max(10_000),
    timeSignatures: z.array(z.strictObject({ tick: Tick, ...MeterFields })).max(10_000),
    keySignatures: z
      .array(z.strictObject({ tick: Tick, key: z.number().int().min(0).max(11), mode: KeyModeSchema }))
      .max(10_000),
    tracks: z.array(MultiTrackPartSchema).max(256),
  })
  .refine(
    (file) => file.tracks.reduce((sum, track) => sum + track.notes.length, 0) <= MAX_PROJECT_NOTES,
    `a file holds at most ${MAX_PROJECT_NOTES} notes`,
  ) satisfies z.ZodType<MultiTrackMidi>; // the wire form is the writer's type
