import { describe, expect, it } from 'vitest';
import type { AbcTune } from '../../src/shared/music/abc_tune.ts';
import { emptySequence } from '../../src/shared/music/sequences.ts';
import { durationValue, lexAbcBody } from '../../src/main/engine/codecs/abc/abc_lexer.ts';
import { abcTokensToText, encodeAbcTune, transposeAbcTokens } from '../../src/main/engine/codecs/abc/abc.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { CodecError } from '../../src/main/engine/codecs/codec.ts';
import { readTune, splitTunes } from '../../src/main/engine/music/abc/split.ts';

const lex = (body: string): string[] => lexAbcBody(body).tokens;

/** A tune as the ABC importer reads it. */
function tuneOf(text: string): AbcTune {
  const tune = readTune(splitTunes(text)[0]);
  if ('error' in tune) throw new Error(tune.error);
  return tune;
}

const codec = createCodec('abc');

describe('ABC lexer', () => {
  it('keeps accidentals and octave marks with the note, durations apart, octave marks canonical', () => {
    expect(lex("^c'2 =F/2 B,3/2 c, C' __e// ^^G3/4 A/")).toEqual([
      "^c'",
      '2',
      '=F',
      '/2',
      'B,',
      '3/2',
      'C',
      'c',
      '__e',
      '/4',
      '^^G',
      '3/4',
      'A',
      '/2',
    ]);
  });

  it('reads duration tokens as multiples of the unit', () => {
    expect(['', '2', '/2', '3/2', '/4', 'x', '/'].map(durationValue)).toEqual([
      1,
      2,
      0.5,
      1.5,
      0.25,
      NaN,
      NaN,
    ]);
  });

  it('normalises bar lines, repeats and endings', () => {
    expect(lex('A|B||c|]d|:e:|f::g:|:a[|b:||c|||d')).toEqual(
      'A | B || c |] d |: e :| f :: g :: a || b :| c || d'.split(' '),
    );
    expect(lex('A|1 B:|2 c|[1 d:|[2 e| [1 f |1,2 g')).toEqual(
      'A | [1 B :| [2 c | [1 d :| [2 e | [1 f | [1,2 g'.split(' '),
    );
  });

  it('reads tuplets, broken rhythm, ties, rests and chords', () => {
    expect(lex('(3ABc (3:2:3def A>B C<<D E2-E z2 x/2 Z4 [CEG]2 [C2E2] +GB+')).toEqual(
      '(3 A B c (3:2:3 d e f A > B C << D E 2 - E z 2 z /2 Z 4 [ C E G ] 2 [ C 2 E 2 ] [ G B ]'.split(' '),
    );
  });

  it('drops chord symbols, decorations, grace notes, slurs, comments and other fields', () => {
    const body =
      '"Am"A !trill!B +fermata+c {gf}d (ef) ~g .a Tb uc|\\\n% a comment\nP:B\nw: some words\nd % end';
    expect(lex(body)).toEqual('A B c d e f g a b c | d'.split(' '));
    expect(lexAbcBody(body).skipped).toBe(0);
  });

  it('turns key, meter and unit changes into header-like tokens', () => {
    expect(lex('A[K:Am]B[M:C|]c[L:1/16]d\nK:D mixolydian\nM:C\ne')).toEqual(
      'A K:Amin B M:2/2 c L:1/16 d K:Dmix M:4/4 e'.split(' '),
    );
  });

  it('never throws on odd input and counts the characters it skips', () => {
    expect(lexAbcBody('A#B@C;').tokens).toEqual(['A', 'B', 'C']);
    expect(lexAbcBody('A#B@C;').skipped).toBe(3);
    let seed = 11;
    const rng = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'ABCabcz^_=,\'/23|:[]()<>-"!+{}%K\\ \n#xyZ';
    for (let run = 0; run < 300; run++) {
      const text = Array.from({ length: 60 }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
      expect(() => lexAbcBody(text)).not.toThrow();
    }
  });
});

describe('ABC codec', () => {
  const jig = tuneOf('X:7\nT:Test Jig\nM:6/8\nK:D\n|:"D"A|d2e fed|"G"B2A [1 GFE:|2 G3|]\n');

  it('frames a tune with <s>, meter, unit, normalised key and </s>', () => {
    expect(encodeAbcTune(jig).tokens).toEqual(
      '<s> M:6/8 L:1/8 K:Dmaj |: A | d 2 e f e d | B 2 A [1 G F E :| [2 G 3 |] </s>'.split(' '),
    );
    expect(codec.specialTokens).toEqual(['<s>', '</s>']);
    expect(codec.fixedVocabulary).toBeNull();
  });

  it('normalises keys and meters and gives the default unit length', () => {
    const first = (header: string): string[] =>
      encodeAbcTune(tuneOf(`X:1\n${header}\nA|\n`)).tokens.slice(1, 4);
    expect(first('M:C\nK:Em')).toEqual(['M:4/4', 'L:1/8', 'K:Emin']);
    expect(first('M:2/4\nK:AMix')).toEqual(['M:2/4', 'L:1/16', 'K:Amix']);
    expect(first('M:C|\nL:1/4\nK:Ador')).toEqual(['M:2/2', 'L:1/4', 'K:Ador']);
    expect(first('K:Bb')).toEqual(['M:none', 'L:1/8', 'K:Bbmaj']);
    expect(first('M:4/4\nK:F#m')).toEqual(['M:4/4', 'L:1/8', 'K:F#min']);
  });

  it('moves field changes before the first note into the header', () => {
    const tune = tuneOf('X:1\nM:4/4\nK:A\nM:6/8\nP:A\nf|ecc c2f|\n');
    expect(encodeAbcTune(tune).tokens.slice(0, 6)).toEqual(['<s>', 'M:6/8', 'L:1/8', 'K:Amaj', 'f', '|']);
  });

  it('throws a CodecError for an item without ABC text', () => {
    expect(() => codec.encode({ sequence: emptySequence({ kind: 'midi' }) })).toThrow(CodecError);
  });

  it('decodes to ABC text and notes that encode back to the same tokens', () => {
    const tokens = codec.encode({ sequence: emptySequence({ kind: 'abc' }), abc: jig });
    const decoded = codec.decode(tokens);
    expect(decoded.abc).toMatch(/^X:1\nT:.+\nM:6\/8\nL:1\/8\nK:Dmaj\n/);
    expect(encodeAbcTune(tuneOf(decoded.abc!)).tokens).toEqual(tokens);
    expect(decoded.sequence.notes.map((n) => n.pitch).slice(0, 4)).toEqual([69, 74, 76, 78]);
  });

  it('decodes any token soup to valid ABC whose tokens are stable', () => {
    const vocabulary = encodeAbcTune(jig).tokens.concat([
      '[',
      ']',
      '(3',
      '>',
      '-',
      'z',
      'K:Gmaj',
      '/2',
      'junk',
      '<s>',
    ]);
    let seed = 3;
    const rng = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 100; run++) {
      const tokens = Array.from({ length: 40 }, () => vocabulary[Math.floor(rng() * vocabulary.length)]);
      const text = abcTokensToText(tokens);
      const once = encodeAbcTune(tuneOf(text)).tokens;
      expect(encodeAbcTune(tuneOf(abcTokensToText(once))).tokens).toEqual(once);
    }
  });
});

describe('ABC transpose and pitches', () => {
  it('moves the key and the notes diatonically, re-spelling accidentals', () => {
    const tokens = '<s> M:6/8 L:1/8 K:Dmaj d =f ^g B, | K:Amin c </s>'.split(' ');
    expect(transposeAbcTokens(tokens, 2)).toEqual(
      '<s> M:6/8 L:1/8 K:Emaj e =g ^a C | K:Bmin d </s>'.split(' '),
    );
    expect(transposeAbcTokens(tokens, 1)).toEqual(
      '<s> M:6/8 L:1/8 K:Ebmaj e _g =a C | K:Bbmin d </s>'.split(' '),
    );
    expect(transposeAbcTokens(tokens, -12)).toEqual(
      '<s> M:6/8 L:1/8 K:Dmaj D =F ^G B,, | K:Amin C </s>'.split(' '),
    );
    expect(transposeAbcTokens(tokens, 0)).toEqual(tokens);
  });

  it('refuses a transposition that needs triple accidentals or leaves MIDI', () => {
    // C major up a semitone is Db major, so every C becomes a D: a written C double flat would need three flats.
    expect(transposeAbcTokens('K:Cmaj __c'.split(' '), 1)).toBeNull();
    expect(transposeAbcTokens('K:Cmaj ^^c'.split(' '), 1)).toEqual(['K:Dbmaj', '^d']);
    expect(transposeAbcTokens(['K:Cmaj', "c''''''"], 12)).toBeNull();
  });

  it('gives the pitch written under C major plus the explicit accidental', () => {
    expect(codec.pitchesOf("^c'")).toEqual([85]);
    expect(codec.pitchesOf('=F')).toEqual([65]);
    expect(codec.pitchesOf('B,')).toEqual([59]);
    expect(codec.pitchesOf('c')).toEqual([72]);
    expect(codec.pitchesOf('_E')).toEqual([63]);
    expect(codec.pitchesOf('[')).toEqual([]);
    expect(codec.pitchesOf('2')).toEqual([]);
    expect(codec.pitchesOf('K:Dmaj')).toEqual([]);
  });
});
