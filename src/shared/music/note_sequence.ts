/**
 * The one music type of Continuo. Every importer produces it, every codec
 * encodes from it and decodes to it, and the editor and exporters consume it.
 * Modelled on Magenta's NoteSequence; times are in seconds.
 */
import type { MidiNote, PitchClass, Program, Qpm, Seconds, Step, Velocity } from './units.ts';

export interface Note {
  pitch: MidiNote;
  velocity: Velocity;
  startTime: Seconds;
  endTime: Seconds;
  /** Program (instrument sound) the note is played with. */
  program: Program;
  /** Index of the part/track the note belongs to (see `NoteSequence.instruments`). */
  instrument: number;
  /** True for notes on the General MIDI percussion channel (channel 10). */
  isDrum: boolean;
  /** Set by `quantize`: start and end on the grid. */
  quantizedStartStep?: Step;
  quantizedEndStep?: Step;
}

export interface TempoChange {
  time: Seconds;
  qpm: Qpm;
}

export interface TimeSignature {
  time: Seconds;
  numerator: number;
  denominator: number;
}

export type KeyMode = 'major' | 'minor' | 'dorian' | 'phrygian' | 'lydian' | 'mixolydian' | 'locrian';

export interface KeySignature {
  time: Seconds;
  /** Tonic pitch class. */
  key: PitchClass;
  mode: KeyMode;
}

/** A part of the piece: a MIDI track/channel or an ABC voice. */
export interface InstrumentInfo {
  instrument: number;
  name: string;
  program: Program;
  isDrum: boolean;
  /** MIDI channel 0..15 the part was read from or is written to. */
  channel?: number;
}

export type SourceKind = 'midi' | 'abc' | 'generated' | 'recorded' | 'edited';

/** Where a sequence came from, for messages and provenance. */
export interface SequenceSource {
  kind: SourceKind;
  /** File the sequence was read from, if any. */
  path?: string;
  /** Item within the file: the ABC tune number (X:), if any. */
  item?: number;
  title?: string;
}

export interface QuantizationInfo {
  stepsPerQuarter: number;
}

export interface NoteSequence {
  /** Sorted by start time, then pitch. */
  notes: Note[];
  /** Sorted by time; the first one at time 0. An empty list means 120 qpm. */
  tempos: TempoChange[];
  timeSignatures: TimeSignature[];
  keySignatures: KeySignature[];
  instruments: InstrumentInfo[];
  /** End of the piece: at least the end of the last note. */
  totalTime: Seconds;
  source: SequenceSource;
  /** Present when the notes carry quantized steps. */
  quantization?: QuantizationInfo;
}

/** Default tempo when a sequence has none (the MIDI default). */
export const DEFAULT_QPM: Qpm = 120;
