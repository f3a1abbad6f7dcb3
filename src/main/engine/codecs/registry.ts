/** Creating codecs by name. */
import type { Codec, CodecName } from './codec.ts';
import { PerformanceCodec } from './performance.ts';
import { AbcCodec } from './abc.ts';
import { NotesCodec, type NotesCodecOptions } from './notes.ts';
import { readAbcText } from './abc_reader.ts';

/** Every codec name, in the order the UI lists them. */
export const CODEC_NAMES: readonly CodecName[] = ['performance', 'abc', 'notes'];

/** Options per codec (only the notes codec has any). */
export type CodecOptions = NotesCodecOptions;

/** True when `name` is a codec name. */
export function isCodecName(name: string): name is CodecName {
  return (CODEC_NAMES as readonly string[]).includes(name);
}

/** A codec by name; options apply to the notes codec and are ignored by the others. */
export function createCodec(name: CodecName, options: CodecOptions = {}): Codec {
  switch (name) {
    case 'performance':
      return new PerformanceCodec();
    case 'abc':
      return new AbcCodec(readAbcText);
    case 'notes':
      return new NotesCodec(options);
    default:
      throw new Error(`Unknown codec "${String(name)}"; known: ${CODEC_NAMES.join(', ')}`);
  }
}
