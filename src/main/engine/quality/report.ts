/**
 * The quality and novelty report of a set of pieces (generated takes, or any ABC/MIDI files):
 *
 * - validity: ABC has its inner bars of the right length and no empty bar (abc_bars.ts), and
 *   converts with abc2midi without an error or a tie left hanging (where abc2midi is installed);
 *   token streams end with no note left open (the codec's grammar says the piece may end there);
 * - novelty against a training set's n-gram index: the share of 8-note n-grams (pitch interval
 *   + duration of the melody line) found in it, and the longest run copied from one training
 *   piece, in notes, naming that piece;
 * - the share of note time in the key, and the pitch range.
 */
import type { Codec, Token } from '../codecs/codec.ts';
import { Vocabulary } from '../codecs/vocabulary.ts';
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import { checkWithAbc2midi } from './abc2midi_check.ts';
import { checkAbcBars, type BarCheck } from './abc_bars.ts';
import { melodyLine } from './melody.ts';
import type { NoveltyIndex } from './novelty_index.ts';
import { keyFit, pitchRange } from './tonal.ts';

/** One piece to assess. */
export interface QualityPiece {
  name: string;
  sequence: NoteSequence;
  /** ABC text of the tune (checked with abc2midi). */
  abc?: string;
  /** The piece's tokens and codec, when it came from (or was encoded by) one. */
  tokens?: { codec: Codec; vocabulary?: Vocabulary; tokens: readonly Token[] };
}

/** The figures of one piece. */
export interface PieceQuality {
  name: string;
  notes: number;
  /** Passed every check that could run. */
  valid: boolean;
  /** abc2midi's verdict; null when the piece is not ABC or abc2midi is not installed. */
  abc2midi: {
    errors: number;
    firstError: string | null;
    badInnerBars: number;
    bars: number;
    hangingTies: number;
  } | null;
  /** ABC bar lengths (inner bars, and those that do not fill the meter); null when not ABC. */
  bars: BarCheck | null;
  /** True when the token stream ends with a note left open; null when not judged. */
  openAtEnd: boolean | null;
  /** Null without a training index. */
  novelty: { ngrams: number; foundShare: number; longestRun: number; longestRunPiece: string | null } | null;
  key: string;
  inKeyShare: number;
  range: { low: number; high: number } | null;
}

/** Figures over all pieces. */
export interface QualitySummary {
  pieces: number;
  /** Share of pieces that passed every check. */
  validShare: number;
  /** Pieces abc2midi converted without an error (null when it checked none). */
  abc2midiClean: number | null;
  abc2midiChecked: number;
  /** ABC: inner bars of the wrong length (and empty bars) over all inner bars (null when no ABC). */
  badInnerBarShare: number | null;
  /** Pieces that end with a note left open or a tie left hanging. */
  hanging: number;
  /** Of all n-grams of all pieces, the share found in the training set (null without an index). */
  ngramFoundShare: number | null;
  /** The longest copied run of any piece, which piece wrote it and where it came from. */
  longestRun: { notes: number; piece: string; from: string | null } | null;
  medianLongestRun: number | null;
  /** Mean in-key share of the pieces. */
  inKeyShare: number;
  /** Lowest and highest pitch over all pieces. */
  range: { low: number; high: number } | null;
}

/** A report: the summary and every piece. */
export interface QualityReport {
  summary: QualitySummary;
  pieces: PieceQuality[];
}

/** True / false when the codec's grammar can follow the tokens; null when it has none or rejects them. */
function openAtEnd(tokens: QualityPiece['tokens']): boolean | null {
  if (!tokens?.codec.grammar) return null;
  const vocabulary =
    tokens.vocabulary ??
    (tokens.codec.fixedVocabulary
      ? Vocabulary.forCodec(tokens.codec)
      : Vocabulary.forCodec(tokens.codec, [tokens.tokens]));
  const ids: number[] = [];
  for (const token of tokens.tokens) {
    const id = vocabulary.idOf(token);
    if (id === undefined) return null;
    ids.push(id);
  }
  try {
    return !tokens.codec.grammar(vocabulary).start(ids, {}).canEnd();
  } catch {
    return null;
  }
}

/** The figures of one piece; `index` gives novelty (null: no training set). */
export function assessPiece(piece: QualityPiece, index: NoveltyIndex | null): PieceQuality {
  const verdict = piece.abc !== undefined ? checkWithAbc2midi(piece.abc) : null;
  const bars = piece.abc !== undefined ? checkAbcBars(piece.abc) : null;
  const open = openAtEnd(piece.tokens);
  const notes = piece.sequence.notes.filter((n) => !n.isDrum).length;
  const novelty = index ? index.novelty(melodyLine(piece.sequence)) : null;
  const fit = keyFit(piece.sequence);
  const valid =
    notes > 0 &&
    open !== true &&
    (bars === null || bars.wrong === 0) &&
    (verdict === null || (verdict.errors.length === 0 && verdict.hangingTies === 0));
  return {
    name: piece.name,
    notes,
    valid,
    abc2midi: verdict && {
      errors: verdict.errors.length,
      firstError: verdict.errors[0] ?? null,
      badInnerBars: verdict.badInnerBars,
      bars: verdict.bars,
      hangingTies: verdict.hangingTies,
    },
    bars,
    openAtEnd: open,
    novelty: novelty && {
      ngrams: novelty.ngrams,
      foundShare: novelty.ngrams > 0 ? novelty.found / novelty.ngrams : 0,
      longestRun: novelty.longestRun.notes,
      longestRunPiece: novelty.longestRun.piece,
    },
    key: fit.key,
    inKeyShare: fit.inKeyShare,
    range: pitchRange(piece.sequence),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The summary of assessed pieces. */
export function summarize(pieces: readonly PieceQuality[]): QualitySummary {
  const checked = pieces.filter((p) => p.abc2midi !== null);
  const barChecked = pieces.filter((p) => p.bars !== null);
  const innerBars = barChecked.reduce((n, p) => n + (p.bars?.inner ?? 0), 0);
  const badBars = barChecked.reduce((n, p) => n + (p.bars?.wrong ?? 0), 0);
  const withNovelty = pieces.filter((p) => p.novelty !== null);
  const ngrams = withNovelty.reduce((n, p) => n + (p.novelty?.ngrams ?? 0), 0);
  const found = withNovelty.reduce((n, p) => n + (p.novelty?.foundShare ?? 0) * (p.novelty?.ngrams ?? 0), 0);
  let longest: QualitySummary['longestRun'] = null;
  for (const p of withNovelty) {
    if (p.novelty && (!longest || p.novelty.longestRun > longest.notes))
      longest = { notes: p.novelty.longestRun, piece: p.name, from: p.novelty.longestRunPiece };
  }
  const ranges = pieces.flatMap((p) => (p.range ? [p.range] : []));
  return {
    pieces: pieces.length,
    validShare: pieces.length ? pieces.filter((p) => p.valid).length / pieces.length : 0,
    abc2midiClean: checked.length ? checked.filter((p) => p.abc2midi?.errors === 0).length : null,
    abc2midiChecked: checked.length,
    badInnerBarShare: barChecked.length ? (innerBars > 0 ? badBars / innerBars : badBars > 0 ? 1 : 0) : null,
    hanging: pieces.filter((p) => p.openAtEnd === true || (p.abc2midi?.hangingTies ?? 0) > 0).length,
    ngramFoundShare: withNovelty.length ? (ngrams > 0 ? found / ngrams : 0) : null,
    longestRun: longest,
    medianLongestRun: withNovelty.length ? median(withNovelty.map((p) => p.novelty?.longestRun ?? 0)) : null,
    inKeyShare: pieces.length ? pieces.reduce((s, p) => s + p.inKeyShare, 0) / pieces.length : 0,
    range: ranges.length
      ? { low: Math.min(...ranges.map((r) => r.low)), high: Math.max(...ranges.map((r) => r.high)) }
      : null,
  };
}

/** Assesses every piece and summarizes them. */
export function qualityReport(pieces: readonly QualityPiece[], index: NoveltyIndex | null): QualityReport {
  const assessed = pieces.map((piece) => assessPiece(piece, index));
  return { summary: summarize(assessed), pieces: assessed };
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** One short line for a take in the studio: "valid · 96% in key · longest copy 12 notes (The Kesh)". */
export function qualityLine(piece: PieceQuality): string {
  const parts: string[] = [];
  if (piece.valid) parts.push('valid');
  else if (piece.abc2midi && piece.abc2midi.errors > 0)
    parts.push(`${piece.abc2midi.errors} abc2midi error(s)`);
  else if (piece.bars && piece.bars.wrong > 0) parts.push(`${piece.bars.wrong} bar(s) of the wrong length`);
  else if (piece.openAtEnd || (piece.abc2midi?.hangingTies ?? 0) > 0) parts.push('a note left hanging');
  else parts.push('no notes');
  parts.push(`${percent(piece.inKeyShare)} in key`);
  if (piece.novelty) {
    const run = piece.novelty.longestRun;
    parts.push(
      run === 0
        ? 'no 8 notes copied'
        : `longest copy ${run} notes${piece.novelty.longestRunPiece ? ` (${piece.novelty.longestRunPiece})` : ''}`,
    );
  }
  return parts.join(' · ');
}
