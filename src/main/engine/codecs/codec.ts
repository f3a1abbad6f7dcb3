import type { MusicItem } from '../music/music_item.ts';
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import type { MidiNote } from '../../../shared/music/units.ts';

export type CodecName = 'performance' | 'abc' | 'notes';

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

/**
 * Tokens <-> music. `encode` is pure and deterministic: the same item and the same
 * codec name, version and options always give the same tokens, so tokens can be
 * cached by content hash and `cacheKey`.
 */
export interface Codec {
  readonly name: CodecName;
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
  encode(item: MusicItem): Token[];
  decode(tokens: readonly Token[]): DecodedMusic;
  /**
   * The same music moved by `semitones`, token by token, for training augmentation.
   * Returns null when the result would leave the codec's range.
   */
  transpose(tokens: readonly Token[], semitones: number): Token[] | null;
  /**
   * Pitches a token starts sounding (empty for tokens that start no note), so generation
   * can mask tokens outside a key or pitch range. For ABC, pitches are those written
   * under a C major key signature, i.e. as if the tune's K: had no sharps or flats,
   * plus explicit accidentals.
   */
  pitchesOf(token: Token): readonly MidiNote[];
}
