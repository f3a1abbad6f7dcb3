import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  abcKeyTokenFor,
  combineMasks,
  ConstraintError,
  constraintMask,
  keyMaskForVocabulary,
  parseScale,
  rangeMaskForVocabulary,
  type PitchCodec,
} from '../../src/main/engine/generate/constraints.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { encodeAbcTune } from '../../src/main/engine/codecs/abc/abc.ts';
import { parseNoteToken } from '../../src/main/engine/codecs/abc/abc_fields.ts';
import { readTune, splitTunes } from '../../src/main/engine/music/abc/split.ts';
import { TokenSampler } from '../../src/main/engine/generate/sampler.ts';
import { createRng } from '../../src/main/engine/random/rng.ts';
import { sharedData } from '../helpers/data.ts';

const D_MAJOR = [1, 2, 4, 6, 7, 9, 11];
const sorted = (pcs: readonly number[]): number[] => [...pcs].sort((a, b) => a - b);

/** A tiny codec: `P_60` starts pitch 60, `C_60.64` a chord, anything else starts nothing. */
const fakeCodec: PitchCodec = {
  name: 'notes',
  pitchesOf(token: string): readonly number[] {
    if (token.startsWith('P_')) return [Number(token.slice(2))];
    if (token.startsWith('C_')) return token.slice(2).split('.').map(Number);
    return [];
  },
};

describe('parseScale', () => {
  it('reads key names leniently', () => {
    for (const text of [
      'D major',
      'Dmaj',
      'D',
      ' d  major ',
      'DM',
      'D ionian',
      'B minor',
      'Bm',
      'E dorian',
      'A mixolydian',
    ]) {
      expect(sorted(parseScale(text).pitchClasses), text).toEqual(D_MAJOR);
    }
    expect(parseScale('Bb minor')).toMatchObject({ name: 'Bb minor', tonic: 10 });
    expect(sorted(parseScale('Bb minor').pitchClasses)).toEqual([0, 1, 3, 5, 6, 8, 10]);
    expect(parseScale('F# dorian')).toMatchObject({ name: 'F# dorian', tonic: 6 });
    expect(sorted(parseScale('F# dorian').pitchClasses)).toEqual([1, 3, 4, 6, 8, 9, 11]);
    expect(sorted(parseScale('C lydian').pitchClasses)).toEqual([0, 2, 4, 6, 7, 9, 11]);
    expect(sorted(parseScale('E phrygian').pitchClasses)).toEqual([0, 2, 4, 5, 7, 9, 11]);
    expect(sorted(parseScale('B locrian').pitchClasses)).toEqual([0, 2, 4, 5, 7, 9, 11]);
    expect(parseScale('C pentatonic')).toMatchObject({
      name: 'C pentatonic',
      signature: { key: 0, mode: 'major' },
    });
    expect(sorted(parseScale('C pentatonic').pitchClasses)).toEqual([0, 2, 4, 7, 9]);
    expect(sorted(parseScale('C major pentatonic').pitchClasses)).toEqual([0, 2, 4, 7, 9]);
    expect(sorted(parseScale('A minor pentatonic').pitchClasses)).toEqual([0, 2, 4, 7, 9]);
    expect(sorted(parseScale('Am pentatonic').pitchClasses)).toEqual([0, 2, 4, 7, 9]);
    expect(sorted(parseScale('A harmonic minor').pitchClasses)).toEqual([0, 2, 4, 5, 8, 9, 11]);
    expect(sorted(parseScale('A blues').pitchClasses)).toEqual([0, 2, 3, 4, 7, 9]);
    expect(parseScale('C chromatic').pitchClasses).toHaveLength(12);
  });

  it('rejects nonsense with a clear error', () => {
    for (const text of [
      '',
      'H major',
      'D foo',
      'pentatonic',
      'major',
      'D# # minor',
      'Cmaj minor pentatonic',
      'X blues',
    ]) {
      expect(() => parseScale(text), text).toThrow(ConstraintError);
    }
    expect(() => parseScale('H major')).toThrow(/Unknown key "H major".*"D major"/);
  });
});

describe('masks over a small codec', () => {
  const vocab = ['<s>', 'P_61', 'P_62', 'P_63', 'P_74', 'C_62.66', 'C_62.65', 'T_4', 'P_50'];

  it('masks tokens with any pitch outside the key, keeps tokens without pitches', () => {
    expect([...keyMaskForVocabulary(vocab, fakeCodec, 'D major')]).toEqual([1, 1, 1, 0, 1, 1, 0, 1, 1]);
    // D pentatonic: D E F# A B; P_74 and P_50 are Ds in other octaves.
    expect([...keyMaskForVocabulary(vocab, fakeCodec, parseScale('D pentatonic'))]).toEqual([
      1, 0, 1, 0, 1, 1, 0, 1, 1,
    ]);
  });

  it('masks pitches outside a range, and combines with a key', () => {
    expect([...rangeMaskForVocabulary(vocab, fakeCodec, 60, 65)]).toEqual([1, 1, 1, 1, 0, 0, 1, 1, 0]);
    const both = constraintMask(vocab, fakeCodec, { key: 'D major', pitchRange: [60, 70] });
    expect([...both.mask]).toEqual([1, 1, 1, 0, 0, 1, 0, 1, 0]);
    expect(both.allowedCount).toBe(5);
    expect(both.keyToken).toBeNull();
    expect([...both.mask]).toEqual([
      ...combineMasks(
        keyMaskForVocabulary(vocab, fakeCodec, 'D'),
        rangeMaskForVocabulary(vocab, fakeCodec, 60, 70),
      ),
    ]);
    expect(() => rangeMaskForVocabulary(vocab, fakeCodec, 70, 60)).toThrow(ConstraintError);
    expect(() => rangeMaskForVocabulary(vocab, fakeCodec, -1, 60)).toThrow(/Pitch range/);
    expect(() => combineMasks(new Uint8Array(2), new Uint8Array(3))).toThrow(/differ in length/);
  });
});

describe('masks over the performance codec', () => {
  const codec = createCodec('performance');
  const vocabulary = Vocabulary.forCodec(codec);

  it('never samples an out-of-scale NOTE_ON in D major (10,000 tokens from random logits)', () => {
    const { mask, allowedCount } = constraintMask(vocabulary.tokens, codec, { key: 'D major' });
    const inKeyNotes = Array.from({ length: 128 }, (_, p) => p).filter((p) =>
      D_MAJOR.includes(p % 12),
    ).length;
    expect(allowedCount).toBe(inKeyNotes + 128 + 100 + 32);
    const rng = createRng(2024);
    const sampler = new TokenSampler();
    const logits = new Float32Array(vocabulary.size);
    let noteOns = 0;
    for (let i = 0; i < 10_000; i++) {
      for (let v = 0; v < logits.length; v++) logits[v] = rng.normal() * 4;
      const token = vocabulary.tokens[sampler.sample(logits, { temperature: 1, mask, topP: 0.98 }, rng)];
      const pitches = codec.pitchesOf(token);
      for (const pitch of pitches) expect(D_MAJOR).toContain(pitch % 12);
      if (pitches.length > 0) noteOns++;
    }
    expect(noteOns).toBeGreaterThan(1000);
    expect(sampler.maskIgnoredCount).toBe(0);
  });

  it('keeps NOTE_ONs within a pitch range but leaves NOTE_OFFs free', () => {
    const mask = rangeMaskForVocabulary(vocabulary.tokens, codec, 48, 72);
    for (let p = 0; p < 128; p++) {
      expect(mask[vocabulary.idOf(`ON_${p}`)!]).toBe(p >= 48 && p <= 72 ? 1 : 0);
      expect(mask[vocabulary.idOf(`OFF_${p}`)!]).toBe(1);
    }
  });
});

describe('masks over the ABC codec (Nottingham jigs)', () => {
  const codec = createCodec('abc');
  const text = readFileSync(sharedData('nottingham', 'ABC_cleaned', 'jigs.abc'), 'utf8');
  const pieces = splitTunes(text).flatMap((raw) => {
    const tune = readTune(raw);
    return 'error' in tune ? [] : [encodeAbcTune(tune).tokens];
  });
  const vocabulary = Vocabulary.forCodec(codec, pieces);

  it('forces the K: token of the key signature and judges notes as they sound under it', () => {
    expect(pieces.length).toBeGreaterThan(300);
    expect(abcKeyTokenFor(vocabulary.tokens, 'D major')).toBe('K:Dmaj');
    const edor = abcKeyTokenFor(vocabulary.tokens, 'E dorian');
    expect(['K:Edor', 'K:Dmaj', 'K:Bmin', 'K:Amix']).toContain(edor);
    expect(abcKeyTokenFor(['<s>', 'K:Cmaj'], 'D major')).toBeNull();
    expect(() => keyMaskForVocabulary(['<s>', 'K:Cmaj', 'c'], codec, 'D major')).toThrow(/no K: token/);

    const { mask, keyToken } = constraintMask(vocabulary.tokens, codec, { key: 'D major' });
    expect(keyToken).toBe('K:Dmaj');
    const allowed = (token: string): number => mask[vocabulary.idOf(token)!];
    expect(allowed('K:Dmaj')).toBe(1);
    expect(allowed('K:Gmaj')).toBe(0);
    expect(allowed('f')).toBe(1); // F# under K:Dmaj
    expect(allowed('c')).toBe(1); // C#
    expect(allowed('g')).toBe(1);
    if (vocabulary.has('=f')) expect(allowed('=f')).toBe(0); // F natural
    if (vocabulary.has('=c')) expect(allowed('=c')).toBe(0);
    if (vocabulary.has('^c')) expect(allowed('^c')).toBe(1);
    expect(allowed('|')).toBe(1);
    expect(allowed('</s>')).toBe(1);

    // A pentatonic under K:Dmaj: natural c (C#) and g are not in D pentatonic.
    const penta = constraintMask(vocabulary.tokens, codec, { key: 'D pentatonic', pitchRange: [62, 83] });
    expect(penta.keyToken).toBe('K:Dmaj');
    expect(penta.mask[vocabulary.idOf('c')!]).toBe(0);
    expect(penta.mask[vocabulary.idOf('g')!]).toBe(0);
    expect(penta.mask[vocabulary.idOf('a')!]).toBe(1);
    expect(penta.mask[vocabulary.idOf('D')!]).toBe(1); // 62
    expect(penta.mask[vocabulary.idOf('A,')!]).toBe(0); // 57, below the range
  });

  it('generates tunes whose decoded notes all sound in D major', () => {
    const { mask, keyToken } = constraintMask(vocabulary.tokens, codec, { key: 'D major' });
    const rng = createRng(7);
    const sampler = new TokenSampler();
    const logits = new Float32Array(vocabulary.size);
    const noteIds = new Set(vocabulary.tokens.flatMap((t, id) => (parseNoteToken(t) ? [id] : [])));
    const endId = vocabulary.idOf('</s>')!;
    let decodedNotes = 0;
    for (let tune = 0; tune < 5; tune++) {
      const tokens = ['<s>', 'M:6/8', 'L:1/8', keyToken!];
      while (tokens.length < 150) {
        // Random logits favouring notes and bar lines, so the tune has music in it.
        for (let v = 0; v < logits.length; v++) logits[v] = rng.normal() + (noteIds.has(v) ? 3 : 0);
        logits[endId] = -Infinity;
        tokens.push(vocabulary.tokens[sampler.sample(logits, { temperature: 1, mask }, rng)]);
      }
      tokens.push('</s>');
      const { sequence, abc } = codec.decode(tokens);
      expect(abc).toContain('K:D');
      for (const note of sequence.notes) expect(D_MAJOR, abc).toContain(note.pitch % 12);
      decodedNotes += sequence.notes.length;
    }
    expect(decodedNotes).toBeGreaterThan(100);
  });
});
