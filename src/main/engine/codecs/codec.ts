import type { MusicItem } from '../music/music_item.ts';
import type { KeyMode, NoteSequence } from '../../../shared/music/note_sequence.ts';
import type { MidiNote, PitchClass } from '../../../shared/music/units.ts';
import type { TokenGrammar } from './grammar.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { CodecName } from './registry.ts';

export type { CodecName } from './registry.ts';

/** A token is a string without white space, e.g. `NOTE_ON_60` or `^c'`. */
export type Token = string;

/** What a codec turns tokens back into. */
export interface DecodedMusic {
  sequence: NoteSequence;
  /** ABC text of the tune, for the ABC codec. */
  abc?: string;
}

/** Thrown when an item cannot be encoded by a codec (e.g. MIDI given to the ABC codec). */
export class CodecError extends Error {
  override name = 'CodecError';
}

/** Musical time of a prompt, for converting between bars and seconds. */
export interface TimeContext {
  /** Quarter notes per minute. */
  qpm: number;
  /** Beats in a bar and the beat's note value, e.g. 6/8 = [6, 8]. */
  meter: readonly [number, number];
}

/**
 * How a codec's tokens move a piece on, so a generation length means what the musician
 * asked for: `bars` codecs write bar lines (a length in seconds becomes bars), `time`
 * codecs move a clock (a length in bars becomes seconds).
 */
export interface CodecLengths {
  readonly unit: 'bars' | 'time';
  /** How far one token moves the piece on, in `unit` (bars, or seconds). */
  advance(token: Token): number;
  /** Meter and tempo in force after `prompt` (and the seed it came from, when there is one). */
  timeContext(prompt: readonly Token[], seed?: MusicItem): TimeContext;
}

/** One prompt token to put after the codec's start: given, or chosen by the model among `candidates`. */
export type HeaderSlot = { token: Token } | { kind: string; candidates: Token[] };

/** What primes the network when there is no seed, and what of it belongs to the output. */
export interface UnseededPrompt {
  /** Tokens fed to the network, in order (header slots come after these). */
  prime: Token[];
  /** Header tokens still to feed (given or chosen by the model). */
  header: HeaderSlot[];
  /** How many leading `prime` tokens are a neutral primer, not music (left out of the output). */
  primerLength: number;
}

/** What the musician fixed for a prompt without a seed (codecs read what they understand). */
export interface PromptChoices {
  /** Meter, e.g. "6/8". */
  meter?: string;
  /** Unit note length, e.g. "1/8". */
  unit?: string;
  /** Key, e.g. "Dmaj". */
  key?: string;
  /** The key token a key constraint needs (see `keySignatures`); overrides `key`. */
  forcedKeyToken?: Token | null;
}

/**
 * Codecs whose note tokens are written under a key signature (ABC): what a note sounds
 * depends on the key token in force, so a key constraint fixes that token and judges each
 * note by the pitch it sounds under it.
 */
export interface KeySignatureWriting {
  /** What a key token is called in messages, e.g. "K: token". */
  readonly keyTokenName: string;
  /** The vocabulary's key token for a key (the key itself, else one with its signature); null when none. */
  keyTokenFor(vocabTokens: readonly Token[], key: { key: PitchClass; mode: KeyMode }): Token | null;
  /** True for a token that sets the key signature. */
  isKeyToken(token: Token): boolean;
  /** Pitches `token` starts under `keyToken`'s signature (as `pitchesOf` without a signature). */
  pitchesUnder(token: Token, keyToken: Token): readonly MidiNote[];
  /** The prompt with `keyToken` in force at its end (appended when another key is). */
  withKey(prompt: readonly Token[], keyToken: Token): Token[];
}

/**
 * Tokens <-> music. `encode` is pure and deterministic: the same item and the same
 * codec name, version and options always give the same tokens, so tokens can be
 * cached by content hash and `cacheKey`.
 *
 * A codec describes itself (lengths, prompts, seeds, pitch constraints, grammar), so the
 * engine never branches on its name: a new codec is one folder registered once in registry.ts.
 */
export interface Codec {
  readonly name: CodecName;
  /** One line for musicians: what the codec is for. */
  readonly description: string;
  /** Bumped whenever the tokens produced for the same input change. */
  readonly version: number;
  /** Identifies name, version and options: part of every token-cache key. */
  readonly cacheKey: string;
  /**
   * The complete vocabulary when it does not depend on data (performance),
   * else null: the vocabulary is built from a dataset's tokens (see Vocabulary).
   */
  readonly fixedVocabulary: readonly Token[] | null;
  /** Special tokens every vocabulary of this codec must hold (start/end of piece...). */
  readonly specialTokens: readonly Token[];
  /** The token every piece starts with (never generated), or null. */
  readonly startToken: Token | null;
  /** The token that ends a piece (generation stops there), or null. */
  readonly endToken: Token | null;
  /** What a seed must carry for `encode`: ABC text (`item.abc`) or notes (`item.sequence`). */
  readonly seedKind: 'abc' | 'notes';
  readonly lengths: CodecLengths;
  encode(item: MusicItem): Token[];
  decode(tokens: readonly Token[]): DecodedMusic;
  /**
   * The same music moved by `semitones`, token by token, for training augmentation.
   * Returns null when the result would leave the codec's range.
   */
  transpose(tokens: readonly Token[], semitones: number): Token[] | null;
  /** Time-based codecs: the same music played `factor` times as long (training augmentation). */
  stretch?(tokens: readonly Token[], factor: number): Token[];
  /**
   * Pitches a token starts sounding (empty for tokens that start no note), so generation
   * can mask tokens outside a key or pitch range. For codecs with `keySignatures`, pitches
   * are those written under no key signature, plus explicit accidentals.
   */
  pitchesOf(token: Token): readonly MidiNote[];
  /** Present when note tokens are written under a key signature (see KeySignatureWriting). */
  readonly keySignatures?: KeySignatureWriting;
  /** The prompt without a seed: a neutral primer, or a start token and header slots. */
  unseededPrompt(vocabulary: Vocabulary, choices: PromptChoices): UnseededPrompt;
  /**
   * A continuation as tokens that decode on their own, given the prefix it followed (ABC: the
   * header in force in front, and repeat marks that only the prefix could resolve made plain);
   * the tokens themselves when they need no context.
   */
  continuationAlone(prefix: readonly Token[], continuation: readonly Token[]): Token[];
  /**
   * Seed tokens for notes (e.g. a range of the piano roll), for codecs whose `seedKind` is
   * not 'notes': written the way the codec writes music, each token the vocabulary lacks
   * replaced by its nearest known one.
   */
  seedFromNotes?(sequence: NoteSequence, vocabulary: Vocabulary): Token[];
  /** The codec's grammar over a vocabulary: valid music by construction (grammar.ts). */
  grammar?(vocabulary: Vocabulary): TokenGrammar;
}
