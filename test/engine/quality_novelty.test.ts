/** The novelty report on Nottingham jigs: a copied tune is found whole, real held-out tunes copy little. */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import { transpose } from '../../src/shared/music/sequences.ts';
import { melodyLine } from '../../src/main/engine/quality/melody.ts';
import { NoveltyIndex } from '../../src/main/engine/quality/novelty_index.ts';
import { indexOfPieces } from '../../src/main/engine/quality/model_quality.ts';
import { qualityLine, qualityReport, type QualityPiece } from '../../src/main/engine/quality/report.ts';
import { evaluateQuality } from '../../src/main/engine/quality/evaluate_quality.ts';
import { hashSplit, splitKey } from '../../src/main/engine/datasets/split.ts';

const JIGS = sharedData('nottingham', 'ABC_original', 'jigs.abc');

function jigs(): QualityPiece[] {
  const imported = parseAbcText(readFileSync(JIGS, 'latin1'), 'jigs.abc');
  return imported.items.map((item, i) => ({
    name: `${item.abc?.title ?? 'untitled'} #${i + 1}`,
    sequence: item.sequence,
    abc: item.abc?.text,
  }));
}

describe.skipIf(!HAS_SHARED_DATA)('novelty report', () => {
  const pieces = jigs();
  // Every tenth tune is held out, the rest is the training set.
  const train = pieces.filter((_, i) => i % 10 !== 0);
  const heldOut = pieces.filter((_, i) => i % 10 === 0);
  const index = indexOfPieces(train);

  it('finds a tune copied from the training set: the longest run is the whole tune, named', () => {
    const copied = train[17];
    const length = melodyLine(copied.sequence).length;
    expect(length).toBeGreaterThan(40);
    const moved = {
      ...copied,
      name: 'copy',
      sequence: transpose(copied.sequence, 5).sequence,
      abc: undefined,
    };
    const report = qualityReport([copied, moved], index);
    for (const piece of report.pieces) {
      expect(piece.novelty?.longestRun).toBe(length);
      expect(piece.novelty?.longestRunPiece).toBe(copied.name);
      expect(piece.novelty?.foundShare).toBe(1);
    }
    expect(report.summary.longestRun).toEqual({ notes: length, piece: copied.name, from: copied.name });
    expect(qualityLine(report.pieces[1])).toContain(`longest copy ${length} notes (${copied.name})`);
  });

  it('gives real held-out tunes short runs', () => {
    const report = qualityReport(heldOut, index);
    expect(report.pieces.length).toBeGreaterThan(30);
    for (const piece of report.pieces) {
      const length = melodyLine(heldOut.find((p) => p.name === piece.name)!.sequence).length;
      // Folk tunes share stock phrases; a held-out tune is still mostly its own.
      expect(piece.novelty?.longestRun ?? 0, piece.name).toBeLessThan(length * 0.8);
    }
    expect(report.summary.medianLongestRun).toBeLessThan(20);
    expect(report.summary.ngramFoundShare).toBeLessThan(0.6);
    expect(report.summary.inKeyShare).toBeGreaterThan(0.9);
  });

  it('reads back from its file format with the same answers, and refuses a damaged file', () => {
    const bytes = index.toBytes();
    const again = NoveltyIndex.fromBytes(bytes);
    expect(again.size).toBe(index.size);
    const line = melodyLine(heldOut[3].sequence);
    expect(again.novelty(line)).toEqual(index.novelty(line));
    expect(() => NoveltyIndex.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/damaged/);
    const wrong = Uint8Array.from(bytes);
    wrong[0] = 0;
    expect(() => NoveltyIndex.fromBytes(wrong)).toThrow(/not a Continuo novelty index/);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('continuo eval --quality (evaluateQuality)', () => {
  it('judges files against a training set beside its held-out split, and names a copied tune', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-quality-'));
    try {
      // One tune copied out of the training set's train split, written as a file of its own.
      const tunes = parseAbcText(readFileSync(JIGS, 'latin1'), 'jigs.abc').items;
      const copied = tunes.find((t) => hashSplit(splitKey('jigs.abc', t.abc?.number)) === 'train');
      if (!copied?.abc) throw new Error('no train tune');
      const file = path.join(dir, 'mine.abc');
      await writeFile(file, copied.abc.text, 'latin1');
      const evaluation = await evaluateQuality({ train: [JIGS], files: [file] });
      expect(evaluation.source).toBe('files');
      expect(evaluation.index?.from).toBe('data');
      const [piece] = evaluation.report.pieces;
      expect(piece.novelty?.longestRun).toBe(melodyLine(copied.sequence).length);
      expect(piece.novelty?.longestRunPiece).toContain(copied.abc.title);
      // The baseline: real held-out jigs, about 1 inner bar in 100 of the wrong length, short copies.
      const baseline = evaluation.baseline?.summary;
      expect(baseline?.pieces).toBeGreaterThan(20);
      expect(baseline?.badInnerBarShare).toBeLessThan(0.03);
      expect(baseline?.medianLongestRun).toBeLessThan(20);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
