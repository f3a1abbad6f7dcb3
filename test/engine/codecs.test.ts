/** Codecs on the real datasets: round trips on MAESTRO, Nottingham jigs and O'Neill's 1850. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import type { AbcTune } from '../../src/shared/music/abc_tune.ts';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { quantize } from '../../src/shared/music/sequences.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { readTune, splitTunes } from '../../src/main/engine/music/abc/split.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { abcTokensToText, encodeAbcTune } from '../../src/main/engine/codecs/abc/abc.ts';
import { velocityToBin } from '../../src/main/engine/codecs/performance/performance.ts';
import { stretchPerformance } from '../../src/main/engine/codecs/augment.ts';

const JIGS = sharedData('nottingham', 'ABC_original', 'jigs.abc');
const ONEILLS = sharedData('oneills1850');
const MAESTRO = sharedData('maestro', '2004');

function tunesOf(file: string): AbcTune[] {
  return splitTunes(readFileSync(file, 'latin1'))
    .map(readTune)
    .filter((t): t is AbcTune => !('error' in t));
}

function tuneOfText(text: string): AbcTune {
  const tune = readTune(splitTunes(text)[0]);
  if ('error' in tune) throw new Error(tune.error);
  return tune;
}

/** The three smallest MAESTRO files, read as NoteSequences. */
function smallMaestro(): NoteSequence[] {
  return readdirSync(MAESTRO)
    .filter((f) => f.endsWith('.midi'))
    .map((f) => ({ f, size: statSync(`${MAESTRO}/${f}`).size }))
    .sort((a, b) => a.size - b.size || a.f.localeCompare(b.f))
    .slice(0, 3)
    .map(({ f }) => midiToNoteSequence(new Uint8Array(readFileSync(`${MAESTRO}/${f}`)), { path: f }));
}

describe.skipIf(!HAS_SHARED_DATA)('ABC codec on real tune books', () => {
  const abc = createCodec('abc');

  it('round trips every jig token for token, and decodes to notes', () => {
    const imported = parseAbcText(readFileSync(JIGS, 'latin1'), 'jigs.abc');
    expect(imported.items.length).toBeGreaterThanOrEqual(339);
    const pieces: string[][] = [];
    for (const item of imported.items) {
      const tokens = abc.encode(item);
      pieces.push(tokens);
      const decoded = abc.decode(tokens);
      expect(encodeAbcTune(tuneOfText(decoded.abc!)).tokens, `jig X:${item.abc!.number}`).toEqual(tokens);
      expect(decoded.sequence.notes.length, `jig X:${item.abc!.number}`).toBeGreaterThan(0);
    }
    const vocabulary = Vocabulary.forCodec(abc, pieces);
    expect(vocabulary.size).toBeGreaterThan(60);
    expect(vocabulary.size).toBeLessThan(150);
    // The lexer understands the whole book.
    expect(tunesOf(JIGS).reduce((sum, t) => sum + encodeAbcTune(t).skipped, 0)).toBe(0);
  });

  it("round trips all of O'Neill's tunes token for token", () => {
    let tunes = 0;
    for (const file of readdirSync(ONEILLS).filter((f) => f.endsWith('.abc'))) {
      for (const tune of tunesOf(`${ONEILLS}/${file}`)) {
        const tokens = encodeAbcTune(tune).tokens;
        expect(encodeAbcTune(tuneOfText(abcTokensToText(tokens))).tokens, `${file} X:${tune.number}`).toEqual(
          tokens,
        );
        tunes++;
      }
    }
    expect(tunes).toBeGreaterThan(2000);
  });

  it('transposes jigs so that every sounding pitch moves by exactly the interval', () => {
    const items = parseAbcText(readFileSync(JIGS, 'latin1'), 'jigs.abc').items.slice(0, 120);
    let checked = 0;
    for (const [index, item] of items.entries()) {
      const semitones = [2, -5, 1, 6][index % 4];
      const tokens = abc.encode(item);
      const moved = abc.transpose(tokens, semitones);
      if (!moved) continue;
      const before = abc.decode(tokens).sequence.notes.map((n) => n.pitch + semitones);
      const after = abc.decode(moved).sequence.notes.map((n) => n.pitch);
      expect(after, `jig X:${item.abc!.number} by ${semitones}`).toEqual(before);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(115);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('performance and notes codecs on MAESTRO', () => {
  let cached: NoteSequence[] | undefined;
  const maestro = (): NoteSequence[] => (cached ??= smallMaestro());
  const performance = createCodec('performance');

  it('keeps every note within 10 ms and in its velocity bin', () => {
    for (const sequence of maestro()) {
      const raw = sequence.notes.filter((n) => !n.isDrum);
      const tokens = performance.encode({ sequence });
      expect(tokens.every((t) => performance.fixedVocabulary!.includes(t))).toBe(true);
      const decoded = performance.decode(tokens).sequence.notes;
      expect(decoded).toHaveLength(raw.length);
      const byPitch = (notes: readonly Note[]): Map<number, Note[]> => {
        const map = new Map<number, Note[]>();
        for (const n of notes) map.set(n.pitch, [...(map.get(n.pitch) ?? []), n]);
        for (const list of map.values()) list.sort((a, b) => a.startTime - b.startTime);
        return map;
      };
      const out = byPitch(decoded);
      for (const [pitch, notes] of byPitch(raw)) {
        const back = out.get(pitch)!;
        expect(back).toHaveLength(notes.length);
        notes.forEach((note, i) => {
          expect(Math.abs(back[i].startTime - note.startTime)).toBeLessThanOrEqual(0.01 + 1e-9);
          // A note is only ever cut where the same key is struck again (see performance.ts).
          const cut = i + 1 < back.length && back[i].endTime === back[i + 1].startTime;
          if (!cut) expect(Math.abs(back[i].endTime - note.endTime)).toBeLessThanOrEqual(0.01 + 1e-9);
          expect(velocityToBin(back[i].velocity)).toBe(velocityToBin(note.velocity));
        });
      }
    }
  });

  it('stretches a performance by 5% without losing notes', () => {
    const tokens = performance.encode({ sequence: maestro()[0] });
    const plain = performance.decode(tokens).sequence.notes;
    const stretched = performance.decode(stretchPerformance(tokens, 1.05)).sequence.notes;
    expect(stretched).toHaveLength(plain.length);
    const last = plain[plain.length - 1];
    expect(Math.abs(stretched[stretched.length - 1].startTime - last.startTime * 1.05)).toBeLessThanOrEqual(
      0.01,
    );
  });

  it('notes codec: quantized performances come back on the same grid', () => {
    const notes = createCodec('notes');
    for (const sequence of maestro()) {
      const quantized = quantize(sequence, 4);
      const tokens = notes.encode({ sequence: quantized });
      const decoded = notes.decode(tokens).sequence;
      expect(notes.encode({ sequence: decoded })).toEqual(tokens);
      const onsets = (ns: NoteSequence): string[] =>
        [
          ...new Set(ns.notes.filter((n) => !n.isDrum).map((n) => `${n.quantizedStartStep}:${n.pitch}`)),
        ].sort();
      expect(onsets(decoded)).toEqual(onsets(quantized));
    }
  });
});
