/**
 * The default models shipped in resources/models: they load (float16 weights, through the same
 * loader the studio uses), generate valid music (folk: abc2midi-clean ABC with the grammar on;
 * piano: no hanging notes, pitches 21-108), their files are exactly those of the README's table
 * (size and sha256), and their NLL on a held-out slice of their training data is at or below
 * the README's figure, so the shipped weights are the trained ones.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findMaestroCsv,
  lookupSplit,
  readSplitCsv,
  scanPaths,
} from '../../src/main/engine/datasets/index.ts';
import {
  decodeVariation,
  loadGenerationModel,
  TokenGenerator,
} from '../../src/main/engine/generate/index.ts';
import { parseModelJson } from '../../src/main/engine/model/layers_format.ts';
import { evaluateModel } from '../../src/main/engine/train/evaluate.ts';
import { generatedPiece } from '../../src/main/engine/quality/generated_piece.ts';
import { qualityReport } from '../../src/main/engine/quality/report.ts';
import { HAS_SHARED_DATA, REPO_ROOT, sharedData } from '../helpers/data.ts';

const MODELS = path.join(REPO_ROOT, 'resources', 'models');
/** The Nottingham files of the folk slice (their validation tunes; all files would take too long here). */
const FOLK_SLICE_FILES = [
  'hpps.abc',
  'jigs.abc',
  'reelsa-c.abc',
  'reelsd-g.abc',
  'reelsh-l.abc',
  'waltzes.abc',
];
const README = readFileSync(path.join(MODELS, 'README.md'), 'utf8');
const cacheDir = mkdtempSync(path.join(tmpdir(), 'shipped-models-cache-'));

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** The rows of the README table whose header row starts with `firstHeader`. */
function readmeTable(firstHeader: string): string[][] {
  const lines = README.split('\n');
  const header = `|${firstHeader.replace(/\s/g, '')}|`;
  const start = lines.findIndex((line) => line.replace(/\s/g, '').startsWith(header));
  if (start < 0) throw new Error(`README.md has no table starting with "${firstHeader}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  }
  return rows;
}

/** abc2midi's warnings and errors for a tune. */
function abc2midiProblems(text: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'shipped-abc2midi-'));
  try {
    const file = path.join(dir, 'tune.abc');
    writeFileSync(file, text);
    const run = spawnSync('abc2midi', [file, '-NGRA', '-NFER', '-NGUI'], { cwd: dir, encoding: 'utf8' });
    return `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => /warning|error/i.test(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The held-out slice of each model, as the README's command gives it: files and window cap. */
async function heldOutSlice(model: 'folk' | 'piano'): Promise<{ files: string[]; windows: number }> {
  const row = readmeTable('Model').find((cells) => cells[0] === model);
  if (!row) throw new Error(`README.md gives no held-out slice for ${model}`);
  const windows = Number(row[2]);
  if (model === 'folk')
    return { files: FOLK_SLICE_FILES.map((name) => sharedData('nottingham', 'ABC_original', name)), windows };
  // MAESTRO's own split (its CSV, as training used it): only the validation files need reading.
  const folder = sharedData('maestro', '2004');
  const csv = await findMaestroCsv([folder]);
  if (!csv) throw new Error('The MAESTRO CSV is missing');
  const table = await readSplitCsv(csv);
  const scan = await scanPaths([folder]);
  const files = scan.files.filter((f) => lookupSplit(table, f.path) === 'validation').map((f) => f.path);
  return { files, windows };
}

describe('the README lists exactly the shipped files', () => {
  const rows = readmeTable('Model folder');
  it.each(['folk', 'piano'])('%s: every file with its size and sha256, under 10 MB in all', (model) => {
    const listed = rows.filter((cells) => cells[0] === model);
    const present = readdirSync(path.join(MODELS, model)).sort();
    expect(listed.map((cells) => cells[1]).sort()).toEqual(present);
    let total = 0;
    for (const [, file, bytes, sha256] of listed) {
      const data = readFileSync(path.join(MODELS, model, file));
      expect({ file, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') }).toEqual({
        file,
        bytes: Number(bytes.replace(/[ ,]/g, '')),
        sha256,
      });
      total += data.length;
    }
    expect(total).toBeLessThan(10 * 1024 * 1024);
    // float16 weights, in the Layers format's own quantization metadata.
    const manifest = parseModelJson(JSON.parse(readFileSync(path.join(MODELS, model, 'model.json'), 'utf8')));
    expect(manifest.specs.every((spec) => spec.quantization?.dtype === 'float16')).toBe(true);
  });
});

describe('the shipped models generate valid music', () => {
  it('folk: 4 tunes of 16 bars, abc2midi-clean, with the grammar on', async () => {
    const model = await loadGenerationModel(path.join(MODELS, 'folk'));
    expect(model.codec.name).toBe('abc');
    const result = await new TokenGenerator(model).generate({ variations: 4, length: '16bars', rngSeed: 7 });
    expect(result.grammar).toBe(true);
    const pieces = result.variations.map((variation) =>
      generatedPiece(`take ${variation.variation + 1}`, decodeVariation(model.codec, variation), model),
    );
    for (const piece of pieces) {
      expect(piece.abc).toBeTruthy();
      expect(piece.sequence.notes.length).toBeGreaterThan(16);
      expect(abc2midiProblems(piece.abc ?? '')).toEqual([]);
    }
    const { summary } = qualityReport(pieces, null);
    expect(summary.validShare).toBe(1);
  });

  it('piano: 2 takes of 20 s, no hanging note, every pitch within 21-108', async () => {
    const model = await loadGenerationModel(path.join(MODELS, 'piano'));
    expect(model.codec.name).toBe('performance');
    const result = await new TokenGenerator(model).generate({ variations: 2, length: '20s', rngSeed: 7 });
    expect(result.grammar).toBe(true);
    const pieces = result.variations.map((variation) =>
      generatedPiece(`take ${variation.variation + 1}`, decodeVariation(model.codec, variation), model),
    );
    for (const piece of pieces) {
      expect(piece.sequence.notes.length).toBeGreaterThan(20);
      for (const note of piece.sequence.notes) {
        expect(note.pitch).toBeGreaterThanOrEqual(21);
        expect(note.pitch).toBeLessThanOrEqual(108);
        expect(note.endTime).toBeGreaterThan(note.startTime);
      }
    }
    const { summary } = qualityReport(pieces, null);
    expect(summary.hanging).toBe(0);
    expect(summary.validShare).toBe(1);
  });
});

describe.skipIf(!HAS_SHARED_DATA)('the shipped weights are the trained ones', () => {
  it.each(['folk', 'piano'] as const)(
    "%s: NLL on the README's held-out slice is at or below its figure",
    async (model) => {
      const bar = Number(readmeTable('Model').find((cells) => cells[0] === model)?.[3]);
      expect(bar).toBeGreaterThan(0);
      const slice = await heldOutSlice(model);
      const result = await evaluateModel(path.join(MODELS, model), slice.files, {
        maxWindows: slice.windows,
        cacheDir,
      });
      expect(result.split).toBe('validation');
      expect(result.tokens).toBe(slice.windows * 64);
      expect(result.nllPerToken).toBeLessThanOrEqual(bar);
    },
  );
});
