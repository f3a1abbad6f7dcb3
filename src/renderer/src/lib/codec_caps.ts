/**
 * What the studio needs to know about each codec, in one place: the renderer asks for a
 * capability instead of testing a codec's name. The table is keyed by the shared codec name
 * list, so a new codec does not compile until it is described here; test/unit/codec_caps.test.ts
 * checks it against the engine's own description of each codec.
 */
import type { CodecNameWire } from '../../../shared/ipc/schemas/datasets.ts';

/** A codec's capabilities as the studio shows them. */
export interface CodecCaps {
  /**
   * The text notation its pieces are written in (exported as a file, and given back whole
   * as a seed so its codec reads the text, not re-spelled notes), or null for note-only codecs.
   * Mirrors the engine codec's `seedKind`.
   */
  readonly textFormat: 'abc' | null;
  /** What one item of its datasets is called: ABC tune books hold tunes, MIDI files pieces. */
  readonly item: { readonly one: string; readonly many: string };
}

const PIECE = { one: 'piece', many: 'pieces' } as const;

/** Every codec's capabilities (exported for the consistency test). */
export const CODEC_CAPS: Readonly<Record<CodecNameWire, CodecCaps>> = {
  performance: { textFormat: null, item: PIECE },
  abc: { textFormat: 'abc', item: { one: 'tune', many: 'tunes' } },
  notes: { textFormat: null, item: PIECE },
};

/** Capabilities of a codec by name; an unknown name (an older or newer model) gets none. */
export function codecCaps(codec: string): CodecCaps {
  return isKnownCodec(codec) ? CODEC_CAPS[codec] : { textFormat: null, item: PIECE };
}

function isKnownCodec(codec: string): codec is CodecNameWire {
  return Object.hasOwn(CODEC_CAPS, codec);
}
