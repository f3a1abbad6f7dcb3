/**
 * ABC tune books: import (text -> tunes -> NoteSequences), export (tunes -> text, melody -> ABC)
 * and conversion to MIDI bytes. See to_sequence.ts for how notes are played.
 */
export { importTune, parseAbcText } from './import_text.ts';
export type { AbcPlayOptions } from './to_sequence.ts';
export { abcTuneToText, writeAbcBook } from './write.ts';
export { sequenceToAbc, type SequenceToAbcOptions } from './from_sequence.ts';
export { abcTextToMidi } from './midi.ts';
