/**
 * One ABC tune being written, token by token, and which tokens may come next.
 *
 * The language (what a valid tune is):
 * - Bars: every bar lasts exactly the meter at the unit length, except a pickup (the first
 *   bar, shorter) and "short closing bars" of meter minus pickup, which only come before a
 *   closing bar line (`:|`, `::`, `||`, `|]`). The bar after a short closing bar is a pickup
 *   again (so the two make one bar, as abc2midi counts them), and a repeat whose section starts
 *   with a pickup closes with a short bar. No empty bars; at least one real bar.
 * - Repeats: `|:` opens a section (at the start or after a full bar), `:|` closes it, `::`
 *   closes and opens; `||` and `|]` only outside a section, `|]` only at the end. `[1` may come
 *   right after a `|` inside a section of at least one bar; its `:|` must be followed by `[2`,
 *   whose ending closes at its next bar line.
 * - Notes: a tie `-` follows a single note and must be followed by the same note (same letter,
 *   octave and sounding pitch), across a plain `|` at most; a broken rhythm joins two elements
 *   of one bar outside tuplets, of one written length; a tuplet `(p:q:r` takes its r elements
 *   inside one bar, all of one written length (abc2midi refuses both otherwise; in a tuplet
 *   it measures a chord by its inner notes, so a chord there is one unit long); a chord
 *   `[..]` holds 2 or 3 notes of different letters or octaves and different sounding pitches
 *   (no unison), lengths only after `]`, and sounds at least a 1/64 note once broken rhythms
 *   and tuplets apply (abc2midi staggers chord notes 10 ticks apart at 480 per quarter and
 *   misplays the rest of the tune after a chord shorter than that stagger).
 * - Spelling: no double sharps or flats; an accidental only where it changes what the plain
 *   letter would sound, and only for a pitch outside the key (so no `_g` for F# in D) or to
 *   cancel an earlier accidental of that letter in the bar; a
 *   plain letter only where ABC 2.1 (accidentals hold for that octave) and abc2midi (for every
 *   octave of the letter) agree on its pitch.
 * - No M:, L: or K: inside the tune unless allowed (then only at the start of a bar).
 * - The tune ends right after a bar line, with every section and construct closed, and has
 *   at least one note. `|]` ends it at once, so while the caller holds the end token back (its
 *   mask entry is 0 on the way in, before the length is reached) `|]` is refused as well.
 */
import { GrammarError, type GrammarState } from '../grammar.ts';
import type { MidiNote } from '../../../../shared/music/units.ts';
import type { SignatureCache } from './abc_grammar_cache.ts';
import {
  NO_ACCIDENTAL,
  ALL_LETTERS,
  copySpelling,
  emptySpelling,
  NOT_WRITABLE,
  soundingPitch,
  soundsAt,
  spellLetters,
  type NoteTable,
  type Spelling,
  type SpellingContext,
} from './abc_grammar_spelling.ts';
import type { FillTable } from './abc_grammar_fill.ts';
import { signatureOf, type HeaderContext, type HeaderContexts } from './abc_grammar_header.ts';
import type { BarKind, GrammarToken, Ratio } from './abc_grammar_tokens.ts';

/** What every state of one generation shares. */
export interface GrammarTables {
  tokens: readonly string[];
  classes: readonly GrammarToken[];
  headers: HeaderContexts;
  allowed: Uint8Array | null;
  pitchRange: { low: MidiNote; high: MidiNote } | null;
  allowHeaderChanges: boolean;
  /** Bar lines the vocabulary has and the constraints allow. */
  bars: ReadonlySet<BarKind>;
  /** `[2` can be written. */
  ending2: boolean;
  /** Structural masks by `structureSignature`, shared by every state started with these tables. */
  masks: SignatureCache<StructureMask>;
  /** The buffer signatures are written in (SIGNATURE_LENGTH integers). */
  signature: Int32Array;
  /** Header keys (meter, unit, key) as small integers, for the signature. */
  headerIds: Map<string, number>;
  /** The spelling of a bar without accidentals, by header key. */
  freshSpellings: Map<string, Spelling>;
  notes: NoteTable;
  /** Ids of the end token (a mask that clears it holds the end back). */
  endIds: readonly number[];
  /** Ids of `-` and of `[` the constraints allow. */
  tieIds: readonly number[];
  chordOpenIds: readonly number[];
  /** Ids of every other token but notes the constraints allow (the structural mask's tokens). */
  structuralIds: readonly number[];
  /** Ids `restrictToFinish` always clears (new sections, first endings, fields), and those of `:|`. */
  finishCleared: readonly number[];
  repeatEnds: readonly number[];
  /** Ids of `|` (cleared while finishing when the section can close now). */
  plainBars: readonly number[];
}

/** The structural part of a mask (see `AbcGrammarState.structureMask`). */
export interface StructureMask {
  /** Ids of the tokens allowed, of all but notes, ties and chord openings. */
  allowed: readonly number[];
  /** A note may come next, when the spelling allows it. */
  notes: boolean;
  /** A chord may open next, when two notes of different steps can be written. */
  chordOpen: boolean;
  /** A tie may come: its note fits in this bar / after a `|`, when that note can be spelt there. */
  tieInBar: boolean;
  tieAcross: boolean;
}

/** Integer codes of the state's strings, for the structural signature. */
const ROLE_CODE: Record<Role, number> = { first: 0, pickup: 1, normal: 2 };
const REPEAT_CODE: Record<Repeat, number> = { none: 0, open: 1, ending1: 2, needEnding2: 3, ending2: 4 };
const BAR_CODE: Record<BarKind, number> = { '|': 1, '||': 2, '|]': 3, '|:': 4, ':|': 5, '::': 6 };
const OPEN_CODE: Record<OpenElement['kind'], number> = { note: 1, rest: 2, chord: 3 };
/** Integers in a structural signature. */
export const SIGNATURE_LENGTH = 13;
/** Letter accidentals of a bar without any. */
const FRESH_LETTERS = new Int8Array(7).fill(NO_ACCIDENTAL);

type Role = 'first' | 'pickup' | 'normal';
type Repeat = 'none' | 'open' | 'ending1' | 'needEnding2' | 'ending2';

/**
 * The element being written: its length may still come (a duration token). Every field is
 * always present (undefined when it does not apply), so all open elements share one shape.
 */
interface OpenElement {
  kind: 'note' | 'rest' | 'chord';
  /** Unscaled length in ticks once given; null = the unit (no duration token yet). */
  ticks: number | null;
  scale: Ratio;
  /** May start a broken rhythm (not in a tuplet, not the second of a pair). */
  brokenOk: boolean;
  /** The written length it must have (ticks): that of its broken-rhythm partner or tuplet. */
  required: number | undefined;
  /** One of a tuplet's elements (its length becomes the tuplet's). */
  inTuplet: boolean;
  /** A single note's step and sounding pitch (for ties). */
  note: { step: number; pitch: number } | undefined;
  /** For a chord: still open (no `]` yet). */
  chordOpen: boolean;
}

const ONE: Ratio = { n: 1, d: 1 };
/** An open chord with nothing else to it (for asking what a chord could hold here). */
const BLANK_CHORD: OpenElement = {
  kind: 'chord',
  ticks: null,
  scale: ONE,
  brokenOk: false,
  required: undefined,
  inTuplet: false,
  note: undefined,
  chordOpen: true,
};
const NATURAL_PC = [0, 2, 4, 5, 7, 9, 11];
const CLOSING = new Set<BarKind>([':|', '::', '||', '|]']);
/** abc2midi staggers chord notes 10 ticks apart: three notes stay within one onset. */
const MAX_CHORD = 3;

function scaled(ticks: number, factor: Ratio): number {
  return (ticks * factor.n) / factor.d;
}

/** `table` can fill a bar from `pos` to `length` (a bar is never empty). */
function fitsIn(has: Uint8Array, pos: number, length: number): boolean {
  const rest = length - pos;
  return rest >= 0 && rest < has.length && has[rest] === 1 && length > 0;
}

/** The grammar state; see the module comment for the rules. */
export class AbcGrammarState implements GrammarState {
  // Header.
  private meter = '4/4';
  private unit = '1/8';
  private keyToken: string | undefined;
  private header!: HeaderContext;
  /** Meter, unit and key, and the same as a small integer (for the structural signature). */
  private headerKey = '';
  private headerId = 0;
  private signature: number[] = [0, 0, 0, 0, 0, 0, 0];
  /** 1 for the pitch classes of the key signature's scale. */
  private keyClasses = new Uint8Array(12);
  private inBody = false;
  // The bar being written.
  private pos = 0;
  private elements = 0;
  private octaveAccidentals = new Map<number, number>();
  private letterAccidentals = new Int8Array(7).fill(NO_ACCIDENTAL);
  private open: OpenElement | null = null;
  private chordSteps: number[] = [];
  /** The sounding pitches of the open chord's notes (no pitch twice: a unison is refused). */
  private chordPitches: number[] = [];
  /** After `>`/`<`: the second element's scale and the written length it must have. */
  private brokenSecond: { scale: Ratio; length: number } | null = null;
  /** An open tuplet: elements `left` to start, their scale, their written length once known. */
  private tuplet: { scale: Ratio; left: number; length: number | null } | null = null;
  private tie: { step: number; pitch: number } | null = null;
  private lastBar: BarKind | null = null;
  private freeBar = false;
  // The tune's structure.
  private role: Role = 'first';
  private pickup = 0;
  private repeat: Repeat = 'none';
  private sectionPickup = false;
  private sectionBars = 0;
  private lastBarCounted = false;
  private bars = 0;
  /** Notes written so far (a tune has at least one). */
  private notes = 0;
  private ended = false;
  /** After the end token: nothing more. */
  private closed = false;
  /** The length is reached: close the current section in this bar when it still can. */
  private closingOnly = false;
  // Per-mask caches (-1 = not computed yet).
  private startCache = -1;
  private chordCloseCache = -1;
  private chordPossibleCache = -1;
  private lineCache = new Map<number, boolean>();
  /** What the last `restrict` allowed, until the state changes (so `push` need not ask again). */
  private lastMask: Uint8Array | null = null;
  /** The buffer `restrict` composes its mask in (one per state). */
  private scratch: Uint8Array | null = null;
  /**
   * The spelling of the bar so far, in this state's own buffers: valid or not, and the letters
   * whose accidentals changed since it was made (spelt again when next asked).
   */
  private spelling: Spelling | null = null;
  private spellingValid = false;
  private staleLetters = 0;
  /** The mask being restricted holds the end token back: nothing that ends the tune may come. */
  private endHeld = false;
  /**
   * While the structural mask is made: a pending tie's note counts as writable after a `|`
   * (`composeMask` then checks that spelling itself), so the mask does not depend on the note.
   */
  private tieSpeltAcross = false;

  /** A state at the start of a tune, or (with `from`) a copy of `from` that shares nothing mutable. */
  constructor(
    private readonly t: GrammarTables,
    from?: AbcGrammarState,
  ) {
    if (!from) {
      this.setHeader();
      return;
    }
    // Built by the constructor, copies keep the hidden class of every other state (fast access).
    Object.assign(this, from);
    this.octaveAccidentals = new Map(from.octaveAccidentals);
    this.letterAccidentals = Int8Array.from(from.letterAccidentals);
    this.chordSteps = [...from.chordSteps];
    this.chordPitches = [...from.chordPitches];
    this.open = from.open ? { ...from.open } : null;
    this.tuplet = from.tuplet ? { ...from.tuplet } : null;
    this.lineCache = new Map();
    this.lastMask = null;
    this.scratch = null;
    this.spelling = null;
    this.spellingValid = false;
  }

  private setHeader(): void {
    this.header = this.t.headers.get(this.meter, this.unit);
    this.headerKey = `${this.meter} ${this.unit} ${this.keyToken ?? ''}`;
    const ids = this.t.headerIds;
    this.headerId = ids.get(this.headerKey) ?? ids.size;
    ids.set(this.headerKey, this.headerId);
    this.spellingValid = false;
    this.signature = signatureOf(this.keyToken);
    this.keyClasses = new Uint8Array(12);
    this.signature.forEach((shift, letter) => (this.keyClasses[(NATURAL_PC[letter] + shift + 12) % 12] = 1));
  }

  clone(): AbcGrammarState {
    return new AbcGrammarState(this.t, this);
  }

  progress(): { bars: number } {
    return { bars: this.bars };
  }

  canEnd(): boolean {
    if (this.ended) return true;
    return (
      this.lastBar !== null &&
      this.lastBar !== '|:' &&
      this.lastBar !== '::' &&
      this.repeat === 'none' &&
      this.tie === null &&
      this.lastBarCounted &&
      this.notes > 0
    );
  }

  // ---- Masks ----------------------------------------------------------------------------

  restrict(mask: Uint8Array): void {
    if (this.closed) {
      mask.fill(0);
      return;
    }
    const allowed = this.composeMask(this.holdsEnd(mask));
    // Branch-free: `allowed` is 0 or 1, so this clears exactly the refused entries.
    for (let id = 0; id < allowed.length; id++) mask[id] *= allowed[id];
    this.lastMask = allowed;
  }

  /**
   * `restrict` the slow, plain way: every token's rules asked one by one, no cache. The same
   * result as `restrict` (test/unit/grammar_abc_cache.test.ts checks it); kept as its reference.
   */
  restrictUncached(mask: Uint8Array): void {
    if (this.closed) {
      mask.fill(0);
      return;
    }
    const { classes, allowed } = this.t;
    const own = new Uint8Array(classes.length);
    this.clearCaches();
    this.endHeld = this.holdsEnd(mask);
    for (let id = 0; id < classes.length; id++)
      if ((!allowed || allowed[id] !== 0) && this.allowsClass(classes[id])) own[id] = 1;
    this.endHeld = false;
    for (let id = 0; id < own.length; id++) if (own[id] === 0) mask[id] = 0;
    this.lastMask = own;
  }

  private holdsEnd(mask: Uint8Array): boolean {
    for (const id of this.t.endIds) if (mask[id] === 0) return true;
    return false;
  }

  /**
   * The grammar's own mask here (1 = may come next), in three parts: the bar arithmetic and
   * structure, cached by `structureSignature` (every token but notes and ties, and whether a
   * note or tie may come at all); the spelling, kept until an accidental or a bar line changes
   * it; and what depends on the very note written (ties, chord notes), asked directly.
   */
  private composeMask(endHeld: boolean): Uint8Array {
    const t = this.t;
    const signature = this.structureSignature(endHeld);
    let structure = t.masks.get(signature);
    if (!structure) {
      structure = this.structureMask(endHeld);
      t.masks.set(signature, structure);
    }
    const out = (this.scratch ??= new Uint8Array(t.classes.length));
    if (structure.notes && this.tie === null && !this.inChord()) out.set(this.currentSpelling().writable);
    else {
      out.fill(0);
      if (structure.notes) this.writeNotes(out, this.currentSpelling());
    }
    for (const id of structure.allowed) out[id] = 1;
    const tie = this.tie;
    if (tie && !soundsAt(t.notes, this.freshSpelling(), tie.step, tie.pitch))
      for (const id of t.plainBars) out[id] = 0;
    if (structure.chordOpen && this.chordCanStart(this.currentSpelling()))
      for (const id of t.chordOpenIds) out[id] = 1;
    const note = this.open?.note;
    if (note && (structure.tieInBar || structure.tieAcross)) {
      const ties =
        (structure.tieInBar && soundsAt(t.notes, this.currentSpelling(), note.step, note.pitch)) ||
        (structure.tieAcross && soundsAt(t.notes, this.freshSpelling(), note.step, note.pitch));
      if (ties) for (const id of t.tieIds) out[id] = 1;
    }
    return out;
  }

  /** Sets the entries of the note tokens that may come next inside a chord or after a tie. */
  private writeNotes(out: Uint8Array, spelling: Spelling): void {
    const notes = this.t.notes;
    const pitch = spelling.pitch;
    const tie = this.tie;
    if (this.inChord()) {
      const steps = this.chordSteps;
      const pitches = this.chordPitches;
      for (let i = 0; i < pitch.length; i++) {
        if (pitch[i] === NOT_WRITABLE || steps.includes(notes.step[i]) || pitches.includes(pitch[i]))
          continue;
        if (steps.length === 0 && !this.chordCanGrow(i, spelling)) continue;
        out[notes.ids[i]] = 1;
      }
    } else if (tie) {
      for (const i of notes.byStep.get(tie.step) ?? []) if (pitch[i] === tie.pitch) out[notes.ids[i]] = 1;
    }
  }

  /**
   * After note `i` opens a chord, a note of another step and another pitch can still be written
   * in it. Its own accidental (if any) holds for the rest of the bar, so the others are spelt
   * with it in force.
   */
  private chordCanGrow(i: number, spelling: Spelling): boolean {
    const notes = this.t.notes;
    const accidental = notes.accidental[i];
    const step = notes.step[i];
    const own = spelling.pitch[i];
    if (accidental === NO_ACCIDENTAL) {
      // Without an accidental nothing changes: another note must be writable already.
      if (spelling.steps < 2) return false;
      for (let j = 0; j < notes.ids.length; j++) {
        const p = spelling.pitch[j];
        if (p !== NOT_WRITABLE && p !== own && notes.step[j] !== step) return true;
      }
      return false;
    }
    const letter = notes.letter[i];
    const byOctave = this.octaveAccidentals.get(step);
    const byLetter = this.letterAccidentals[letter];
    this.octaveAccidentals.set(step, accidental);
    this.letterAccidentals[letter] = accidental;
    const context = this.spellingContext();
    const allowed = this.t.allowed;
    let grows = false;
    for (let j = 0; j < notes.ids.length && !grows; j++) {
      if (notes.step[j] === step || (allowed && allowed[notes.ids[j]] === 0)) continue;
      const p = soundingPitch(notes, j, context);
      grows = p !== NOT_WRITABLE && p !== own;
    }
    if (byOctave === undefined) this.octaveAccidentals.delete(step);
    else this.octaveAccidentals.set(step, byOctave);
    this.letterAccidentals[letter] = byLetter;
    return grows;
  }

  /** Some note can open a chord here that another note (new step, new pitch) can follow. */
  private chordCanStart(spelling: Spelling): boolean {
    if (spelling.steps < 2) return false;
    const pitch = spelling.pitch;
    for (let i = 0; i < pitch.length; i++)
      if (pitch[i] !== NOT_WRITABLE && this.chordCanGrow(i, spelling)) return true;
    return false;
  }

  private spellingContext(): SpellingContext {
    return {
      signature: this.signature,
      keyClasses: this.keyClasses,
      octaveAccidentals: this.octaveAccidentals,
      letterAccidentals: this.letterAccidentals,
      pitchRange: this.t.pitchRange,
    };
  }

  /** The spelling of the bar so far: the header's fresh one, with the letters given accidentals spelt again. */
  private currentSpelling(): Spelling {
    const notes = this.t.notes;
    const spelling = (this.spelling ??= emptySpelling(notes));
    if (!this.spellingValid) {
      const fresh =
        this.octaveAccidentals.size === 0 && this.letterAccidentals.every((a) => a === NO_ACCIDENTAL);
      this.staleLetters = fresh ? 0 : ALL_LETTERS;
      copySpelling(spelling, this.freshSpelling());
      this.spellingValid = true;
    }
    if (this.staleLetters !== 0) {
      spellLetters(notes, spelling, this.staleLetters, this.spellingContext(), this.t.allowed);
      this.staleLetters = 0;
    }
    return spelling;
  }

  /** The spelling of a bar without accidentals under this header (shared by every state: never modify it). */
  private freshSpelling(): Spelling {
    const spellings = this.t.freshSpellings;
    let spelling = spellings.get(this.headerKey);
    if (!spelling) {
      const context = {
        ...this.spellingContext(),
        octaveAccidentals: new Map(),
        letterAccidentals: FRESH_LETTERS,
      };
      spelling = emptySpelling(this.t.notes);
      spellLetters(this.t.notes, spelling, ALL_LETTERS, context, this.t.allowed);
      spellings.set(this.headerKey, spelling);
    }
    return spelling;
  }

  /**
   * The structural part of the mask: every token by its rules, except that note tokens, ties
   * and chord openings are 0 here and answered by flags that leave out the spelling (see
   * `StructureMask`).
   */
  private structureMask(endHeld: boolean): StructureMask {
    const { classes, structuralIds } = this.t;
    const allowed: number[] = [];
    this.clearCaches();
    this.endHeld = endHeld;
    // With a tie pending only `|` depends on its note (`barAllowed`): composeMask checks that.
    this.tieSpeltAcross = this.tie !== null;
    for (const id of structuralIds) if (this.allowsClass(classes[id])) allowed.push(id);
    this.tieSpeltAcross = false;
    const chordOpen = this.t.chordOpenIds.length > 0 && this.chordOpenFits();
    const notes = this.inChord() ? this.chordNoteFits() : this.canStartHere();
    const { tieInBar, tieAcross } = this.tieFits();
    this.endHeld = false;
    this.clearCaches();
    return { allowed, notes, chordOpen, tieInBar, tieAcross };
  }

  /** A chord may open here, as far as the bar and the structure go (`[` without the spelling). */
  private chordOpenFits(): boolean {
    return !this.inChord() && this.tie === null && this.chordStartCompletable();
  }

  /** A note may be added to the open chord, as far as the bar goes (`chordNoteCompletable` without spelling). */
  private chordNoteFits(): boolean {
    if (this.chordSteps.length >= MAX_CHORD) return false;
    if (this.chordSteps.length >= 1 || this.notes > 0) return this.chordCloseCompletable();
    // The tune's first note: once written, `|]` may close a bar (it needs a note).
    this.notes++;
    this.clearCaches();
    const fits = this.chordCloseCompletable();
    this.notes--;
    this.clearCaches();
    return fits;
  }

  /** `tieAllowed` without the spelling: the tied note fits in this bar, or after a `|` (`tieCompletable`). */
  private tieFits(): { tieInBar: boolean; tieAcross: boolean } {
    const open = this.open;
    if (!open || open.chordOpen || open.kind !== 'note' || !this.lengthMet())
      return { tieInBar: false, tieAcross: false };
    const pos = this.pos + this.committedTicks();
    const tieInBar = this.reachable(this.tiedNoteTable(), pos);
    const tieAcross =
      !this.tuplet &&
      !this.closesOnly() &&
      pos > 0 &&
      this.lineLegal('|', pos) &&
      this.afterTieBar(pos).startCompletable();
    return { tieInBar, tieAcross };
  }

  /**
   * Everything the structural mask depends on, as integers: the header, the bar position and
   * construct, the tune's structure, whether a tie is pending. Not the bar's accidentals, the
   * note just written nor the tied note. Equal signatures, equal structural masks.
   * One buffer per tables, refilled each call.
   */
  private structureSignature(endHeld: boolean): Int32Array {
    const k = this.t.signature;
    k[0] = this.headerId;
    k[1] = this.pos;
    k[2] =
      (this.inBody ? 1 : 0) |
      (this.elements > 0 ? 2 : 0) |
      (this.freeBar ? 4 : 0) |
      (this.sectionPickup ? 8 : 0) |
      // Read only by `endingAllowed` right after a `|`, and by `closeBar` in the first bar.
      (this.sectionBars > 0 && (this.lastBar === '|' || this.role === 'first') ? 16 : 0) |
      // Read only by `canEnd`, which needs a bar line just written.
      (this.lastBarCounted && this.lastBar !== null ? 32 : 0) |
      (this.notes > 0 ? 64 : 0) |
      (this.ended ? 128 : 0) |
      (this.closingOnly ? 256 : 0) |
      (endHeld ? 512 : 0) |
      (ROLE_CODE[this.role] << 10) |
      (REPEAT_CODE[this.repeat] << 12) |
      ((this.lastBar === null ? 0 : BAR_CODE[this.lastBar]) << 15);
    k[3] = this.pickup;
    const open = this.open;
    if (open) {
      k[4] =
        OPEN_CODE[open.kind] |
        (open.brokenOk ? 4 : 0) |
        (open.inTuplet ? 8 : 0) |
        ((open.chordOpen ? this.chordSteps.length + 1 : 0) << 4);
      k[5] = open.ticks ?? -1;
      k[6] = open.scale.n * 256 + open.scale.d;
      k[7] = open.required ?? -1;
    } else k[4] = k[5] = k[6] = k[7] = -1;
    const second = this.brokenSecond;
    k[8] = second ? second.scale.n * 256 + second.scale.d : -1;
    k[9] = second ? second.length : -1;
    const tuplet = this.tuplet;
    k[10] = tuplet ? (tuplet.left * 256 + tuplet.scale.n) * 256 + tuplet.scale.d : -1;
    k[11] = tuplet ? (tuplet.length ?? -2) : -1;
    k[12] = this.tie ? 1 : 0;
    return k;
  }

  private clearCaches(): void {
    this.startCache = -1;
    this.chordCloseCache = -1;
    this.chordPossibleCache = -1;
    this.lineCache.clear();
  }

  /** "A new element fits here", computed once per mask. */
  private canStartHere(): boolean {
    if (this.startCache < 0) this.startCache = this.startCompletable() ? 1 : 0;
    return this.startCache === 1;
  }

  /** Whether a token of class `c` may come next. */
  private allowsClass(c: GrammarToken): boolean {
    switch (c.kind) {
      case 'note':
        return this.noteAllowed(c) && (this.inChord() ? this.chordNoteCompletable(c) : this.canStartHere());
      case 'rest':
        return !this.inChord() && this.tie === null && this.canStartHere();
      case 'chordOpen':
        return !this.inChord() && this.tie === null && this.chordPossible() && this.chordStartCompletable();
      case 'chordClose':
        return this.inChord() && this.chordSteps.length >= 2 && this.chordCloseCompletable();
      case 'duration':
        return this.durationAllowed(c.value);
      case 'tie':
        return this.tieAllowed();
      case 'broken':
        return this.brokenAllowed(c.first, c.second);
      case 'tuplet':
        return this.tupletAllowed(c);
      case 'bar':
        return this.barAllowed(c.bar);
      case 'end':
        return this.canEnd();
      case 'ending':
        return this.endingAllowed(c.number);
      case 'field':
        return this.t.allowHeaderChanges && this.allowsBySimulation(c);
      default:
        return false;
    }
  }

  restrictToFinish(mask: Uint8Array): void {
    this.closingOnly = false;
    if (this.repeat === 'open' || this.repeat === 'ending1') {
      // Asked of this state itself (completable only reads it); the caches depend on the flag.
      this.closingOnly = true;
      this.clearCaches();
      this.closingOnly = this.completable();
      this.clearCaches();
    }
    this.restrict(mask);
    const { finishCleared, repeatEnds, plainBars } = this.t;
    const closingNow = this.repeat !== 'none' && repeatEnds.some((id) => mask[id] !== 0);
    for (const id of finishCleared) mask[id] = 0;
    if (closingNow) for (const id of plainBars) mask[id] = 0;
  }

  /** Whether token `id` may come next (the same test `restrict` applies). */
  allows(id: number): boolean {
    if (this.closed) return false;
    if (this.t.allowed && this.t.allowed[id] === 0) return false;
    const c = this.t.classes[id];
    this.clearCaches();
    return c !== undefined && this.allowsClass(c);
  }

  private allowsBySimulation(c: GrammarToken): boolean {
    const next = this.clone();
    if (!next.apply(c, true)) return false;
    return next.completable();
  }

  private endingAllowed(number: 1 | 2): boolean {
    // A pending tuplet belongs to the bar's first element: no ending between them.
    const atBarStart = this.pos === 0 && this.elements === 0 && !this.open && !this.tie && !this.tuplet;
    const before = this.repeat;
    if (number === 1) {
      if (!(this.lastBar === '|' && before === 'open' && this.sectionBars >= 1 && atBarStart)) return false;
    } else if (!(this.lastBar === ':|' && before === 'needEnding2')) return false;
    // The ending's first bar must be fillable under the new repeat state.
    const lines = this.lineCache;
    this.lineCache = new Map();
    this.repeat = number === 1 ? 'ending1' : 'ending2';
    const ok = this.completable();
    this.repeat = before;
    this.lineCache = lines;
    return ok;
  }

  /** Ticks the open element adds to the bar when it is committed now. */
  private committedTicks(): number {
    const open = this.open;
    return open ? scaled(open.ticks ?? this.header.unitTicks, open.scale) : 0;
  }

  private durationAllowed(value: Ratio): boolean {
    const open = this.open;
    if (!open || open.chordOpen || open.ticks !== null) return false;
    const ticks = (this.header.unitTicks * value.n) / value.d;
    if (open.required !== undefined && ticks !== open.required) return false;
    return this.reachable(
      this.header.fill.open(ticks, open.scale, this.tuplet?.left ?? 0, open.brokenOk, open.kind === 'chord'),
      this.pos,
    );
  }

  private tieAllowed(): boolean {
    const open = this.open;
    if (!open || open.chordOpen || open.kind !== 'note' || !open.note || !this.lengthMet()) return false;
    return this.tieCompletable(this.pos + this.committedTicks(), open.note);
  }

  private brokenAllowed(first: Ratio, second: Ratio): boolean {
    const open = this.open;
    if (!open || open.chordOpen || !open.brokenOk) return false;
    const length = open.ticks ?? this.header.unitTicks;
    if (open.kind === 'chord' && !this.header.fill.chordSounds(scaled(length, first))) return false;
    const pos = this.pos + scaled(length, first);
    return this.reachable(this.header.fill.open(length, second, 0, false), pos);
  }

  /** The open element may be committed now: it has the written length it must have (a chord, the shortest it may sound). */
  private lengthMet(): boolean {
    const open = this.open;
    if (!open) return true;
    if (open.kind === 'chord' && !this.header.fill.chordSounds(this.committedTicks())) return false;
    return open.required === undefined || (open.ticks ?? this.header.unitTicks) === open.required;
  }

  /**
   * In a tuplet abc2midi compares a chord by its inner notes, which are one unit long (lengths
   * come after `]`): a chord there is one unit long, and so are the tuplet's other elements.
   */
  private chordFitsTuplet(): boolean {
    const tuplet = this.tuplet;
    if (!tuplet) return true;
    const unit = this.header.unitTicks;
    const length = this.tupletLength();
    if (length !== null && length !== unit) return false;
    const pos = this.pos + this.committedTicks();
    return this.reachable(this.header.fill.open(unit, tuplet.scale, tuplet.left - 1, false, true), pos);
  }

  /**
   * A chord fits here as far as the bar goes: like `startCompletable`, but the chord must sound
   * at least the shortest chord (after a broken rhythm or in a tuplet too).
   */
  private chordStartCompletable(): boolean {
    if (!this.elementMayStart() || !this.lengthMet()) return false;
    if (this.tuplet) return this.chordFitsTuplet();
    const pos = this.pos + this.committedTicks();
    const fill = this.header.fill;
    const second = this.brokenSecond;
    if (second) return this.reachable(fill.open(second.length, second.scale, 0, false, true), pos);
    return this.reachable(fill.open(null, ONE, 0, true, true), pos);
  }

  /** The written length the open element commits with, when a tuplet is open and takes it. */
  private tupletLength(): number | null {
    const tuplet = this.tuplet;
    if (!tuplet) return null;
    if (tuplet.length !== null || !this.open) return tuplet.length;
    return this.open.ticks ?? this.header.unitTicks;
  }

  private tupletAllowed(c: Extract<GrammarToken, { kind: 'tuplet' }>): boolean {
    if (this.tie || this.brokenSecond || this.tuplet || !this.elementMayStart() || !this.lengthMet())
      return false;
    const pos = this.pos + this.committedTicks();
    return this.reachable(this.header.fill.tupletRest({ n: c.q, d: c.p }, c.r, null), pos);
  }

  private barAllowed(bar: BarKind): boolean {
    if (bar === '|]' && this.endHeld) return false;
    if (this.ended || this.inChord() || this.tuplet || this.brokenSecond || this.repeat === 'needEnding2')
      return false;
    if (!this.inBody && this.elements === 0)
      return bar === '|:' && this.allowsBySimulation({ kind: 'bar', bar });
    if (this.elements === 0 && !this.open) return false;
    if (!this.lengthMet()) return false;
    const length = this.pos + this.committedTicks();
    if (!this.lineLegal(bar, length)) return false;
    if (this.tie) return this.tieCrossesBar(length, this.tie);
    return this.nextBarFillable(bar, length);
  }

  /** After `bar` closes a bar of `length`, the next bar (a pickup or a full one) can be filled. */
  private nextBarFillable(bar: BarKind, length: number): boolean {
    const full = this.header.barTicks;
    if (bar === '|]' || full === null) return true;
    const free = this.header.fill.free.has;
    const short = this.role === 'normal' && this.pickup > 0 && length === full - this.pickup;
    const pickupNext = short && (bar === '::' || bar === '||' || (bar === ':|' && this.repeat === 'open'));
    return free[pickupNext ? this.pickup : full] === 1;
  }

  push(tokenId: number): void {
    const c = this.t.classes[tokenId];
    if (c === undefined) throw new GrammarError(`Token id ${tokenId} is outside the vocabulary`);
    const known = this.lastMask !== null && this.lastMask[tokenId] === 1;
    if (!known && !this.allows(tokenId))
      throw new GrammarError(`"${this.t.tokens[tokenId]}" may not come here in an ABC tune`);
    this.lastMask = null;
    this.apply(c, true);
    this.closingOnly = false;
  }

  /** Follows a prompt token, repairing what a hand-written seed may break (see `settle`). */
  pushLenient(tokenId: number): void {
    const c = this.t.classes[tokenId];
    if (!this.inBody && (c.kind === 'start' || c.kind === 'field')) {
      if (c.kind === 'field') this.setField(c.field, c.value);
      return;
    }
    if (this.allows(tokenId)) this.apply(c, true);
    else this.apply(c, false);
    this.lastMask = null;
  }

  /** After a prompt: when the bar in progress cannot be completed by the rules, let it end anywhere. */
  settle(): void {
    this.lastMask = null;
    if (this.completable()) return;
    this.freeBar = true;
    if (this.completable()) return;
    this.brokenSecond = null;
    this.tuplet = null;
    this.tie = null;
    if (this.open) {
      this.open.required = undefined;
      // A written chord too short for the rule is kept; its length is no longer checked.
      if (this.open.kind === 'chord' && !this.open.chordOpen) this.open.kind = 'rest';
    }
    if (this.repeat === 'needEnding2' || !this.completable()) this.repeat = 'none';
  }

  // ---- Element rules ----------------------------------------------------------------------

  private inChord(): boolean {
    return this.open?.chordOpen === true;
  }

  /** True when a new note, rest, chord or tuplet may start (nothing forbids it structurally). */
  private elementMayStart(): boolean {
    return !this.ended && this.repeat !== 'needEnding2' && !this.inChord();
  }

  /** The pitch a note token sounds here, or null when it may not be written here (spelling, range). */
  private sounding(c: Extract<GrammarToken, { kind: 'note' }>): number | null {
    // Inline (no object per note): this runs for every note token at every step.
    const sig = this.signature[c.letter];
    const byOctave = this.octaveAccidentals.size === 0 ? sig : (this.octaveAccidentals.get(c.step) ?? sig);
    const carried = this.letterAccidentals[c.letter];
    const byLetter = carried === NO_ACCIDENTAL ? sig : carried;
    let pitch: number;
    if (c.accidental === null) {
      if (byOctave !== byLetter) return null;
      pitch = c.natural + byOctave;
    } else {
      if (c.accidental === byOctave && c.accidental === byLetter) return null;
      pitch = c.natural + c.accidental;
      // A pitch of the key (F# in D, even spelt _g) is written plain unless it cancels an accidental.
      if (byOctave === sig && byLetter === sig && this.keyClasses[((pitch % 12) + 12) % 12] === 1)
        return null;
    }
    const range = this.t.pitchRange;
    if (range && (pitch < range.low || pitch > range.high)) return null;
    return pitch;
  }

  private noteAllowed(c: Extract<GrammarToken, { kind: 'note' }>): boolean {
    const pitch = this.sounding(c);
    if (pitch === null) return false;
    if (this.inChord())
      return (
        !this.chordSteps.includes(c.step) &&
        !this.chordPitches.includes(pitch) &&
        this.chordSteps.length < MAX_CHORD
      );
    if (this.tie) return c.step === this.tie.step && pitch === this.tie.pitch;
    return this.elementMayStart();
  }

  /** Two notes of different steps and pitches could be written as a chord here. */
  private chordPossible(): boolean {
    if (this.chordPossibleCache < 0) this.chordPossibleCache = this.chordPossibleNow() ? 1 : 0;
    return this.chordPossibleCache === 1;
  }

  private chordPossibleNow(): boolean {
    const { classes, allowed } = this.t;
    return classes.some((c, id) => {
      if (c.kind !== 'note' || (allowed && allowed[id] === 0) || this.sounding(c) === null) return false;
      // The first note's accidental holds for the second: ask a state where it is written.
      const next = this.clone();
      next.chordSteps = [];
      next.chordPitches = [];
      next.open = { ...BLANK_CHORD };
      next.applyNote(c, false);
      return next.chordPossibleAfterFirst();
    });
  }

  private chordNoteCompletable(c: Extract<GrammarToken, { kind: 'note' }>): boolean {
    if (this.chordSteps.length + 1 >= 2) return this.chordCloseCompletable();
    const next = this.clone();
    next.apply(c, true);
    next.clearCaches();
    return next.chordPossibleAfterFirst() && next.chordCloseCompletable();
  }

  /** Inside a chord with one note: another note of a new step may follow. */
  private chordPossibleAfterFirst(): boolean {
    return this.t.classes.some(
      (c, id) =>
        c.kind === 'note' &&
        !(this.t.allowed && this.t.allowed[id] === 0) &&
        !this.chordSteps.includes(c.step) &&
        this.chordNotePitch(c) !== null,
    );
  }

  /** What `c` sounds as the open chord's next note, or null when it may not be (spelling, unison). */
  private chordNotePitch(c: Extract<GrammarToken, { kind: 'note' }>): number | null {
    const pitch = this.sounding(c);
    return pitch === null || this.chordPitches.includes(pitch) ? null : pitch;
  }

  private chordCloseCompletable(): boolean {
    if (this.chordCloseCache < 0) this.chordCloseCache = this.chordCloseNow() ? 1 : 0;
    return this.chordCloseCache === 1;
  }

  private chordCloseNow(): boolean {
    const open = this.open;
    if (!open) return false;
    return this.reachable(
      this.header.fill.open(open.required ?? null, open.scale, this.tuplet?.left ?? 0, open.brokenOk, true),
      this.pos,
    );
  }

  // ---- Transitions --------------------------------------------------------------------------

  /** Applies a token; `strict` false repairs instead of refusing. Returns false when strict refuses. */
  private apply(c: GrammarToken, strict: boolean): boolean {
    switch (c.kind) {
      case 'start':
        return !strict;
      case 'end':
        if (strict && !this.canEnd()) return false;
        this.ended = true;
        this.closed = true;
        return true;
      case 'field':
        return this.applyField(c.field, c.value, strict);
      case 'note':
        return this.applyNote(c, strict);
      case 'rest':
        if (strict && (this.inChord() || this.tie)) return false;
        this.closeChordLeniently();
        this.tie = null;
        this.startElement('rest');
        return true;
      case 'chordOpen':
        if (strict && (this.inChord() || this.tie || !this.elementMayStart())) return false;
        if (this.inChord()) return true;
        this.tie = null;
        this.startElement('chord');
        return true;
      case 'chordClose':
        if (!this.inChord() || !this.open) return !strict;
        if (this.chordSteps.length < 2 && strict) return false;
        this.open.chordOpen = false;
        return true;
      case 'duration': {
        const open = this.open;
        if (!open || open.chordOpen || open.ticks !== null) return !strict;
        open.ticks = (this.header.unitTicks * c.value.n) / c.value.d;
        return true;
      }
      case 'tie': {
        const open = this.open;
        if (!open || open.kind !== 'note' || !open.note) return !strict;
        const note = open.note;
        this.commit();
        this.tie = note;
        return true;
      }
      case 'broken': {
        const open = this.open;
        if (!open || open.chordOpen || !open.brokenOk) return !strict;
        const length = open.ticks ?? this.header.unitTicks;
        this.pos += scaled(length, c.first);
        this.open = null;
        this.brokenSecond = { scale: c.second, length };
        return true;
      }
      case 'tuplet':
        if (
          strict &&
          (this.tie || this.brokenSecond || this.tuplet || this.inChord() || !this.elementMayStart())
        )
          return false;
        this.closeChordLeniently();
        this.commit();
        this.brokenSecond = null;
        this.tie = null;
        this.tuplet = { scale: { n: c.q, d: c.p }, left: c.r, length: null };
        return true;
      case 'bar':
        return this.applyBar(c.bar, strict);
      case 'ending':
        return this.applyEnding(c.number, strict);
      default:
        return !strict;
    }
  }

  private closeChordLeniently(): void {
    if (this.open?.chordOpen) this.open.chordOpen = false;
  }

  private setField(field: 'M' | 'L' | 'K', value: string): void {
    if (field === 'M') this.meter = value;
    else if (field === 'L') this.unit = value;
    else this.keyToken = `K:${value}`;
    this.setHeader();
  }

  private applyField(field: 'M' | 'L' | 'K', value: string, strict: boolean): boolean {
    const atBarStart =
      this.pos === 0 && this.elements === 0 && !this.open && !this.tuplet && !this.brokenSecond && !this.tie;
    if (strict) {
      if (!this.t.allowHeaderChanges || !atBarStart || this.ended) return false;
      if (this.repeat !== 'none' || this.role === 'pickup') return false;
      if (field !== 'K' && this.role === 'first' && this.inBody) return false;
    }
    this.setField(field, value);
    if (field !== 'K') {
      this.pickup = 0;
      if (this.role === 'pickup') this.role = 'normal';
    }
    this.clearAccidentals();
    return true;
  }

  private applyNote(c: Extract<GrammarToken, { kind: 'note' }>, strict: boolean): boolean {
    const pitch = this.sounding(c);
    if (strict && (pitch === null || !this.noteAllowed(c))) return false;
    const sounds = pitch ?? c.natural + (c.accidental ?? this.signature[c.letter]);
    this.notes++;
    if (c.accidental !== null) {
      this.octaveAccidentals.set(c.step, c.accidental);
      this.letterAccidentals[c.letter] = c.accidental;
      this.staleLetters |= 1 << c.letter;
    }
    if (this.inChord()) {
      if (!this.chordSteps.includes(c.step)) {
        this.chordSteps.push(c.step);
        this.chordPitches.push(sounds);
      }
      return true;
    }
    this.tie = null;
    this.startElement('note');
    if (this.open) this.open.note = { step: c.step, pitch: sounds };
    return true;
  }

  private clearAccidentals(): void {
    this.octaveAccidentals.clear();
    this.letterAccidentals.fill(NO_ACCIDENTAL);
    this.spellingValid = false;
    this.staleLetters = 0;
  }

  /** Commits the open element's length to the bar. */
  private commit(): void {
    const open = this.open;
    if (!open) return;
    const length = open.ticks ?? this.header.unitTicks;
    if (open.inTuplet && this.tuplet && this.tuplet.length === null) this.tuplet.length = length;
    this.pos += scaled(length, open.scale);
    this.open = null;
  }

  private startElement(kind: OpenElement['kind']): void {
    this.commit();
    this.inBody = true;
    this.lastBar = null;
    let scale = ONE;
    let brokenOk = true;
    let required: number | null = null;
    let inTuplet = false;
    if (this.brokenSecond) {
      scale = this.brokenSecond.scale;
      required = this.brokenSecond.length;
      this.brokenSecond = null;
      brokenOk = false;
    } else if (this.tuplet) {
      scale = this.tuplet.scale;
      required = this.tuplet.length ?? (kind === 'chord' ? this.header.unitTicks : null);
      inTuplet = true;
      brokenOk = false;
      this.tuplet.left--;
      if (this.tuplet.left <= 0) this.tuplet = null;
    }
    this.open = {
      kind,
      ticks: null,
      scale,
      brokenOk,
      required: required ?? undefined,
      inTuplet,
      note: undefined,
      chordOpen: kind === 'chord',
    };
    if (kind === 'chord') {
      this.chordSteps = [];
      this.chordPitches = [];
    }
    this.elements++;
  }

  private applyEnding(number: 1 | 2, strict: boolean): boolean {
    // A pending tuplet belongs to the bar's first element: no ending between them.
    const atBarStart = this.pos === 0 && this.elements === 0 && !this.open && !this.tie && !this.tuplet;
    if (number === 1) {
      if (strict && !(this.lastBar === '|' && this.repeat === 'open' && this.sectionBars >= 1 && atBarStart))
        return false;
      this.repeat = 'ending1';
    } else {
      if (strict && !(this.lastBar === ':|' && this.repeat === 'needEnding2')) return false;
      this.repeat = 'ending2';
    }
    this.inBody = true;
    this.lastBar = null;
    return true;
  }

  private applyBar(bar: BarKind, strict: boolean): boolean {
    if (this.ended) return !strict;
    if (strict) {
      if (this.inChord() || this.tuplet || this.brokenSecond || this.repeat === 'needEnding2') return false;
      if (this.tie && bar !== '|') return false;
    }
    this.closeChordLeniently();
    this.commit();
    const length = this.pos;
    const startOfBody = !this.inBody && this.elements === 0;
    if (startOfBody) {
      // Only `|:` may open the tune; it ends no bar.
      if (strict && bar !== '|:') return false;
      if (bar === '|:') {
        this.repeat = 'open';
        this.sectionPickup = false;
        this.sectionBars = 0;
      }
      this.inBody = true;
      this.lastBar = bar;
      return true;
    }
    if (strict && (this.elements === 0 || !this.lineLegal(bar, length))) return false;
    this.closeBar(bar, length);
    return true;
  }

  /** Whether `bar` may close a bar of `length` ticks now (rules and what it leaves to come). */
  private lineLegal(bar: BarKind, length: number): boolean {
    if (!this.t.bars.has(bar)) return false;
    if (this.tie && bar !== '|') return false;
    if (bar === '|]' && this.notes === 0) return false;
    if (length <= 0) return false;
    const full = this.header.barTicks;
    if (full === null || this.freeBar) return this.structureAllows(bar, 'full');
    if (this.role === 'first') {
      if (length > full) return false;
      if (length < full) {
        if (bar !== '|' && !(bar === '|:' && this.repeat === 'none')) return false;
        // A section opened before the pickup must close with a bar of meter minus pickup.
        if (this.repeat === 'open' && !this.header.fill.free.has[full - length]) return false;
        return true;
      }
      return this.structureAllows(bar, 'full');
    }
    if (this.role === 'pickup') {
      if (length !== this.pickup) return false;
      if (bar === '|') return !(this.repeat === 'open' && this.sectionPickup && !this.closingFillable());
      return bar === '|:' && this.repeat === 'none';
    }
    if (length === full) return this.structureAllows(bar, 'full');
    if (this.pickup > 0 && length === full - this.pickup) return this.structureAllows(bar, 'short');
    return false;
  }

  /** A later bar of meter minus pickup can be written (a section that started with a pickup must close so). */
  private closingFillable(): boolean {
    const full = this.header.barTicks;
    return full === null || this.header.fill.free.has[full - this.pickup] === 1;
  }

  /** The repeat rules for a normal bar that is full or short. */
  private structureAllows(bar: BarKind, size: 'full' | 'short'): boolean {
    const short = size === 'short';
    if (short && !CLOSING.has(bar)) return false;
    const closesSection = this.sectionPickup ? short : !short;
    const ending2 = this.t.ending2;
    switch (this.repeat) {
      case 'none':
        return bar === '|' || bar === '||' || bar === '|]' || (bar === '|:' && !short);
      case 'open':
        if (bar === '|') return !this.sectionPickup || this.closingFillable();
        return (bar === ':|' || bar === '::') && closesSection;
      case 'ending1':
        if (bar === '|') return !this.sectionPickup || this.closingFillable();
        return bar === ':|' && closesSection && ending2;
      case 'ending2':
        return bar === '|' || bar === '||' || bar === '|]' || (bar === '|:' && !short);
      default:
        return false;
    }
  }

  private closeBar(bar: BarKind, length: number): void {
    const full = this.header.barTicks;
    const wasFirst = this.role === 'first';
    if (wasFirst && full !== null && length < full && !this.freeBar) this.pickup = length;
    const counted = this.role === 'normal' || this.freeBar || (wasFirst && (full === null || length >= full));
    const short = counted && this.pickup > 0 && full !== null && length < full;
    if (counted) this.bars++;
    this.lastBarCounted = counted;
    if (wasFirst && this.repeat === 'open' && this.sectionBars === 0) this.sectionPickup = !counted;
    let next: Role = 'normal';
    switch (bar) {
      case '|':
        if (this.repeat === 'ending2') this.repeat = 'none';
        else if ((this.repeat === 'open' || this.repeat === 'ending1') && counted) this.sectionBars++;
        break;
      case '|:':
        this.repeat = 'open';
        this.sectionPickup = false;
        this.sectionBars = 0;
        break;
      case ':|':
        if (this.repeat === 'ending1') this.repeat = 'needEnding2';
        else {
          this.repeat = 'none';
          if (short) next = 'pickup';
        }
        break;
      case '::':
        this.repeat = 'open';
        this.sectionPickup = short;
        this.sectionBars = 0;
        if (short) next = 'pickup';
        break;
      case '||':
        this.repeat = 'none';
        if (short) next = 'pickup';
        break;
      case '|]':
        this.repeat = 'none';
        this.ended = true;
        break;
    }
    this.role = next;
    this.pos = 0;
    this.elements = 0;
    this.freeBar = false;
    this.clearAccidentals();
    this.lastBar = bar;
    this.inBody = true;
  }

  // ---- Completion -------------------------------------------------------------------------

  /** True when the tune so far can still be completed into a valid tune. */
  completable(): boolean {
    if (this.ended) return true;
    if (this.repeat === 'needEnding2') return this.t.ending2;
    const fill = this.header.fill;
    const open = this.open;
    const left = this.tuplet?.left ?? 0;
    if (open?.chordOpen) {
      if (
        this.chordSteps.length === 0
          ? !this.chordPossible()
          : this.chordSteps.length === 1 && !this.chordPossibleAfterFirst()
      )
        return false;
      return this.reachable(
        fill.open(open.required ?? null, open.scale, left, open.brokenOk, true),
        this.pos,
      );
    }
    if (open)
      return this.reachable(
        fill.open(
          open.ticks ?? open.required ?? null,
          open.scale,
          left,
          open.brokenOk,
          open.kind === 'chord',
        ),
        this.pos,
      );
    const second = this.brokenSecond;
    if (second) return this.reachable(fill.open(second.length, second.scale, 0, false), this.pos);
    if (this.tie) return this.tieCompletable(this.pos, this.tie);
    const tuplet = this.tuplet;
    if (tuplet) return this.reachable(fill.tupletRest(tuplet.scale, tuplet.left, tuplet.length), this.pos);
    return this.reachable(fill.free, this.pos);
  }

  /** After a new element starts here (a note or rest of any length), the tune can be completed. */
  private startCompletable(): boolean {
    if (!this.elementMayStart() || !this.lengthMet()) return false;
    const pos = this.pos + this.committedTicks();
    const fill = this.header.fill;
    const second = this.brokenSecond;
    if (second) return this.reachable(fill.open(second.length, second.scale, 0, false), pos);
    if (this.tuplet)
      return this.reachable(
        fill.open(this.tupletLength(), this.tuplet.scale, this.tuplet.left - 1, false),
        pos,
      );
    return this.reachable(fill.open(null, ONE, 0, true), pos);
  }

  private closesOnly(): boolean {
    return this.closingOnly && (this.repeat === 'open' || this.repeat === 'ending1');
  }

  /** Some bar length this bar may take is `pos` plus an amount `table` can fill, closed by a legal line. */
  private reachable(table: FillTable, pos: number): boolean {
    const full = this.header.barTicks;
    const has = table.has;
    if (full === null || this.freeBar) {
      for (let rest = 0; rest < has.length; rest++)
        if (has[rest] && pos + rest > 0 && this.anyLine(pos + rest)) return true;
      return false;
    }
    if (this.role === 'first') {
      const free = this.header.fill.free.has;
      const plain = this.t.bars.has('|');
      const repeatBar = this.repeat === 'none' && this.t.bars.has('|:');
      for (let length = Math.max(pos, 1); length < full; length++) {
        if (!fitsIn(has, pos, length)) continue;
        if (repeatBar || (plain && (this.repeat !== 'open' || free[full - length] === 1))) return true;
      }
      return fitsIn(has, pos, full) && this.anyLine(full);
    }
    if (this.role === 'pickup') return fitsIn(has, pos, this.pickup) && this.anyLine(this.pickup);
    if (this.closesOnly()) {
      // Only the bar that closes the section, with `:|` (the length is reached).
      const closing = this.sectionPickup ? full - this.pickup : full;
      return fitsIn(has, pos, closing) && this.lineLegal(':|', closing);
    }
    if (fitsIn(has, pos, full) && this.anyLine(full)) return true;
    const short = full - this.pickup;
    return this.pickup > 0 && fitsIn(has, pos, short) && this.anyLine(short);
  }

  private anyLine(length: number): boolean {
    const cached = this.lineCache.get(length);
    if (cached !== undefined) return cached;
    let legal = false;
    for (const bar of this.t.bars) if ((legal = this.lineLegal(bar, length))) break;
    this.lineCache.set(length, legal);
    return legal;
  }

  /**
   * With a tie to `note` pending at `pos`: the tied note fits in this bar (its plain letter is
   * allowed and an element of some length fits), or the bar ends here with `|` and the next
   * bar starts with it.
   */
  private tieCompletable(pos: number, note: { step: number; pitch: number }): boolean {
    if (this.tieSpelling(this, note) && this.reachable(this.tiedNoteTable(), pos)) return true;
    if (this.tuplet || this.closesOnly()) return false;
    return pos > 0 && this.lineLegal('|', pos) && this.tieCrossesBar(pos, note);
  }

  /** What the tied note may fill in this bar: a note of any length, or the open tuplet's next. */
  private tiedNoteTable(): FillTable {
    const fill = this.header.fill;
    const tuplet = this.tuplet;
    return tuplet
      ? fill.open(this.tupletLength(), tuplet.scale, tuplet.left - 1, false)
      : fill.open(null, ONE, 0, true);
  }

  /** `state` can write a note of `note`'s step sounding its pitch. */
  private tieSpelling(state: AbcGrammarState, note: { step: number; pitch: number }): boolean {
    const { classes, allowed } = this.t;
    for (let id = 0; id < classes.length; id++) {
      const c = classes[id];
      if (c.kind !== 'note' || c.step !== note.step || (allowed && allowed[id] === 0)) continue;
      if (state.sounding(c) === note.pitch) return true;
    }
    return false;
  }

  /** The bar ends at `length` with `|` and the next bar starts with the tied note. */
  private tieCrossesBar(length: number, note: { step: number; pitch: number }): boolean {
    if (!this.lineLegal('|', length)) return false;
    const after = this.afterTieBar(length);
    return (this.tieSpeltAcross || this.tieSpelling(after, note)) && after.startCompletable();
  }

  /** The state after the bar closes at `length` with `|`, its tie still to be written. */
  private afterTieBar(length: number): AbcGrammarState {
    const after = this.clone();
    after.tie = null;
    after.open = null;
    after.pos = length;
    after.closeBar('|', length);
    return after;
  }
}
