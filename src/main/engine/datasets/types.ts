import type { ImportIssue } from '../music/music_item.ts';
import type { CodecName } from '../codecs/codec.ts';
import type { CodecOptions } from '../codecs/registry.ts';

/** Which codec to encode with: plain data, so it can cross a worker boundary. */
export interface CodecSpec {
  name: CodecName;
  /** Passed to `createCodec(name, options)`. */
  options?: CodecOptions;
}

/** What one imported item (a MIDI file, an ABC tune) contributes: no NoteSequence, only figures and tokens. */
export interface ItemSummary {
  /** ABC tune number (X:); absent for MIDI. */
  item?: number;
  title: string;
  /** The item's tokens joined by single spaces (tokens hold no white space). */
  tokens: string;
  tokenCount: number;
  /** The item's distinct tokens, sorted and space-joined: vocabularies are built from these, not from every token. */
  distinctTokens: string;
  notes: number;
  seconds: number;
  /** Lowest and highest pitch, null when the item has no notes. */
  minPitch: number | null;
  maxPitch: number | null;
}

/** Everything importing and encoding one file gives: item summaries and the issues met. */
export interface FileSummary {
  items: ItemSummary[];
  issues: ImportIssue[];
}

/** Train/validation, or MAESTRO's held-out test split. */
export type SplitName = 'train' | 'validation' | 'test';
