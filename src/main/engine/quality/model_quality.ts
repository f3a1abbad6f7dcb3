/**
 * What a model folder keeps so it can report novelty without its training data: the n-gram
 * index of its train split (`novelty-index.bin`) and the quality figures of its held-out
 * (validation) split against that index (`quality-baseline.json`), the baseline to compare
 * generated takes with. Written once when training starts (the data does not change during a
 * run), each file atomically.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Codec } from '../codecs/codec.ts';
import type { Dataset, DatasetItem } from '../datasets/index.ts';
import type { SplitName } from '../datasets/types.ts';
import { writeFileAtomic, writeJsonAtomic } from '../storage/atomic.ts';
import { melodyLine } from './melody.ts';
import { NoveltyIndex } from './novelty_index.ts';
import { qualityReport, type QualityPiece, type QualitySummary } from './report.ts';

export const NOVELTY_INDEX_FILE = 'novelty-index.bin';
export const QUALITY_BASELINE_FILE = 'quality-baseline.json';

/** A readable name for a dataset item: its title, file and tune number. */
export function itemName(item: Pick<DatasetItem, 'title' | 'rel' | 'item'>): string {
  const where = `${path.basename(item.rel)}${item.item !== undefined ? ` #${item.item}` : ''}`;
  return item.title ? `${item.title} (${where})` : where;
}

/** The items of a split (or all) as pieces to assess, decoded from their tokens by the dataset's codec. */
export function datasetPieces(dataset: Dataset, split: SplitName | 'all'): QualityPiece[] {
  return dataset.items
    .filter((item) => split === 'all' || item.split === split)
    .map((item) => piece(dataset.codec, item));
}

function piece(codec: Codec, item: DatasetItem): QualityPiece {
  const tokens = item.tokens ? item.tokens.split(' ') : [];
  const decoded = codec.decode(tokens);
  return { name: itemName(item), sequence: decoded.sequence, abc: decoded.abc, tokens: { codec, tokens } };
}

/** The n-gram index of pieces (e.g. a train split). */
export function indexOfPieces(pieces: readonly QualityPiece[]): NoveltyIndex {
  return NoveltyIndex.build(pieces.map((p) => ({ name: p.name, line: melodyLine(p.sequence) })));
}

/** What the baseline file holds. */
export const BaselineSchema = z.object({
  /** Which split the figures are of. */
  split: z.string(),
  summary: z.object({
    pieces: z.number(),
    validShare: z.number(),
    abc2midiClean: z.number().nullable(),
    abc2midiChecked: z.number(),
    badInnerBarShare: z.number().nullable(),
    hanging: z.number(),
    ngramFoundShare: z.number().nullable(),
    longestRun: z.object({ notes: z.number(), piece: z.string(), from: z.string().nullable() }).nullable(),
    medianLongestRun: z.number().nullable(),
    inKeyShare: z.number(),
    range: z.object({ low: z.number(), high: z.number() }).nullable(),
  }) satisfies z.ZodType<QualitySummary>,
});

/**
 * Writes the index of the dataset's train split (all items when it has none) and the baseline
 * of its validation split. Never throws: a failure is reported through `log` and training goes on.
 */
export async function writeTrainingQuality(
  modelDir: string,
  dataset: Dataset,
  log?: (message: string) => void,
): Promise<void> {
  try {
    const train = datasetPieces(dataset, 'train');
    const index = indexOfPieces(train.length > 0 ? train : datasetPieces(dataset, 'all'));
    await writeFileAtomic(path.join(modelDir, NOVELTY_INDEX_FILE), index.toBytes());
    const heldOut = datasetPieces(dataset, 'validation');
    if (heldOut.length > 0) {
      const { summary } = qualityReport(heldOut, index);
      await writeJsonAtomic(path.join(modelDir, QUALITY_BASELINE_FILE), { split: 'validation', summary });
    }
  } catch (error) {
    log?.(`Could not write the novelty index: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The model folder's n-gram index; null when it has none (trained before indexes existed). */
export async function readNoveltyIndex(modelDir: string): Promise<NoveltyIndex | null> {
  const file = path.join(modelDir, NOVELTY_INDEX_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  return NoveltyIndex.fromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
}

/** The model folder's held-out baseline; null when it has none or it cannot be read. */
export async function readQualityBaseline(
  modelDir: string,
): Promise<{ split: string; summary: QualitySummary } | null> {
  try {
    const parsed = BaselineSchema.safeParse(
      JSON.parse(await readFile(path.join(modelDir, QUALITY_BASELINE_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
