import type { Codec } from '../codecs/codec.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';
import { splitTokens } from './summarize.ts';
import type { ItemSummary, SplitName } from './types.ts';

/** Item counts per split. */
export type SplitCounts = Record<SplitName, number>;

/** Figures describing a dataset, as printed by `continuo dataset`. */
export interface DatasetStats {
  /** Music files found. */
  files: number;
  /** Items (MIDI pieces, ABC tunes) that imported. */
  items: number;
  notes: number;
  seconds: number;
  tokens: number;
  /** Size of the vocabulary built from the train split (or the codec's fixed one). */
  vocabSize: number;
  /**
   * Data-built vocabulary: fraction of validation tokens found in the train vocabulary.
   * Fixed vocabulary: fraction of its tokens the dataset uses. Null with nothing to measure.
   */
  vocabCoverage: number | null;
  pitchRange: { min: number; max: number } | null;
  split: SplitCounts;
}

/** An item with the split it belongs to. */
export interface SplitItem extends ItemSummary {
  split: SplitName;
}

/** Builds the vocabulary from the train split (all items when the train split is empty). */
export function trainVocabulary(codec: Codec, items: readonly SplitItem[]): Vocabulary {
  if (codec.fixedVocabulary) return Vocabulary.forCodec(codec);
  const train = items.filter((item) => item.split === 'train');
  // A vocabulary is a set of tokens, so each item's distinct tokens give the same result as all of them.
  return Vocabulary.forCodec(
    codec,
    (train.length > 0 ? train : items).map((item) => splitTokens(item.distinctTokens)),
  );
}

/** Computes the dataset figures of `items` (files counts all music files found, imported or not). */
export function computeStats(
  codec: Codec,
  files: number,
  items: readonly SplitItem[],
  vocabulary: Vocabulary,
): DatasetStats {
  const stats: DatasetStats = {
    files,
    items: items.length,
    notes: 0,
    seconds: 0,
    tokens: 0,
    vocabSize: vocabulary.size,
    vocabCoverage: null,
    pitchRange: null,
    split: { train: 0, validation: 0, test: 0 },
  };
  let min = Infinity;
  let max = -Infinity;
  for (const item of items) {
    stats.notes += item.notes;
    stats.seconds += item.seconds;
    stats.tokens += item.tokenCount;
    stats.split[item.split]++;
    if (item.minPitch !== null && item.minPitch < min) min = item.minPitch;
    if (item.maxPitch !== null && item.maxPitch > max) max = item.maxPitch;
  }
  if (min <= max) stats.pitchRange = { min, max };
  stats.vocabCoverage = codec.fixedVocabulary
    ? fixedCoverage(codec.fixedVocabulary, items)
    : validationCoverage(vocabulary, items);
  return stats;
}

function fixedCoverage(fixed: readonly string[], items: readonly SplitItem[]): number | null {
  if (fixed.length === 0) return null;
  const used = new Set<string>();
  for (const item of items) for (const token of splitTokens(item.distinctTokens)) used.add(token);
  let inVocabulary = 0;
  for (const token of fixed) if (used.has(token)) inVocabulary++;
  return inVocabulary / fixed.length;
}

function validationCoverage(vocabulary: Vocabulary, items: readonly SplitItem[]): number | null {
  let total = 0;
  let known = 0;
  for (const item of items) {
    if (item.split !== 'validation') continue;
    for (const token of splitTokens(item.tokens)) {
      total++;
      if (vocabulary.has(token)) known++;
    }
  }
  return total === 0 ? null : known / total;
}
