/** ABC text to Standard MIDI Files, through the importer and the MIDI writer. */
import { noteSequenceToMidi } from '../midi_io.ts';
import { parseAbcText } from './import_text.ts';

/** One MIDI file per tune of `text` that imports (in file order); tunes that fail are left out. */
export function abcTextToMidi(text: string): Uint8Array[] {
  return parseAbcText(text, '').items.map((item) => noteSequenceToMidi(item.sequence));
}
