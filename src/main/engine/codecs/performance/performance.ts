/**
 * The Performance RNN event codec (Magenta's performance_lib, 388 events):
 * 128 NOTE_ON, 128 NOTE_OFF, 100 TIME_SHIFT steps of 10 ms and 32 VELOCITY bins.
 *
 * Encoding, as in performance_lib:
 * - times are rounded to 10 ms steps (100 steps per second); a note that rounds to zero
 *   length lasts one step (ending one step after its start, or starting one step before its
 *   end when that is closer, so both stay within 10 ms);
 * - events go in time order; at the same step note-offs come before note-ons;
 * - a VELOCITY event is written before a NOTE_ON only when the velocity bin changes;
 * - gaps longer than one second are split into several TIME_SHIFTs.
 * Our additions, so that every token sequence means one thing (a piano key cannot sound
 * twice at once):
 * - drum notes are skipped and all other parts are merged (a piano model);
 * - a note that starts while the same pitch still sounds ends the earlier note there;
 *   two notes of one pitch starting on the same step become one (the longer, the louder).
 * Decoding never throws: a NOTE_OFF with no open note is ignored, a NOTE_ON on a sounding
 * pitch ends the earlier note (or replaces it when both start on the same step), a NOTE_OFF
 * on the step of its NOTE_ON gives a one-step note, unclosed notes end at the last time
 * reached (at least one step long), unknown tokens are skipped.
 */
import type { Codec, CodecLengths, DecodedMusic, Token, UnseededPrompt } from '../codec.ts';
import { CodecError } from '../codec.ts';
import { stretchPerformance } from '../augment.ts';
import { neutralPrompt, seedTimeContext } from '../time_based.ts';
import type { Vocabulary } from '../vocabulary.ts';
import type { MusicItem } from '../../music/music_item.ts';
import type { Note, NoteSequence } from '../../../../shared/music/note_sequence.ts';
import type { MidiNote, Velocity } from '../../../../shared/music/units.ts';
import type { TokenGrammar } from '../grammar.ts';
import { PerformanceGrammar } from './performance_grammar.ts';

/** Time steps per second (10 ms steps). */
export const STEPS_PER_SECOND = 100;
/** Longest single TIME_SHIFT, in steps (1 s). */
export const MAX_SHIFT_STEPS = 100;
/** Number of velocity bins. */
export const VELOCITY_BINS = 32;
/** Velocities per bin: ceil(127 / 32) = 4, as in Magenta. */
const BIN_SIZE = Math.ceil(127 / VELOCITY_BINS);
/** Velocity of decoded notes before any VELOCITY event. */
const DEFAULT_VELOCITY: Velocity = 64;

/** Token for a NOTE_ON of `pitch`. */
export const noteOnToken = (pitch: MidiNote): Token => `ON_${pitch}`;
/** Token for a NOTE_OFF of `pitch`. */
export const noteOffToken = (pitch: MidiNote): Token => `OFF_${pitch}`;
/** Token for a TIME_SHIFT of `steps` (1..100) steps of 10 ms. */
export const shiftToken = (steps: number): Token => `SHIFT_${steps}`;
/** Token for velocity bin `bin` (1..32). */
export const velocityToken = (bin: number): Token => `VEL_${bin}`;

/** Velocity bin (1..32) of a MIDI velocity, as Magenta's velocity_to_bin. */
export function velocityToBin(velocity: Velocity): number {
  const v = Math.min(127, Math.max(1, Math.round(velocity)));
  return Math.floor((v - 1) / BIN_SIZE) + 1;
}

/** A representative velocity of a bin: the middle of its range, so it stays in the bin. */
export function binToVelocity(bin: number): Velocity {
  const low = 1 + (bin - 1) * BIN_SIZE;
  return Math.min(127, low + Math.floor(BIN_SIZE / 2));
}

/** The 388 tokens in Magenta's one-hot order: ON, OFF, SHIFT, VEL. */
export const PERFORMANCE_VOCABULARY: readonly Token[] = Object.freeze([
  ...Array.from({ length: 128 }, (_, p) => noteOnToken(p)),
  ...Array.from({ length: 128 }, (_, p) => noteOffToken(p)),
  ...Array.from({ length: MAX_SHIFT_STEPS }, (_, i) => shiftToken(i + 1)),
  ...Array.from({ length: VELOCITY_BINS }, (_, i) => velocityToken(i + 1)),
]);

/** Room for the note index in a packed event key (2^20 notes per piece). */
const NOTE_INDEX_SPAN = 2 ** 20;

/** A note on the 10 ms grid, as the performance codec sees it. */
export interface PerformanceNote {
  pitch: MidiNote;
  velocity: Velocity;
  startStep: number;
  endStep: number;
}

/**
 * The notes the codec encodes: non-drum notes on the 10 ms grid, at least one step long,
 * with overlapping notes of the same pitch cut as documented above. Sorted by start, pitch.
 */
export function performanceNotes(sequence: NoteSequence): PerformanceNote[] {
  const source = sequence.notes;
  if (source.length >= NOTE_INDEX_SPAN)
    throw new CodecError(`Too many notes for one piece (${source.length})`);
  const startSteps = new Int32Array(source.length);
  const endSteps = new Int32Array(source.length);
  // Packed (start, pitch, index) keys: one numeric sort orders the notes without a comparator.
  const keys = new Float64Array(source.length);
  let count = 0;
  for (let i = 0; i < source.length; i++) {
    const note = source[i];
    if (note.isDrum || !(note.pitch >= 0 && note.pitch <= 127)) continue;
    if (!Number.isFinite(note.startTime) || !Number.isFinite(note.endTime)) continue;
    let startStep = Math.max(0, Math.round(note.startTime * STEPS_PER_SECOND));
    let endStep = Math.round(note.endTime * STEPS_PER_SECOND);
    if (endStep <= startStep) {
      // Shorter than a step: one step, placed so that start and end both stay within 10 ms.
      if (note.endTime * STEPS_PER_SECOND < startStep && startStep > 0) startStep -= 1;
      endStep = startStep + 1;
    }
    startSteps[i] = startStep;
    endSteps[i] = endStep;
    keys[count++] = (startStep * 128 + note.pitch) * NOTE_INDEX_SPAN + i;
  }
  const order = keys.subarray(0, count).sort();
  const out: PerformanceNote[] = [];
  const lastOfPitch = new Int32Array(128).fill(-1);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] % NOTE_INDEX_SPAN;
    const { pitch, velocity } = source[i];
    const previous = lastOfPitch[pitch] >= 0 ? out[lastOfPitch[pitch]] : undefined;
    if (previous && previous.startStep === startSteps[i]) {
      // Same key struck twice on one step: keep one note, the longer and the louder.
      previous.velocity = Math.max(previous.velocity, velocity);
      previous.endStep = Math.max(previous.endStep, endSteps[i]);
      continue;
    }
    // A key struck again while it sounds ends the earlier note.
    if (previous && previous.endStep > startSteps[i]) previous.endStep = startSteps[i];
    lastOfPitch[pitch] = out.length;
    out.push({ pitch, velocity, startStep: startSteps[i], endStep: endSteps[i] });
  }
  return out;
}

const ON_TOKENS = PERFORMANCE_VOCABULARY.slice(0, 128);
const OFF_TOKENS = PERFORMANCE_VOCABULARY.slice(128, 256);
const SHIFT_TOKENS = PERFORMANCE_VOCABULARY.slice(256, 256 + MAX_SHIFT_STEPS);
const VELOCITY_TOKENS = PERFORMANCE_VOCABULARY.slice(256 + MAX_SHIFT_STEPS);

/** Encodes notes (already on the grid) as performance events. */
export function encodePerformanceNotes(notes: readonly PerformanceNote[]): Token[] {
  if (notes.length >= NOTE_INDEX_SPAN) throw new CodecError(`Too many notes for one piece (${notes.length})`);
  // Each event is one packed number: ((step * 2 + kind) * 128 + pitch) * 2^20 + note index,
  // kind 0 = off, 1 = on, so a numeric typed-array sort orders by time with offs before ons
  // and then by pitch, without allocating an object per event (this runs over millions of notes).
  const keys = new Float64Array(notes.length * 2);
  for (let i = 0; i < notes.length; i++) {
    const n = notes[i];
    keys[2 * i] = ((n.startStep * 2 + 1) * 128 + n.pitch) * NOTE_INDEX_SPAN + i;
    keys[2 * i + 1] = (n.endStep * 2 * 128 + n.pitch) * NOTE_INDEX_SPAN + i;
  }
  keys.sort();
  const tokens: Token[] = [];
  let step = 0;
  let bin = 0;
  for (let e = 0; e < keys.length; e++) {
    const key = keys[e];
    const index = key % NOTE_INDEX_SPAN;
    const event = (key - index) / NOTE_INDEX_SPAN;
    const pitch = event % 128;
    const kind = ((event - pitch) / 128) % 2;
    const eventStep = (event - pitch - kind * 128) / 256;
    let gap = eventStep - step;
    while (gap > 0) {
      const shift = Math.min(gap, MAX_SHIFT_STEPS);
      tokens.push(SHIFT_TOKENS[shift - 1]);
      gap -= shift;
    }
    step = eventStep;
    if (kind === 1) {
      const noteBin = velocityToBin(notes[index].velocity);
      if (noteBin !== bin) {
        tokens.push(VELOCITY_TOKENS[noteBin - 1]);
        bin = noteBin;
      }
      tokens.push(ON_TOKENS[pitch]);
    } else {
      tokens.push(OFF_TOKENS[pitch]);
    }
  }
  return tokens;
}

/** A parsed performance token. */
export type PerformanceEvent =
  | { kind: 'on' | 'off'; value: MidiNote }
  | { kind: 'shift'; value: number }
  | { kind: 'velocity'; value: number };

const EVENT_PATTERN = /^(ON|OFF|SHIFT|VEL)_(\d{1,3})$/;

/** Parses a token; undefined when it is not one of the 388 performance tokens. */
export function parsePerformanceToken(token: Token): PerformanceEvent | undefined {
  const match = EVENT_PATTERN.exec(token);
  if (!match) return undefined;
  const value = Number(match[2]);
  switch (match[1]) {
    case 'ON':
      return value <= 127 ? { kind: 'on', value } : undefined;
    case 'OFF':
      return value <= 127 ? { kind: 'off', value } : undefined;
    case 'SHIFT':
      return value >= 1 && value <= MAX_SHIFT_STEPS ? { kind: 'shift', value } : undefined;
    default:
      return value >= 1 && value <= VELOCITY_BINS ? { kind: 'velocity', value } : undefined;
  }
}

/** Rebuilds grid notes from tokens (never throws; see the module comment). */
export function decodePerformanceNotes(tokens: readonly Token[]): PerformanceNote[] {
  const open = new Map<MidiNote, PerformanceNote>();
  const done: PerformanceNote[] = [];
  let step = 0;
  let velocity = DEFAULT_VELOCITY;
  for (const token of tokens) {
    const event = parsePerformanceToken(token);
    if (!event) continue;
    if (event.kind === 'shift') step += event.value;
    else if (event.kind === 'velocity') velocity = binToVelocity(event.value);
    else {
      const sounding = open.get(event.value);
      if (sounding) {
        open.delete(event.value);
        // ON ON on one step strikes the key once; ON OFF on one step gives a one-step note.
        if (step > sounding.startStep) done.push({ ...sounding, endStep: step });
        else if (event.kind === 'off') done.push({ ...sounding, endStep: step + 1 });
      }
      if (event.kind === 'on')
        open.set(event.value, { pitch: event.value, velocity, startStep: step, endStep: step });
    }
  }
  for (const note of open.values()) done.push({ ...note, endStep: Math.max(step, note.startStep + 1) });
  return done.sort((a, b) => a.startStep - b.startStep || a.pitch - b.pitch);
}

/** A piano NoteSequence from grid notes. */
export function performanceSequence(notes: readonly PerformanceNote[]): NoteSequence {
  const seqNotes: Note[] = notes.map((n) => ({
    pitch: n.pitch,
    velocity: n.velocity,
    startTime: n.startStep / STEPS_PER_SECOND,
    endTime: n.endStep / STEPS_PER_SECOND,
    program: 0,
    instrument: 0,
    isDrum: false,
  }));
  const totalTime = seqNotes.reduce((end, n) => Math.max(end, n.endTime), 0);
  return {
    notes: seqNotes,
    tempos: [{ time: 0, qpm: 120 }],
    timeSignatures: [],
    keySignatures: [],
    instruments: [{ instrument: 0, name: 'Piano', program: 0, isDrum: false }],
    totalTime,
    source: { kind: 'generated' },
  };
}

/** Moves ON/OFF tokens by `semitones`; null when a pitch leaves 0..127. */
export function transposePerformance(tokens: readonly Token[], semitones: number): Token[] | null {
  const out: Token[] = new Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const event = parsePerformanceToken(tokens[i]);
    if (event && (event.kind === 'on' || event.kind === 'off')) {
      const pitch = event.value + semitones;
      if (pitch < 0 || pitch > 127) return null;
      out[i] = event.kind === 'on' ? noteOnToken(pitch) : noteOffToken(pitch);
    } else out[i] = tokens[i];
  }
  return out;
}

/** Lengths count TIME_SHIFTs; bars become seconds through the seed's meter and tempo. */
const PERFORMANCE_LENGTHS: CodecLengths = {
  unit: 'time',
  advance(token) {
    const event = parsePerformanceToken(token);
    return event?.kind === 'shift' ? event.value / STEPS_PER_SECOND : 0;
  },
  timeContext: (_prompt, seed) => seedTimeContext(seed),
};

/** The performance codec (version 1; no options). */
export class PerformanceCodec implements Codec {
  readonly name = 'performance' as const;
  readonly description = 'Performance: MIDI timing and dynamics (note on/off, 10 ms shifts, velocity)';
  readonly version = 1;
  readonly cacheKey = 'performance@1';
  readonly fixedVocabulary = PERFORMANCE_VOCABULARY;
  readonly specialTokens: readonly Token[] = [];
  readonly startToken = null;
  readonly endToken = null;
  readonly seedKind = 'notes' as const;
  readonly lengths = PERFORMANCE_LENGTHS;

  /** Without a seed the network hears one second of silence (Magenta's default event), not part of the output. */
  unseededPrompt(vocabulary: Vocabulary): UnseededPrompt {
    return neutralPrompt(vocabulary, shiftToken(MAX_SHIFT_STEPS), /^SHIFT_\d+$/);
  }

  continuationAlone(_prefix: readonly Token[], continuation: readonly Token[]): Token[] {
    return [...continuation];
  }

  /** Valid by construction: pitches in range, NOTE_OFF only for sounding notes, capped lengths (performance_grammar.ts). */
  grammar(vocabulary: Vocabulary): TokenGrammar {
    return new PerformanceGrammar(vocabulary);
  }

  stretch(tokens: readonly Token[], factor: number): Token[] {
    return stretchPerformance(tokens, factor);
  }

  encode(item: MusicItem): Token[] {
    return encodePerformanceNotes(performanceNotes(item.sequence));
  }

  decode(tokens: readonly Token[]): DecodedMusic {
    return { sequence: performanceSequence(decodePerformanceNotes(tokens)) };
  }

  transpose(tokens: readonly Token[], semitones: number): Token[] | null {
    return transposePerformance(tokens, semitones);
  }

  pitchesOf(token: Token): readonly MidiNote[] {
    const event = parsePerformanceToken(token);
    return event?.kind === 'on' ? [event.value] : [];
  }
}
