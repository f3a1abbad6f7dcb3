/**
 * The performance codec's grammar: a token stream it allows always decodes to playable piano
 * music.
 *
 * - NOTE_ON only for a pitch in the instrument's range (piano 21..108 unless `pitchRange`
 *   says otherwise) that is not already sounding, and only while fewer than `maxPolyphony`
 *   notes sound;
 * - NOTE_OFF only for a sounding note, and not on the step it started (every note lasts at
 *   least one 10 ms step, as the encoder writes them);
 * - TIME_SHIFTs accumulate: a shift is allowed only when no sounding note would pass
 *   `maxNoteSeconds`, so a note that reaches the cap must be ended (NOTE_OFF) first;
 * - VELOCITY only when a NOTE_ON may follow, only to another bin than the current one, and
 *   then a NOTE_ON must come next (as the encoder writes it);
 * - the piece may end only when nothing sounds (`canEnd`); `restrictToFinish` leaves only the
 *   tokens that bring it there; `progress` counts the seconds since the prompt.
 * The prompt is followed leniently — it is what the musician played: a NOTE_ON on a sounding
 * pitch re-strikes it, a NOTE_OFF of a silent pitch is ignored, pitches outside the range and
 * notes over the caps are accepted (the caps then hold from the first generated token:
 * a note already over the duration cap must be ended before time moves on).
 */
import type { GrammarOptions, GrammarState, TokenGrammar } from '../grammar.ts';
import { GrammarError } from '../grammar.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { MAX_SHIFT_STEPS, parsePerformanceToken, STEPS_PER_SECOND, VELOCITY_BINS } from './performance.ts';

/** The piano's keys, the default range. */
export const PIANO_RANGE = { low: 21, high: 108 } as const;
/** Default most notes sounding at once (ten fingers and the pedal's resonance). */
export const DEFAULT_MAX_POLYPHONY = 16;
/** Default longest note, in seconds. */
export const DEFAULT_MAX_NOTE_SECONDS = 10;

/** 0: not a performance event (never allowed). */
const KIND_ON = 1;
const KIND_OFF = 2;
const KIND_SHIFT = 3;
const KIND_VELOCITY = 4;

/** Token ids of each event in one vocabulary (-1 where the vocabulary lacks the token). */
interface EventIds {
  kind: Uint8Array;
  value: Int32Array;
  on: Int32Array;
  off: Int32Array;
  /** shift[k] = id of SHIFT_k, k = 1..100. */
  shift: Int32Array;
  /** velocity[b] = id of VEL_b, b = 1..32. */
  velocity: Int32Array;
}

function eventIds(vocabulary: Vocabulary): EventIds {
  const size = vocabulary.size;
  const ids: EventIds = {
    kind: new Uint8Array(size),
    value: new Int32Array(size),
    on: new Int32Array(128).fill(-1),
    off: new Int32Array(128).fill(-1),
    shift: new Int32Array(MAX_SHIFT_STEPS + 1).fill(-1),
    velocity: new Int32Array(VELOCITY_BINS + 1).fill(-1),
  };
  for (let id = 0; id < size; id++) {
    const event = parsePerformanceToken(vocabulary.tokens[id]);
    if (!event) continue;
    ids.value[id] = event.value;
    if (event.kind === 'on') {
      ids.kind[id] = KIND_ON;
      ids.on[event.value] = id;
    } else if (event.kind === 'off') {
      ids.kind[id] = KIND_OFF;
      ids.off[event.value] = id;
    } else if (event.kind === 'shift') {
      ids.kind[id] = KIND_SHIFT;
      ids.shift[event.value] = id;
    } else {
      ids.kind[id] = KIND_VELOCITY;
      ids.velocity[event.value] = id;
    }
  }
  return ids;
}

/** Resolved options of one run. */
interface Limits {
  low: number;
  high: number;
  maxPolyphony: number;
  maxNoteSteps: number;
  /** The musician's constraints (key, range): a VELOCITY is allowed only when an allowed NOTE_ON can follow. */
  allowedTokens: Uint8Array | null;
}

function limitsOf(options: GrammarOptions): Limits {
  const low = options.pitchRange?.low ?? PIANO_RANGE.low;
  const high = options.pitchRange?.high ?? PIANO_RANGE.high;
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 0 && high <= 127 && low <= high))
    throw new GrammarError(
      `Pitch range ${low}..${high} must be whole MIDI notes with 0 <= low <= high <= 127`,
    );
  const maxPolyphony = options.maxPolyphony ?? DEFAULT_MAX_POLYPHONY;
  if (!(Number.isInteger(maxPolyphony) && maxPolyphony >= 1))
    throw new GrammarError(`maxPolyphony must be a whole number >= 1, got ${maxPolyphony}`);
  const seconds = options.maxNoteSeconds ?? DEFAULT_MAX_NOTE_SECONDS;
  const maxNoteSteps = Math.round(seconds * STEPS_PER_SECOND);
  if (!(maxNoteSteps >= 1)) throw new GrammarError(`maxNoteSeconds must be at least 0.01, got ${seconds}`);
  return { low, high, maxPolyphony, maxNoteSteps, allowedTokens: options.allowedTokens ?? null };
}

/** A grammar state that can also say how to finish: the tokens that lead to `canEnd`. */
export interface ClosableGrammarState extends GrammarState {
  /**
   * Clears every token that does not bring the piece closer to an end: only NOTE_OFFs of
   * sounding notes remain (or the one-step shift that lets notes struck on this step end).
   */
  restrictToFinish(mask: Uint8Array): void;
}

class PerformanceState implements ClosableGrammarState {
  constructor(
    private readonly ids: EventIds,
    private readonly limits: Limits,
    /** Start step of each sounding pitch, -1 when silent. */
    private readonly startOf: Int32Array = new Int32Array(128).fill(-1),
    private sounding = 0,
    private step = 0,
    private bin = 0,
    private afterVelocity = false,
    /** The step the prompt ended on: progress counts from here. */
    private origin = 0,
  ) {}

  /** Progress counts from now on (called once the prompt is followed). */
  markOrigin(): void {
    this.origin = this.step;
  }

  clone(): PerformanceState {
    return new PerformanceState(
      this.ids,
      this.limits,
      Int32Array.from(this.startOf),
      this.sounding,
      this.step,
      this.bin,
      this.afterVelocity,
      this.origin,
    );
  }

  /** Steps the oldest sounding note has sounded (0 when none sounds). */
  private oldestAge(): number {
    if (this.sounding === 0) return 0;
    let oldest = this.step;
    for (let p = 0; p < 128; p++)
      if (this.startOf[p] >= 0 && this.startOf[p] < oldest) oldest = this.startOf[p];
    return this.step - oldest;
  }

  private canStrike(pitch: number): boolean {
    return (
      pitch >= this.limits.low &&
      pitch <= this.limits.high &&
      this.startOf[pitch] < 0 &&
      this.sounding < this.limits.maxPolyphony
    );
  }

  /** True when some NOTE_ON of the vocabulary may come now. */
  private anyStrike(): boolean {
    if (this.sounding >= this.limits.maxPolyphony) return false;
    const allowed = this.limits.allowedTokens;
    for (let p = this.limits.low; p <= this.limits.high; p++) {
      const id = this.ids.on[p];
      if (id >= 0 && this.startOf[p] < 0 && (!allowed || allowed[id] !== 0)) return true;
    }
    return false;
  }

  /** Whether token `id` may come next; `strikeOk` and `shiftRoom` are computed once per step by the caller. */
  private allows(id: number, strikeOk: boolean, shiftRoom: number): boolean {
    const value = this.ids.value[id];
    switch (this.ids.kind[id]) {
      case KIND_ON:
        return this.canStrike(value);
      case KIND_OFF:
        return !this.afterVelocity && this.startOf[value] >= 0 && this.startOf[value] < this.step;
      case KIND_SHIFT:
        return !this.afterVelocity && value <= shiftRoom;
      case KIND_VELOCITY:
        return !this.afterVelocity && strikeOk && value !== this.bin;
      default:
        return false;
    }
  }

  /** Longest shift allowed now: no sounding note may pass the duration cap. */
  private shiftRoom(): number {
    return this.sounding === 0 ? MAX_SHIFT_STEPS : this.limits.maxNoteSteps - this.oldestAge();
  }

  restrict(mask: Uint8Array): void {
    const strikeOk = this.anyStrike();
    const shiftRoom = this.shiftRoom();
    for (let id = 0; id < mask.length; id++)
      if (mask[id] !== 0 && !this.allows(id, strikeOk, shiftRoom)) mask[id] = 0;
  }

  restrictToFinish(mask: Uint8Array): void {
    // After a VELOCITY the stream must strike its note first.
    if (this.afterVelocity) return this.restrict(mask);
    const { ids } = this;
    let endable = 0;
    for (let p = 0; p < 128; p++) if (this.startOf[p] >= 0 && this.startOf[p] < this.step) endable++;
    for (let id = 0; id < mask.length; id++) {
      if (mask[id] === 0) continue;
      const kind = ids.kind[id];
      const value = ids.value[id];
      const keep =
        (kind === KIND_OFF && this.startOf[value] >= 0 && this.startOf[value] < this.step) ||
        (kind === KIND_SHIFT && value === 1 && endable === 0 && this.sounding > 0);
      if (!keep) mask[id] = 0;
    }
  }

  push(tokenId: number): void {
    const known = Number.isInteger(tokenId) && tokenId >= 0 && tokenId < this.ids.kind.length;
    const kind = known ? this.ids.kind[tokenId] : 0;
    // Only the figures the token's kind needs.
    const strikeOk = kind === KIND_VELOCITY && this.anyStrike();
    const shiftRoom = kind === KIND_SHIFT ? this.shiftRoom() : 0;
    if (!known || !this.allows(tokenId, strikeOk, shiftRoom))
      throw new GrammarError(`Token id ${tokenId} is not allowed here`);
    this.follow(tokenId);
  }

  /** Applies a token without checking it (the prompt: see the module comment). */
  follow(tokenId: number): void {
    const kind = this.ids.kind[tokenId];
    const value = this.ids.value[tokenId];
    if (kind !== KIND_VELOCITY) this.afterVelocity = false;
    switch (kind) {
      case KIND_ON:
        if (this.startOf[value] < 0) this.sounding++;
        this.startOf[value] = this.step;
        break;
      case KIND_OFF:
        if (this.startOf[value] >= 0) this.sounding--;
        this.startOf[value] = -1;
        break;
      case KIND_SHIFT:
        this.step += value;
        break;
      case KIND_VELOCITY:
        this.bin = value;
        this.afterVelocity = true;
        break;
      default:
        throw new GrammarError(`Token id ${tokenId} is not a performance event`);
    }
  }

  canEnd(): boolean {
    return this.sounding === 0 && !this.afterVelocity;
  }

  progress(): { seconds: number } {
    return { seconds: (this.step - this.origin) / STEPS_PER_SECOND };
  }
}

/** The grammar of the performance codec over one vocabulary. */
export class PerformanceGrammar implements TokenGrammar {
  private readonly ids: EventIds;

  constructor(vocabulary: Vocabulary) {
    this.ids = eventIds(vocabulary);
  }

  start(prefix: readonly number[], options: GrammarOptions = {}): ClosableGrammarState {
    const state = new PerformanceState(this.ids, limitsOf(options));
    for (const id of prefix) {
      if (!(Number.isInteger(id) && id >= 0 && id < this.ids.kind.length))
        throw new GrammarError(`Prompt token id ${id} is outside the vocabulary`);
      state.follow(id);
    }
    state.markOrigin();
    return state;
  }
}
