/** The notes codec on MAESTRO 2004: a vocabulary a model can learn, and notes that come back exactly. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import { quantize } from '../../src/shared/music/sequences.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { NotesCodec } from '../../src/main/engine/codecs/notes/notes.ts';

const MAESTRO = sharedData('maestro', '2004');

describe.skipIf(!HAS_SHARED_DATA)('notes codec on MAESTRO 2004', () => {
  it('has at most 2,000 tokens and gives back at least 99% of the notes exactly on its grid', () => {
    const codec = createCodec('notes') as NotesCodec;
    const vocabulary = Vocabulary.forCodec(codec);
    expect(vocabulary.size).toBeLessThanOrEqual(2000);
    // Every third file (44 of 132), to keep the test quick; the whole folder gives the same share.
    const files = readdirSync(MAESTRO)
      .filter((f) => f.endsWith('.midi'))
      .sort()
      .filter((_, i) => i % 3 === 0);
    let notes = 0;
    let exact = 0;
    let chordTokens = 0;
    const unknown = new Set<string>();
    for (const file of files) {
      const sequence = midiToNoteSequence(new Uint8Array(readFileSync(`${MAESTRO}/${file}`)), { path: file });
      const tokens = codec.encode({ sequence });
      for (const token of tokens) {
        if (!vocabulary.has(token)) unknown.add(token);
        if (token.startsWith('S_')) chordTokens++;
      }
      const key = (pitch: number, start: number, end: number): string => `${pitch}:${start}:${end}`;
      const decoded = new Map<string, number>();
      for (const n of codec.decode(tokens).sequence.notes) {
        const k = key(n.pitch, n.quantizedStartStep ?? -1, n.quantizedEndStep ?? -1);
        decoded.set(k, (decoded.get(k) ?? 0) + 1);
      }
      for (const n of quantize(sequence, codec.stepsPerQuarter).notes) {
        notes++;
        const k = key(n.pitch, n.quantizedStartStep ?? -1, n.quantizedEndStep ?? -1);
        const left = decoded.get(k) ?? 0;
        if (left > 0) {
          exact++;
          decoded.set(k, left - 1);
        }
      }
    }
    expect([...unknown]).toEqual([]);
    expect(notes).toBeGreaterThan(200_000);
    expect(chordTokens).toBeGreaterThan(10_000);
    expect(exact / notes).toBeGreaterThanOrEqual(0.99);
  });
});
