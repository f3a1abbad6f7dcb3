/**
 * The note-and-chord codec of the original Keras MAESTRO project (music21 `chordify`: one
 * token per note or chord of notes starting together), plus a quantized rhythm so a phrase can
 * be rebuilt, with a vocabulary small enough to learn (version 2):
 *
 *   T_<steps>*  N_48 [S_4.7]  D_<steps>  N_... D_...  T_<steps>* ...
 *
 * `N_` starts a note (or the bass of a chord) at the current time, an optional `S_` adds the
 * chord's other notes as intervals above that bass (chord_shapes.ts: a fixed table of shapes;
 * a chord outside it is split into pieces that are in it), `D_` is the duration, `T_` moves
 * time on. Notes starting together with different durations are separate events; the events
 * of one step come in rising order of their bass. Steps are on a grid of `stepsPerQuarter`
 * steps per quarter note, read from the sequence's tempo map (for MIDI performances that is
 * the file's own tempo, usually 120 qpm, so the grid is fixed in seconds). Durations are capped
 * at `maxSteps` (longer notes are cut); gaps longer than that are written as several `T_`.
 * A pitch struck twice on one step keeps its longer note. Drums are skipped.
 * Every token is one of `allTokens` (128 `N_`, 532 `S_`, `maxSteps` each of `D_` and `T_`:
 * 788 by default), so a vocabulary built from data (the tokens seen) is never larger. On
 * MAESTRO 2004 over 99.5% of notes come back exactly on the grid.
 * Decoding plays events at `qpm` (default 120) with velocity 80; an event without `D_` lasts
 * one quarter; version 1's `C_60.64.67` chords still decode; unknown tokens are skipped; it
 * never throws.
 */
import type { Codec, CodecLengths, DecodedMusic, Token, UnseededPrompt } from '../codec.ts';
import { neutralPrompt, seedTimeContext } from '../time_based.ts';
import type { Vocabulary } from '../vocabulary.ts';
import type { MusicItem } from '../../music/music_item.ts';
import type { Note, NoteSequence } from '../../../../shared/music/note_sequence.ts';
import type { MidiNote, Qpm } from '../../../../shared/music/units.ts';
import { quantize } from '../../../../shared/music/sequences.ts';
import type { TokenGrammar } from '../grammar.ts';
import { allShapeTokens, parseShapeToken, shapeToken, splitChord } from './chord_shapes.ts';
import { NotesGrammar } from './notes_grammar.ts';

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

/** One event on the grid: pitches starting together with one duration. */
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
  readonly description = 'Notes: a token per note or chord, with durations on a grid';
  readonly version = 2;
  readonly cacheKey: string;
  /** Built from the data: the tokens seen, a subset of `allTokens`. */
  readonly fixedVocabulary = null;
  /** Every token this codec can write. */
  readonly allTokens: readonly Token[];
  readonly specialTokens: readonly Token[] = [];
  readonly startToken = null;
  readonly endToken = null;
  readonly seedKind = 'notes' as const;
  /** Lengths count `T_` steps at the decoding tempo; bars become seconds through the seed's meter. */
  readonly lengths: CodecLengths = {
    unit: 'time',
    advance: (token) => (stepsOf(token, 'T_') ?? 0) * (60 / this.qpm / this.stepsPerQuarter),
    // The codec plays its grid at its own tempo, whatever the seed's.
    timeContext: (_prompt, seed) => seedTimeContext(seed, this.qpm),
  };
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
    const steps = Array.from({ length: this.maxSteps }, (_, i) => i + 1);
    this.allTokens = Object.freeze([
      ...Array.from({ length: 128 }, (_, p) => `N_${p}`),
      ...allShapeTokens(),
      ...steps.map((n) => `D_${n}`),
      ...steps.map((n) => `T_${n}`),
    ]);
  }

  /** Valid by construction: pitches in range, one duration per event, a step's events in order. */
  grammar(vocabulary: Vocabulary): TokenGrammar {
    return new NotesGrammar(vocabulary, { secondsPerStep: 60 / this.qpm / this.stepsPerQuarter });
  }

  /** Without a seed the network hears a quarter rest, not part of the output. */
  unseededPrompt(vocabulary: Vocabulary): UnseededPrompt {
    return neutralPrompt(vocabulary, `T_${this.stepsPerQuarter}`, /^T_\d+$/);
  }

  continuationAlone(_prefix: readonly Token[], continuation: readonly Token[]): Token[] {
    return [...continuation];
  }

  /** The events of a sequence on this codec's grid. */
  events(sequence: NoteSequence): NotesEvent[] {
    const onGrid =
      sequence.quantization?.stepsPerQuarter === this.stepsPerQuarter &&
      sequence.notes.every((n) => n.quantizedStartStep !== undefined && n.quantizedEndStep !== undefined)
        ? sequence
        : quantize(sequence, this.stepsPerQuarter);
    // The longest note of each (step, pitch): a key struck twice at once sounds once.
    const longest = new Map<number, number>();
    for (const note of onGrid.notes) {
      if (note.isDrum || note.pitch < 0 || note.pitch > 127) continue;
      const step = Math.max(0, note.quantizedStartStep ?? 0);
      const duration = Math.min(this.maxSteps, Math.max(1, (note.quantizedEndStep ?? step + 1) - step));
      const key = step * 128 + note.pitch;
      longest.set(key, Math.max(longest.get(key) ?? 0, duration));
    }
    const byStart = new Map<number, NotesEvent>();
    for (const [key, duration] of longest) {
      const step = Math.floor(key / 128);
      const pitch = key % 128;
      const start = step * (this.maxSteps + 1) + duration;
      const event = byStart.get(start);
      if (event) event.pitches.push(pitch);
      else byStart.set(start, { step, pitches: [pitch], duration });
    }
    const events = [...byStart.values()];
    for (const event of events) event.pitches.sort((a, b) => a - b);
    return events.sort((a, b) => a.step - b.step || a.pitches[0] - b.pitches[0]);
  }

  encode(item: MusicItem): Token[] {
    const tokens: Token[] = [];
    let time = 0;
    // Each event splits into chord pieces; a step's pieces go in rising order of their bass.
    const pieces = this.events(item.sequence).flatMap((event) =>
      splitChord(event.pitches).map((piece) => ({ ...piece, step: event.step, duration: event.duration })),
    );
    pieces.sort((a, b) => a.step - b.step || a.bass - b.bass);
    for (const piece of pieces) {
      this.pushShift(tokens, piece.step - time);
      time = piece.step;
      tokens.push(`N_${piece.bass}`);
      if (piece.intervals.length > 0) tokens.push(shapeToken(piece.intervals));
      tokens.push(`D_${piece.duration}`);
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
      const shape = parseShapeToken(token);
      if (shape && open?.pitches.length === 1) {
        const bass = open.pitches[0];
        open.pitches.push(...shape.map((i) => bass + i).filter((p) => p <= 127));
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
