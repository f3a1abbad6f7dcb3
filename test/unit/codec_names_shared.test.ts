import { describe, expect, it } from 'vitest';
import { CodecNameSchema } from '../../src/shared/ipc/schemas/datasets.ts';
import { CODEC_NAMES, createCodec } from '../../src/main/engine/codecs/registry.ts';
import { CODEC_CAPS, codecCaps } from '../../src/renderer/src/lib/codec_caps.ts';

// Shared code cannot import the engine, so the wire's codec list is written out twice:
// these tests make a codec added to one list and forgotten in the other fail here.
describe('codec names across process boundaries', () => {
  it('the shared CodecNameSchema lists exactly the engine registry’s CODEC_NAMES, in order', () => {
    expect(CodecNameSchema.options).toEqual([...CODEC_NAMES]);
  });

  it('the studio describes every codec, and only those', () => {
    expect(Object.keys(CODEC_CAPS).sort()).toEqual([...CODEC_NAMES].sort());
  });

  it.each(CODEC_NAMES)('the studio’s capabilities of %s agree with the engine codec', (name) => {
    const codec = createCodec(name);
    expect(codecCaps(name).textFormat).toBe(codec.seedKind === 'abc' ? 'abc' : null);
  });

  it('an unknown codec name gets no text format and the generic item word', () => {
    expect(codecCaps('future-codec')).toEqual({ textFormat: null, item: { one: 'piece', many: 'pieces' } });
    expect(codecCaps('toString').textFormat).toBeNull();
  });
});
