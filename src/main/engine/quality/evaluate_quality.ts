/**
 * `continuo eval --quality`: the quality and novelty report of a model's generations, or of
 * any ABC/MIDI files, beside the same figures for a held-out split of real music.
 *
 * - Novelty is judged against the model folder's n-gram index (model_quality.ts), or an index
 *   built from `train` paths (their train split, by the dataset's stable hash split).
 * - The baseline is the model's stored held-out figures, or those of the `train` paths'
 *   validation split against the same index.
 */
import { readFile } from 'node:fs/promises';
import { importBytes } from '../datasets/import_file.ts';
import { scanPaths } from '../datasets/scan.ts';
import { hashSplit, splitKey } from '../datasets/split.ts';
import { generatedPiece } from './generated_piece.ts';
import type { NoveltyIndex } from './novelty_index.ts';
import { indexOfPieces, readNoveltyIndex, readQualityBaseline } from './model_quality.ts';
import { qualityReport, type QualityPiece, type QualityReport, type QualitySummary } from './report.ts';

/** Options of `evaluateQuality`. */
export interface QualityEvalOptions {
  /** Model folder: its index and baseline; it generates the pieces when no `files` are given. */
  modelDir?: string;
  /** ABC/MIDI files or folders to assess instead of generating. */
  files?: readonly string[];
  /** Training-set files or folders: the index (train split) and the baseline (validation split). */
  train?: readonly string[];
  /** Generated pieces (default 20). */
  samples?: number;
  /** Length of each generated piece (default 16 bars for bar-based codecs, 30 s otherwise). */
  length?: string;
  temperature?: number;
  rngSeed?: number;
  /** Reported as the work goes on. */
  onProgress?: (message: string) => void;
}

/** What `evaluateQuality` gives. */
export interface QualityEvaluation {
  /** What was assessed. */
  source: 'generated' | 'files';
  report: QualityReport;
  /** The held-out real music's figures, and where they came from; null when there is no held-out split. */
  baseline: { split: string; from: 'model' | 'data'; summary: QualitySummary } | null;
  /** The training set novelty was judged against; null when none was available. */
  index: { pieces: number; ngrams: number; from: 'model' | 'data' } | null;
  /** Files or tunes that could not be read. */
  errors: string[];
}

/** A piece read from a file, with the split the dataset would give it. */
interface SplitPiece extends QualityPiece {
  split: 'train' | 'validation';
}

/** Every tune or MIDI file under `paths`, as pieces; unreadable ones go to `errors`. */
export async function readPieces(paths: readonly string[], errors: string[]): Promise<SplitPiece[]> {
  const scan = await scanPaths(paths);
  for (const error of scan.errors) errors.push(`${error.file}: ${error.reason}`);
  const pieces: SplitPiece[] = [];
  for (const file of scan.files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file.path));
    } catch (error) {
      errors.push(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const imported = importBytes(bytes, file.path);
    for (const issue of imported.issues)
      if (issue.severity === 'error')
        errors.push(`${issue.file}${issue.item !== undefined ? ` #${issue.item}` : ''}: ${issue.reason}`);
    for (const item of imported.items) {
      const number = item.abc?.number;
      const where = `${file.rel}${number !== undefined ? ` #${number}` : ''}`;
      pieces.push({
        name: item.abc?.title ? `${item.abc.title} (${where})` : where,
        sequence: item.sequence,
        abc: item.abc?.text,
        split: hashSplit(splitKey(file.rel, number)) === 'validation' ? 'validation' : 'train',
      });
    }
  }
  return pieces;
}

/** Generates `samples` pieces with the model (one batch), decoded with their tokens. */
async function generatePieces(modelDir: string, options: QualityEvalOptions): Promise<QualityPiece[]> {
  // Loaded only to generate: assessing files needs no network.
  const { decodeVariation, loadGenerationModel, TokenGenerator } = await import('../generate/index.ts');
  const model = await loadGenerationModel(modelDir);
  const generator = new TokenGenerator(model);
  const samples = options.samples ?? 20;
  options.onProgress?.(`generating ${samples} piece(s) with ${modelDir}`);
  const result = await generator.generate({
    variations: samples,
    length: options.length ?? (model.codec.lengths.unit === 'bars' ? '16bars' : '30s'),
    temperature: options.temperature,
    rngSeed: options.rngSeed ?? 0,
  });
  return result.variations.map((variation) =>
    generatedPiece(`take ${variation.variation + 1}`, decodeVariation(model.codec, variation), model),
  );
}

/** The report; see the module comment. Throws for a model folder that cannot be used. */
export async function evaluateQuality(options: QualityEvalOptions): Promise<QualityEvaluation> {
  const errors: string[] = [];
  if (!options.modelDir && !options.files?.length)
    throw new Error('Give a model to generate with, or files to assess (or both)');
  let index: NoveltyIndex | null = null;
  let indexFrom: 'model' | 'data' = 'model';
  let baseline: QualityEvaluation['baseline'] = null;
  if (options.train?.length) {
    options.onProgress?.(`reading the training set ${options.train.join(', ')}`);
    const trainingSet = await readPieces(options.train, errors);
    const train = trainingSet.filter((p) => p.split === 'train');
    index = indexOfPieces(train.length > 0 ? train : trainingSet);
    indexFrom = 'data';
    const heldOut = trainingSet.filter((p) => p.split === 'validation');
    if (heldOut.length > 0)
      baseline = { split: 'validation', from: 'data', summary: qualityReport(heldOut, index).summary };
  } else if (options.modelDir) {
    index = await readNoveltyIndex(options.modelDir);
    const stored = await readQualityBaseline(options.modelDir);
    if (stored) baseline = { ...stored, from: 'model' };
  }
  const pieces = options.files?.length
    ? await readPieces(options.files, errors)
    : await generatePieces(options.modelDir as string, options);
  if (pieces.length === 0)
    throw new Error(`No music found in ${(options.files ?? []).join(', ')}: nothing to assess`);
  options.onProgress?.(`assessing ${pieces.length} piece(s)`);
  return {
    source: options.files?.length ? 'files' : 'generated',
    report: qualityReport(pieces, index),
    baseline,
    index: index && { pieces: index.pieceNames.length, ngrams: index.size, from: indexFrom },
    errors,
  };
}
