import type { AbcTune } from '../../../shared/music/abc_tune.ts';
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';

/**
 * One piece of music as the engine handles it: a MIDI file, or one ABC tune.
 * The sequence is always there; ABC tunes also keep their text for the ABC codec.
 */
export interface MusicItem {
  sequence: NoteSequence;
  abc?: AbcTune;
}

/** A problem with one file or one tune. Warnings keep the item; errors drop it. */
export interface ImportIssue {
  file: string;
  /** ABC tune number (X:), when the issue concerns one tune. */
  item?: number;
  severity: 'error' | 'warning';
  reason: string;
}

/** What importing one file gives: the items that imported and the issues met. */
export interface FileImport {
  file: string;
  items: MusicItem[];
  issues: ImportIssue[];
}
