/**
 * The notes codec's grammar: a token stream it allows is exactly one the encoder could write.
 *
 *   piece := T_*  N_<bass>  [S_<shape>]  D_<steps>
 *
 * - durations and time shifts are whole grid steps (the `D_`/`T_` tokens of the vocabulary),
 *   and every note or chord gets exactly one duration;
 * - a note, and every note of a chord (bass + shape), is within the pitch range (piano 21..108
 *   unless `pitchRange` says otherwise) and allowed by the musician's constraints: a pitch is
 *   allowed when `allowedTokens` allows its `N_` token (or, for a pitch the vocabulary has no
 *   `N_` for, an `N_` of its pitch class within the span of allowed ones). A shape's pitches
 *   depend on its bass, so only the grammar can judge them against a key;
 * - the events of one step come in rising order of their bass, and no pitch starts twice on
 *   one step (as the encoder writes them);
 * - the piece may end between events (`canEnd`), not between a note and its duration;
 * - `progress` counts the seconds since the prompt (at the codec's tempo).
 * The prompt is followed leniently (the musician's music): tokens are applied unchecked.
 */
import type { GrammarOptions, GrammarState, TokenGrammar } from '../grammar.ts';
import { GrammarError } from '../grammar.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { parseShapeToken } from './chord_shapes.ts';

/** The piano's keys, the default range. */
export const NOTES_DEFAULT_RANGE = { low: 21, high: 108 } as const;

/** Any other token: never allowed. */
const KIND_OTHER = 0;
const KIND_NOTE = 1;
const KIND_SHAPE = 2;
const KIND_DURATION = 3;
const KIND_SHIFT = 4;

/** Where the stream is inside a piece. */
const EXPECT_EVENT = 0;
const EXPECT_SHAPE_OR_DURATION = 1;
const EXPECT_DURATION = 2;

interface TokenTable {
  kind: Uint8Array;
  /** Pitch of N_, steps of D_/T_, index into `shapes` of S_. */
  value: Int32Array;
  shapes: number[][];
  /** Ids of each kind, so `restrict` touches only what can change. */
  byKind: Int32Array[];
}

function tokenTable(vocabulary: Vocabulary): TokenTable {
  const table: TokenTable = {
    kind: new Uint8Array(vocabulary.size),
    value: new Int32Array(vocabulary.size),
    shapes: [],
    byKind: [],
  };
  vocabulary.tokens.forEach((token, id) => {
    const shape = parseShapeToken(token);
    if (shape) {
      table.kind[id] = KIND_SHAPE;
      table.value[id] = table.shapes.length;
      table.shapes.push(shape);
      return;
    }
    const match = /^(N|D|T)_(\d{1,3})$/.exec(token);
    if (!match) return;
    const value = Number(match[2]);
    if (match[1] === 'N' && value <= 127) table.kind[id] = KIND_NOTE;
    else if (match[1] === 'D' && value >= 1) table.kind[id] = KIND_DURATION;
    else if (match[1] === 'T' && value >= 1) table.kind[id] = KIND_SHIFT;
    else return;
    table.value[id] = value;
  });
  const lists: number[][] = [[], [], [], [], []];
  table.kind.forEach((kind, id) => lists[kind].push(id));
  table.byKind = lists.map((ids) => Int32Array.from(ids));
  return table;
}

/** allowed[p] = 1 for a pitch notes may sound at (see the module comment). */
function allowedPitches(table: TokenTable, options: GrammarOptions): Uint8Array {
  const low = options.pitchRange?.low ?? NOTES_DEFAULT_RANGE.low;
  const high = options.pitchRange?.high ?? NOTES_DEFAULT_RANGE.high;
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 0 && high <= 127 && low <= high))
    throw new GrammarError(
      `Pitch range ${low}..${high} must be whole MIDI notes with 0 <= low <= high <= 127`,
    );
  const allowed = new Uint8Array(128);
  for (let p = low; p <= high; p++) allowed[p] = 1;
  const mask = options.allowedTokens;
  if (!mask) return allowed;
  const noteId = new Int32Array(128).fill(-1);
  table.kind.forEach((kind, id) => {
    if (kind === KIND_NOTE) noteId[table.value[id]] = id;
  });
  // For pitches the vocabulary has no N_ for: their pitch class and the span the allowed N_ cover.
  const classAllowed = new Uint8Array(12);
  let lowest = 128;
  let highest = -1;
  for (let p = 0; p < 128; p++) {
    if (noteId[p] < 0 || mask[noteId[p]] === 0) continue;
    classAllowed[p % 12] = 1;
    lowest = Math.min(lowest, p);
    highest = Math.max(highest, p);
  }
  for (let p = low; p <= high; p++) {
    if (noteId[p] >= 0) allowed[p] = mask[noteId[p]] === 0 ? 0 : 1;
    else allowed[p] = classAllowed[p % 12] === 1 && p >= lowest && p <= highest ? 1 : 0;
  }
  return allowed;
}

class NotesState implements GrammarState {
  constructor(
    private readonly table: TokenTable,
    /** allowed[p] = 1 for a pitch notes may sound at. */
    private readonly allowed: Uint8Array,
    private readonly secondsPerStep: number,
    /** Pitches started on the current step. */
    private readonly startedNow: Uint8Array = new Uint8Array(128),
    private step = 0,
    private expect = EXPECT_EVENT,
    /** Bass of the last event on the current step (-1: none yet). */
    private lastBass = -1,
    /** The step the prompt ended on: progress counts from here. */
    private origin = 0,
    /** Per bass, which shapes fit the allowed pitches (filled on first use; shared by clones, never changed). */
    private readonly shapeRows: (Uint8Array | undefined)[] = [],
    /** Pitches started on the current step, and how many of them came before the current bass. */
    private startedCount = 0,
    private startedBeforeBass = 0,
  ) {}

  /** Progress counts from now on (called once the prompt is followed). */
  markOrigin(): void {
    this.origin = this.step;
  }

  clone(): NotesState {
    return new NotesState(
      this.table,
      this.allowed,
      this.secondsPerStep,
      Uint8Array.from(this.startedNow),
      this.step,
      this.expect,
      this.lastBass,
      this.origin,
      this.shapeRows,
      this.startedCount,
      this.startedBeforeBass,
    );
  }

  private pitchOk(pitch: number): boolean {
    return pitch <= 127 && this.allowed[pitch] === 1 && this.startedNow[pitch] === 0;
  }

  /** Every note of a shape over the current bass may sound (a plain loop: this runs for hundreds of shapes per token). */
  private shapeFits(intervals: readonly number[]): boolean {
    for (let i = 0; i < intervals.length; i++) if (!this.pitchOk(this.lastBass + intervals[i])) return false;
    return true;
  }

  /** Which shapes (in `byKind[KIND_SHAPE]` order) fit over `bass` with nothing else struck. */
  private shapeRow(bass: number): Uint8Array {
    const cached = this.shapeRows[bass];
    if (cached) return cached;
    const shapes = this.table.byKind[KIND_SHAPE];
    const row = new Uint8Array(shapes.length);
    for (let i = 0; i < shapes.length; i++) {
      const intervals = this.table.shapes[this.table.value[shapes[i]]];
      row[i] = intervals.every((interval) => bass + interval <= 127 && this.allowed[bass + interval] === 1)
        ? 1
        : 0;
    }
    this.shapeRows[bass] = row;
    return row;
  }

  private allows(id: number): boolean {
    const value = this.table.value[id];
    switch (this.table.kind[id]) {
      case KIND_NOTE:
        return this.expect === EXPECT_EVENT && value > this.lastBass && this.pitchOk(value);
      case KIND_SHIFT:
        return this.expect === EXPECT_EVENT;
      case KIND_DURATION:
        return this.expect !== EXPECT_EVENT;
      case KIND_SHAPE:
        return this.expect === EXPECT_SHAPE_OR_DURATION && this.shapeFits(this.table.shapes[value]);
      default:
        return false;
    }
  }

  restrict(mask: Uint8Array): void {
    const { byKind } = this.table;
    const clear = (ids: Int32Array): void => {
      for (let i = 0; i < ids.length; i++) mask[ids[i]] = 0;
    };
    clear(byKind[KIND_OTHER]);
    if (this.expect === EXPECT_EVENT) {
      clear(byKind[KIND_SHAPE]);
      clear(byKind[KIND_DURATION]);
      const notes = byKind[KIND_NOTE];
      for (let i = 0; i < notes.length; i++) if (!this.allows(notes[i])) mask[notes[i]] = 0;
      return;
    }
    clear(byKind[KIND_NOTE]);
    clear(byKind[KIND_SHIFT]);
    const shapes = byKind[KIND_SHAPE];
    if (this.expect === EXPECT_DURATION) clear(shapes);
    else if (this.startedBeforeBass === 0) {
      // Nothing else struck on this step: which shapes fit depends on the bass alone.
      const row = this.shapeRow(this.lastBass);
      for (let i = 0; i < shapes.length; i++) if (row[i] === 0) mask[shapes[i]] = 0;
    } else
      for (let i = 0; i < shapes.length; i++)
        if (mask[shapes[i]] !== 0 && !this.allows(shapes[i])) mask[shapes[i]] = 0;
  }

  push(tokenId: number): void {
    if (!(tokenId >= 0 && tokenId < this.table.kind.length) || !this.allows(tokenId))
      throw new GrammarError(`Token id ${tokenId} is not allowed here`);
    this.follow(tokenId);
  }

  /** Applies a token without checking it (the prompt). */
  follow(tokenId: number): void {
    const value = this.table.value[tokenId];
    switch (this.table.kind[tokenId]) {
      case KIND_NOTE:
        this.lastBass = value;
        this.startedBeforeBass = this.startedCount;
        if (this.startedNow[value] === 0) this.startedCount++;
        this.startedNow[value] = 1;
        this.expect = EXPECT_SHAPE_OR_DURATION;
        break;
      case KIND_SHAPE:
        for (const interval of this.table.shapes[value]) {
          const pitch = this.lastBass + interval;
          if (pitch > 127 || this.startedNow[pitch] === 1) continue;
          this.startedNow[pitch] = 1;
          this.startedCount++;
        }
        this.expect = EXPECT_DURATION;
        break;
      case KIND_DURATION:
        this.expect = EXPECT_EVENT;
        break;
      case KIND_SHIFT:
        this.step += value;
        this.startedNow.fill(0);
        this.startedCount = 0;
        this.startedBeforeBass = 0;
        this.lastBass = -1;
        this.expect = EXPECT_EVENT;
        break;
      default:
        // Not a notes token (a version-1 chord, say): the decoder skips it, so does the grammar.
        break;
    }
  }

  canEnd(): boolean {
    return this.expect === EXPECT_EVENT;
  }

  progress(): { seconds: number } {
    return { seconds: (this.step - this.origin) * this.secondsPerStep };
  }
}

/** The grammar of the notes codec over one vocabulary. */
export class NotesGrammar implements TokenGrammar {
  private readonly table: TokenTable;

  constructor(
    vocabulary: Vocabulary,
    private readonly timing: { secondsPerStep: number },
  ) {
    this.table = tokenTable(vocabulary);
  }

  start(prefix: readonly number[], options: GrammarOptions = {}): GrammarState {
    const state = new NotesState(this.table, allowedPitches(this.table, options), this.timing.secondsPerStep);
    for (const id of prefix) {
      if (!(Number.isInteger(id) && id >= 0 && id < this.table.kind.length))
        throw new GrammarError(`Prompt token id ${id} is outside the vocabulary`);
      state.follow(id);
    }
    state.markOrigin();
    return state;
  }
}
