/** The quality report as a plain-text table: the pieces assessed beside the held-out baseline. */
import type { QualityEvaluation } from '../../main/engine/quality/evaluate_quality.ts';
import type { QualitySummary } from '../../main/engine/quality/report.ts';
import { table } from '../format.ts';

const percent = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)} %`);

/** Rows of figures of one summary, in the order of `ROW_LABELS`. */
function column(summary: QualitySummary): string[] {
  const run = summary.longestRun;
  return [
    String(summary.pieces),
    percent(summary.validShare),
    summary.abc2midiClean === null ? '-' : `${summary.abc2midiClean} / ${summary.abc2midiChecked}`,
    percent(summary.badInnerBarShare),
    String(summary.hanging),
    percent(summary.ngramFoundShare),
    run === null
      ? '-'
      : run.notes === 0
        ? 'under 8 notes'
        : `${run.notes} notes (${run.piece} <- ${run.from ?? '?'})`,
    summary.medianLongestRun === null ? '-' : `${summary.medianLongestRun} notes`,
    percent(summary.inKeyShare),
    summary.range === null ? '-' : `${summary.range.low}-${summary.range.high}`,
  ];
}

const ROW_LABELS = [
  'Pieces',
  'Valid',
  'abc2midi without error',
  'Inner bars of wrong length',
  'Pieces with a hanging note',
  '8-note n-grams found in training set',
  'Longest run copied from one piece',
  'Median longest run',
  'Note time in key',
  'Pitch range',
];

/** The table printed by `continuo eval --quality`. */
export function qualityTable(evaluation: QualityEvaluation): string {
  const mine = column(evaluation.report.summary);
  const base = evaluation.baseline ? column(evaluation.baseline.summary) : null;
  const header = [
    '',
    evaluation.source === 'generated' ? 'Generated' : 'Files',
    ...(base ? [`Held-out ${evaluation.baseline?.split} (real)`] : []),
  ];
  const rows = ROW_LABELS.map((label, i) => [label, mine[i], ...(base ? [base[i]] : [])]);
  const notes: string[] = [];
  if (evaluation.index)
    notes.push(
      `Novelty against ${evaluation.index.pieces} training piece(s), ${evaluation.index.ngrams} n-grams (${evaluation.index.from === 'model' ? "the model's index" : 'the given training set'}).`,
    );
  else
    notes.push('No training set: novelty not measured (give --train, or a model trained with this version).');
  if (!evaluation.baseline) notes.push('No held-out split: no baseline.');
  if (
    evaluation.report.summary.abc2midiClean === null &&
    evaluation.report.pieces.some((p) => p.abc2midi === null)
  )
    notes.push('abc2midi did not check these pieces (not ABC, or abc2midi is not installed).');
  return `${table([header, ...rows])}\n\n${notes.join('\n')}`;
}
