/** The notes codec on MAESTRO 2004: a vocabulary a model can learn, and notes that come back exactly. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import { quantize } from '../../src/shared/music/sequences.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { openDataset } from '../../src/main/engine/datasets/index.ts';
import { shiftsFor } from '../../src/main/engine/train/data.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import type { NotesCodec } from '../../src/main/engine/codecs/notes/notes.ts';

const MAESTRO = sharedData('maestro', '2004');

describe.skipIf(!HAS_SHARED_DATA)('notes codec on MAESTRO 2004', () => {
  it('has at most 2,000 tokens and gives back at least 99% of the notes exactly on its grid', async () => {
    const codec = createCodec('notes') as NotesCodec;
    // The vocabulary a model trained on the whole folder gets (with the default +-3 semitone augmentation).
    const dataset = await openDataset([MAESTRO], { codec: 'notes' });
    // Transposing moves tokens one by one, so each item's distinct tokens, moved, are all it adds.
    const seen = new Set<string>();
    for (const item of dataset.items.filter((i) => i.split === 'train')) {
      const distinct = item.distinctTokens.split(' ');
      for (const shift of shiftsFor(3))
        for (const token of codec.transpose(distinct, shift) ?? []) seen.add(token);
    }
    const vocabulary = Vocabulary.forCodec(codec, [[...seen]]);
    expect(vocabulary.size).toBeLessThanOrEqual(2000);
    const table = new Set(codec.allTokens);
    expect(vocabulary.tokens.filter((t) => !table.has(t))).toEqual([]);
    // Every third file (44 of 132), to keep the test quick; the whole folder gives the same share.
    const files = readdirSync(MAESTRO)
      .filter((f) => f.endsWith('.midi'))
      .sort()
      .filter((_, i) => i % 3 === 0);
    let notes = 0;
    let exact = 0;
    let chordTokens = 0;
    const unknown = new Set<string>(); // tokens outside the codec's table
    for (const file of files) {
      const sequence = midiToNoteSequence(new Uint8Array(readFileSync(`${MAESTRO}/${file}`)), { path: file });
      const tokens = codec.encode({ sequence });
      for (const token of tokens) {
        if (!table.has(token)) unknown.add(token);
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
