/**
 * The codecs, registered once: each lives in its own folder and describes itself (codec.ts),
 * so everything else (CLI choices, model meta validation, the studio) derives from this list.
 */
import type { Codec } from './codec.ts';
import { PerformanceCodec } from './performance/performance.ts';
import { AbcCodec } from './abc/abc.ts';
import { readAbcText } from './abc/abc_reader.ts';
import { NotesCodec, type NotesCodecOptions } from './notes/notes.ts';

/** Every codec name, in the order the UI lists them. */
export const CODEC_NAMES = ['performance', 'abc', 'notes'] as const;

/** A codec's name. */
export type CodecName = (typeof CODEC_NAMES)[number];

/** Options per codec (only the notes codec has any). */
export type CodecOptions = NotesCodecOptions;

const FACTORIES: Record<CodecName, (options: CodecOptions) => Codec> = {
  performance: () => new PerformanceCodec(),
  abc: () => new AbcCodec(readAbcText),
  notes: (options) => new NotesCodec(options),
};

/** True when `name` is a codec name. */
export function isCodecName(name: string): name is CodecName {
  return (CODEC_NAMES as readonly string[]).includes(name);
}

/** A codec by name; options apply to the notes codec and are ignored by the others. */
export function createCodec(name: CodecName, options: CodecOptions = {}): Codec {
  const factory = isCodecName(name) ? FACTORIES[name] : undefined;
  if (!factory) throw new Error(`Unknown codec "${String(name)}"; known: ${CODEC_NAMES.join(', ')}`);
  return factory(options);
}

/** Each codec's name and one-line description, in CODEC_NAMES order. */
export function codecDescriptions(): { name: CodecName; description: string }[] {
  return CODEC_NAMES.map((name) => ({ name, description: createCodec(name).description }));
}
