/**
 * A multi-track MIDI file as the engine's writer takes it: named tracks on a tick grid, each with
 * its program, channel, notes and controller changes, under one tempo map, time signatures and
 * key signatures. What a project exports (its ticks are already on this grid), so nothing goes
 * through seconds on the way. The wire form is `MultiTrackMidiSchema` (shared/ipc/schemas).
 */
import type { KeyMode } from './note_sequence.ts';
import type { MidiNote, PitchClass, Program, Qpm, Velocity } from './units.ts';

/** Ticks per quarter note of every written file (@tonejs/midi's fixed resolution, and a project's). */
export const MIDI_FILE_PPQ = 480;

/** Time on the file's grid: `MIDI_FILE_PPQ` ticks per quarter note from the start. */
export type FileTicks = number;

export interface MultiTrackNote {
  pitch: MidiNote;
  /** 1..127. */
  velocity: Velocity;
  tick: FileTicks;
  /** Ticks; 0 writes the note-off at the note-on's tick. */
  duration: FileTicks;
}

/** A controller change (64 = the sustain pedal). */
export interface MultiTrackController {
  tick: FileTicks;
  /** 0..119 (120..127 are channel mode messages, not controller changes). */
  controller: number;
  /** 0..127. */
  value: number;
}

export interface MultiTrackPart {
  name: string;
  /** General MIDI program 0..127, written as the track's program change at tick 0. */
  program: Program;
  /** Wanted MIDI channel 0..15; taken when no earlier track has it, else a free one is given. */
  channel?: number;
  /** General MIDI percussion: written on channel 10. */
  isDrum?: boolean;
  notes: MultiTrackNote[];
  controllers: MultiTrackController[];
}

/** A Standard MIDI File type 1 to write: a conductor track, then one track per part, in order. */
export interface MultiTrackMidi {
  /** The conductor track's name (the piece's title). */
  title: string;
  /** The first at tick 0 (120 qpm when empty). */
  tempos: { tick: FileTicks; qpm: Qpm }[];
  timeSignatures: { tick: FileTicks; numerator: number; denominator: number }[];
  /** Modes other than major and minor are written as their relative major. */
  keySignatures: { tick: FileTicks; key: PitchClass; mode: KeyMode }[];
  tracks: MultiTrackPart[];
}
