/**
 * Valid by construction: a codec's grammar follows a token stream one token at a time and
 * removes from the sampler's mask every token that would make the music invalid (a bar that
 * overfills its meter, a NOTE_OFF for a silent pitch, ...), so any model — even an untrained
 * one — writes music that decodes cleanly. Grammars are a capability of a codec (`Codec.grammar`),
 * never name branches in the sampler.
 *
 * Mask convention (as the sampler's): 1 = allowed, 0 = removed. Token ids are the vocabulary's.
 */
import type { MidiNote } from '../../../shared/music/units.ts';

/** What the musician asked for that the grammar must honour. */
export interface GrammarOptions {
  /** Lowest and highest pitch a note may sound (e.g. piano 21..108). */
  pitchRange?: { low: MidiNote; high: MidiNote };
  /** ABC: allow meter, unit-length or key changes inside the tune (default false). */
  allowHeaderChanges?: boolean;
  /** Performance: most notes sounding at once, and the longest a note may sound (seconds). */
  maxPolyphony?: number;
  maxNoteSeconds?: number;
  /**
   * Tokens the musician's constraints allow at all (key, range: 1 = allowed), intersected with
   * the grammar's mask each step. A grammar plans its completions with these tokens only, so
   * the constraints keep its guarantees (it never walks into a state only a removed token ends).
   */
  allowedTokens?: Uint8Array;
}

/** The grammar's state after the tokens pushed so far. Mutable; `clone` for speculation. */
export interface GrammarState {
  /** Clears (sets to 0) the mask entry of every token that may not come next. Leaves the others. */
  restrict(mask: Uint8Array): void;
  /** Advances by one token id (one that `restrict` allowed; otherwise throws GrammarError). */
  push(tokenId: number): void;
  /** True when the piece may end here: everything opened is closed (bars full, notes ended...). */
  canEnd(): boolean;
  /**
   * How far the piece has come in the codec's own length unit: complete bars for bar-based
   * codecs, seconds for time-based ones (so "16bars" counts real bars).
   */
  progress(): { bars?: number; seconds?: number };
  clone(): GrammarState;
  /**
   * Optional: once the length is reached, clears the tokens that would open new material
   * (a new section, repeat or note...) so the piece comes to an end soon; always leaves a way
   * to `canEnd`. Grammars without it simply keep `restrict`'s mask.
   */
  restrictToFinish?(mask: Uint8Array): void;
}

/** A codec's grammar over one vocabulary. */
export interface TokenGrammar {
  /**
   * A state after `prefix` (token ids of the prompt/seed, already valid): throws GrammarError
   * when the prefix itself breaks the grammar.
   */
  start(prefix: readonly number[], options: GrammarOptions): GrammarState;
}

/** Thrown for a token the grammar does not allow, or a prefix it cannot follow. */
export class GrammarError extends Error {
  override name = 'GrammarError';
}
