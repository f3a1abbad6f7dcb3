/**
 * Real data end to end: a short `sketch` training run on Nottingham jigs.abc (the training
 * helper's `trainModel`), then 4 variations of 16 bars from the saved model folder; every one
 * must decode to ABC that abcjs parses and to MIDI that reads back with notes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import abcjs from 'abcjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_TOKENS } from '../../src/main/engine/codecs/abc/abc_lexer.ts';
import { parseScale } from '../../src/main/engine/generate/constraints.ts';
import { TokenGenerator } from '../../src/main/engine/generate/generator.ts';
import { loadGenerationModel, type GenerationModel } from '../../src/main/engine/generate/load_model.ts';
import { decodeVariation, writeOutputs } from '../../src/main/engine/generate/outputs.ts';
import { readSeedFile } from '../../src/main/engine/generate/seed.ts';
import { midiToNoteSequence, noteSequenceToMidi } from '../../src/main/engine/music/midi_io.ts';
import { trainModel } from '../../src/main/engine/train/index.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

const JIGS = sharedData('nottingham', 'ABC_original', 'jigs.abc');
const BARS = new Set(BAR_TOKENS);

/** abcjs's reading of one tune: how many tunes, the notes it found, its warnings. */
function abcjsNotes(text: string): { tunes: number; notes: number; warnings: number } {
  const tunes = abcjs.parseOnly(text) as unknown as Array<{
    warnings?: string[];
    lines: Array<{ staff?: Array<{ voices?: Array<Array<{ el_type: string }>> }> }>;
  }>;
  let notes = 0;
  for (const line of tunes[0]?.lines ?? [])
    for (const staff of line.staff ?? [])
      for (const voice of staff.voices ?? []) notes += voice.filter((el) => el.el_type === 'note').length;
  return { tunes: tunes.length, notes, warnings: tunes[0]?.warnings?.length ?? 0 };
}

describe.skipIf(!HAS_SHARED_DATA)('generation from a model trained on Nottingham jigs', () => {
  let dir: string;
  let model: GenerationModel;
  let trainedLoss: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-gen-jigs-'));
    const result = await trainModel({
      paths: [JIGS],
      codec: 'abc',
      outDir: path.join(dir, 'model'),
      preset: 'sketch',
      epochs: 5,
      batchSize: 16,
      seqLen: 64,
      learningRate: 1.5e-2,
      warmupSteps: 10,
      maxValidationWindows: 16,
      transpose: 0,
      seed: 1,
      cacheDir: path.join(dir, 'cache'),
    });
    trainedLoss = result.history.at(-1)?.loss ?? Infinity;
    model = await loadGenerationModel(path.join(dir, 'model'));
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('4 variations of 16 bars decode to ABC that abcjs parses and to MIDI with notes', async () => {
    expect(model.codec.name).toBe('abc');
    // A model that only knows token frequencies stays near 3 nats (the first epochs' plateau).
    expect(trainedLoss).toBeLessThan(2.6);
    const generator = new TokenGenerator(model);
    const result = await generator.generate({
      length: '16bars',
      variations: 4,
      rngSeed: 7,
      temperature: 0.9,
    });
    expect(result.variations).toHaveLength(4);
    // The model picks its own header: every jig is in 6/8.
    expect(result.variations[0].prefix.slice(0, 2)).toEqual(['<s>', 'M:6/8']);
    expect(new Set(result.variations.map((v) => v.tokens.join(' '))).size).toBe(4);
    const paths = await writeOutputs(
      path.join(dir, 'jig.mid'),
      result.variations.map((v) => decodeVariation(model.codec, v)),
    );
    for (const [i, v] of result.variations.entries()) {
      const bars = v.tokens.filter((t) => BARS.has(t)).length;
      // 16 real bars: a pickup (anacrusis) before the first full bar has its own bar line but is
      // not one of them (the grammar counts bars as musicians do).
      if (v.stop === 'length') expect([16, 17]).toContain(bars);
      else expect(v.stop).toBe('end');
      const decoded = decodeVariation(model.codec, v);
      const abc = decoded.full.abc as string;
      expect(abc).toMatch(/^X:1\nT:.*\nM:6\/8\nL:\S+\nK:\S+\n/);
      const parsed = abcjsNotes(abc);
      expect(parsed.tunes).toBe(1);
      expect(parsed.notes).toBeGreaterThan(8);
      expect(parsed.warnings, abc).toBe(0);
      const midi = noteSequenceToMidi(decoded.full.sequence);
      const back = midiToNoteSequence(midi);
      expect(back.notes.length).toBeGreaterThan(8);
      expect(back.notes.length).toBe(decoded.full.sequence.notes.length);
      const written = midiToNoteSequence(new Uint8Array(await readFile(paths[i])));
      expect(written.notes.length).toBe(back.notes.length);
    }
  });

  it('continues the first jig of the book as a seed, in one batch of 4', async () => {
    const seed = await readSeedFile(JIGS);
    const generator = new TokenGenerator(model);
    const result = await generator.generate({
      seed,
      length: '16bars',
      variations: 4,
      rngSeed: 8,
      topP: 0.95,
    });
    for (const v of result.variations) {
      expect(v.prefix[0]).toBe('<s>');
      expect(v.prefix).not.toContain('</s>');
      const decoded = decodeVariation(model.codec, v);
      expect(abcjsNotes(decoded.full.abc as string).notes).toBeGreaterThan(
        abcjsNotes(decoded.continuation.abc as string).notes,
      );
      expect(decoded.full.sequence.notes.length).toBeGreaterThan(decoded.continuation.sequence.notes.length);
      expect(midiToNoteSequence(noteSequenceToMidi(decoded.continuation.sequence)).notes.length).toBe(
        decoded.continuation.sequence.notes.length,
      );
    }
  });

  it('a key constraint keeps the trained model in E minor', async () => {
    const scale = new Set(parseScale('E minor').pitchClasses);
    const generator = new TokenGenerator(model);
    const result = await generator.generate({ length: '16bars', variations: 4, rngSeed: 9, key: 'E minor' });
    let notes = 0;
    for (const v of result.variations) {
      expect(v.prefix[3]).toBe('K:Emin');
      const decoded = decodeVariation(model.codec, v);
      expect(abcjsNotes(decoded.full.abc as string).warnings).toBe(0);
      for (const note of decoded.full.sequence.notes) {
        notes++;
        expect(scale.has(note.pitch % 12), `${note.pitch} in ${decoded.full.abc}`).toBe(true);
      }
    }
    expect(notes).toBeGreaterThan(40);
    expect(result.maskIgnored).toBe(0);
  });
});
