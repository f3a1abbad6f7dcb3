/**
 * The note-and-chord codec of the original Keras MAESTRO project (music21 `chordify`: one
 * token per pitch, or per chord of notes starting together), plus a quantized rhythm so a
 * phrase can be rebuilt:
 *
 *   T_<steps>*  ( N_60 | C_60.64.67 )  D_<steps>  T_<steps>* ...
 *
 * `N_`/`C_` starts an event at the current time (chord pitches sorted, no repeats), `D_` is
 * its duration, `T_` moves time on. Steps are on a grid of `stepsPerQuarter` steps per quarter
 * note, read from the sequence's tempo map (for MIDI performances that is the file's own
 * tempo, usually 120 qpm, so the grid is fixed in seconds). One duration per event: the
 * longest of its notes. Durations are capped at `maxSteps` (longer notes are cut); gaps
 * longer than that are written as several `T_`. Drums are skipped.
 * Decoding plays events at `qpm` (default 120) with velocity 80; an event without `D_` lasts
 * one quarter; unknown tokens are skipped; it never throws.
 */
import type { Codec, DecodedMusic, Token } from './codec.ts';
import type { MusicItem } from '../music/music_item.ts';
import type { Note, NoteSequence } from '../../../shared/music/note_sequence.ts';
import type { MidiNote, Qpm } from '../../../shared/music/units.ts';
import { quantize } from '../../../shared/music/sequences.ts';

/** Options of the notes codec. */
export interface NotesCodecOptions {
  /** Grid resolution (default 4: sixteenth notes). */
  stepsPerQuarter?: number;
  /** Longest duration token and longest single time shift, in steps (default 16 quarters: 4 bars of 4/4). */
  maxSteps?: number;
  /** Tempo of decoded music (default 120). */
  qpm?: Qpm;
}

/** Velocity of decoded notes. */
const DECODE_VELOCITY = 80;

/** One event on the grid: pitches starting together and their duration. */
export interface NotesEvent {
  step: number;
  pitches: MidiNote[];
  duration: number;
}

/** Token of an event's pitches: `N_60` or `C_60.64.67`. */
export function pitchToken(pitches: readonly MidiNote[]): Token {
  return pitches.length === 1 ? `N_${pitches[0]}` : `C_${pitches.join('.')}`;
}

/** Pitches of an `N_`/`C_` token (sorted); empty for other tokens or bad pitches. */
export function pitchesOfNotesToken(token: Token): MidiNote[] {
  const match = /^(?:N_(\d{1,3})|C_(\d{1,3}(?:\.\d{1,3})+))$/.exec(token);
  if (!match) return [];
  const pitches = (match[1] ?? match[2]).split('.').map(Number);
  return pitches.every((p) => p <= 127) ? pitches : [];
}

/** Steps of a `D_`/`T_` token, or undefined. */
function stepsOf(token: Token, prefix: 'D_' | 'T_'): number | undefined {
  if (!token.startsWith(prefix)) return undefined;
  const value = Number(token.slice(2));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The codec with its options resolved. */
export class NotesCodec implements Codec {
  readonly name = 'notes' as const;
  readonly version = 1;
  readonly cacheKey: string;
  readonly fixedVocabulary = null;
  readonly specialTokens: readonly Token[] = [];
  readonly stepsPerQuarter: number;
  readonly maxSteps: number;
  readonly qpm: Qpm;

  constructor(options: NotesCodecOptions = {}) {
    this.stepsPerQuarter = options.stepsPerQuarter ?? 4;
    this.maxSteps = options.maxSteps ?? 16 * this.stepsPerQuarter;
    this.qpm = options.qpm ?? 120;
    if (!Number.isInteger(this.stepsPerQuarter) || this.stepsPerQuarter < 1)
      throw new RangeError('stepsPerQuarter must be a positive integer');
    if (!Number.isInteger(this.maxSteps) || this.maxSteps < 1)
      throw new RangeError('maxSteps must be a positive integer');
    if (!(this.qpm > 0)) throw new RangeError('qpm must be positive');
    // qpm only changes decoding, not the tokens, so it is not part of the cache key.
    this.cacheKey = `notes@${this.version}:spq=${this.stepsPerQuarter},max=${this.maxSteps}`;
  }

  /** The events of a sequence on this codec's grid. */
  events(sequence: NoteSequence): NotesEvent[] {
    const onGrid =
      sequence.quantization?.stepsPerQuarter === this.stepsPerQuarter &&
      sequence.notes.every((n) => n.quantizedStartStep !== undefined && n.quantizedEndStep !== undefined)
        ? sequence
        : quantize(sequence, this.stepsPerQuarter);
    const byStep = new Map<number, NotesEvent>();
    for (const note of onGrid.notes) {
      if (note.isDrum || note.pitch < 0 || note.pitch > 127) continue;
      const step = Math.max(0, note.quantizedStartStep ?? 0);
      const duration = Math.min(this.maxSteps, Math.max(1, (note.quantizedEndStep ?? step + 1) - step));
      const event = byStep.get(step);
      if (!event) byStep.set(step, { step, pitches: [note.pitch], duration });
      else {
        if (!event.pitches.includes(note.pitch)) event.pitches.push(note.pitch);
        event.duration = Math.max(event.duration, duration);
      }
    }
    const events = [...byStep.values()].sort((a, b) => a.step - b.step);
    for (const event of events) event.pitches.sort((a, b) => a - b);
    return events;
  }

  encode(item: MusicItem): Token[] {
    const tokens: Token[] = [];
    let time = 0;
    for (const event of this.events(item.sequence)) {
      this.pushShift(tokens, event.step - time);
      time = event.step;
      tokens.push(pitchToken(event.pitches), `D_${event.duration}`);
    }
    return tokens;
  }

  private pushShift(tokens: Token[], steps: number): void {
    for (let gap = steps; gap > 0; gap -= this.maxSteps) tokens.push(`T_${Math.min(gap, this.maxSteps)}`);
  }

  /** Events of a token stream (never throws). */
  decodeEvents(tokens: readonly Token[]): NotesEvent[] {
    const events: NotesEvent[] = [];
    let time = 0;
    let open: NotesEvent | undefined;
    for (const token of tokens) {
      const pitches = pitchesOfNotesToken(token);
      if (pitches.length > 0) {
        open = { step: time, pitches, duration: this.stepsPerQuarter };
        events.push(open);
        continue;
      }
      const duration = stepsOf(token, 'D_');
      if (duration !== undefined && open) {
        open.duration = duration;
        open = undefined;
        continue;
      }
      const shift = stepsOf(token, 'T_');
      if (shift !== undefined) time += shift;
    }
    return events;
  }

  decode(tokens: readonly Token[]): DecodedMusic {
    const secondsPerStep = 60 / this.qpm / this.stepsPerQuarter;
    const notes: Note[] = [];
    for (const event of this.decodeEvents(tokens)) {
      for (const pitch of event.pitches) {
        notes.push({
          pitch,
          velocity: DECODE_VELOCITY,
          startTime: event.step * secondsPerStep,
          endTime: (event.step + event.duration) * secondsPerStep,
          program: 0,
          instrument: 0,
          isDrum: false,
          quantizedStartStep: event.step,
          quantizedEndStep: event.step + event.duration,
        });
      }
    }
    notes.sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch);
    const sequence: NoteSequence = {
      notes,
      tempos: [{ time: 0, qpm: this.qpm }],
      timeSignatures: [],
      keySignatures: [],
      instruments: [{ instrument: 0, name: 'Piano', program: 0, isDrum: false }],
      totalTime: notes.reduce((end, n) => Math.max(end, n.endTime), 0),
      source: { kind: 'generated' },
      quantization: { stepsPerQuarter: this.stepsPerQuarter },
    };
    return { sequence };
  }

  transpose(tokens: readonly Token[], semitones: number): Token[] | null {
    const out: Token[] = [];
    for (const token of tokens) {
      const pitches = pitchesOfNotesToken(token);
      if (pitches.length === 0) {
        out.push(token);
        continue;
      }
      const moved = pitches.map((p) => p + semitones);
      if (moved.some((p) => p < 0 || p > 127)) return null;
      out.push(pitchToken(moved));
    }
    return out;
  }

  pitchesOf(token: Token): readonly MidiNote[] {
    return pitchesOfNotesToken(token);
  }
}
