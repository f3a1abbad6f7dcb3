import { importMidiBytes } from '../music/midi_io.ts';
import { parseAbcText } from '../music/abc/index.ts';
import { createCodec } from '../codecs/registry.ts';
import type { Codec } from '../codecs/codec.ts';
import type { FileImport } from '../music/music_item.ts';
import { musicFileKind } from './file_kinds.ts';
import { summarizeImport } from './summarize.ts';
import type { CodecSpec, FileSummary } from './types.ts';

/** Imports a file's bytes as MIDI or ABC by its extension; never throws. */
export function importBytes(bytes: Uint8Array, file: string): FileImport {
  try {
    if (bytes.length === 0) return fileError(file, 'empty file (0 bytes)');
    if (musicFileKind(file) === 'abc') {
      return parseAbcText(new TextDecoder('utf-8').decode(bytes), file);
    }
    return importMidiBytes(bytes, file);
  } catch (error) {
    return fileError(file, `cannot import: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const codecs = new Map<string, Codec>();

/** The codec for `spec`, built once per thread. */
export function codecFor(spec: CodecSpec): Codec {
  const key = JSON.stringify([spec.name, spec.options ?? {}]);
  let codec = codecs.get(key);
  if (!codec) {
    codec = createCodec(spec.name, spec.options);
    codecs.set(key, codec);
  }
  return codec;
}

/** Imports and encodes one file: what a pool worker does per task. */
export function importAndSummarize(bytes: Uint8Array, file: string, spec: CodecSpec): FileSummary {
  return summarizeImport(importBytes(bytes, file), codecFor(spec));
}

function fileError(file: string, reason: string): FileImport {
  return { file, items: [], issues: [{ file, severity: 'error', reason }] };
}
