/** Reads decoded ABC text back into notes with the ABC importer. */
import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import { parseAbcText } from '../../music/abc/index.ts';

/** The notes of one-tune ABC text, or undefined when the importer finds none. */
export function readAbcText(text: string): NoteSequence | undefined {
  const imported = parseAbcText(text, 'generated.abc');
  const sequence = imported.items[0]?.sequence;
  return sequence ? { ...sequence, source: { ...sequence.source, kind: 'generated' } } : undefined;
}
