/**
 * Hornpipe swing as abc2midi (abcMIDI 4.84) plays it, found by running it on small test tunes:
 *
 * - a tune is a hornpipe when a header R: line starts with "Hornpipe" or "hornpipe" (not
 *   "HORNPIPE", not "set hornpipe"), and only when its M: is 2/4, 4/4 or C (none counts as 4/4);
 * - a single note is swung with the single note just before it (no rest, chord or bar-start
 *   between them; grace notes do not count) when both are written with the same length, the
 *   second is written without a numerator (`C`, `C/`, not `C2/2`), is not in a tuplet, lasts 1/8
 *   (M numerator 4) or 1/16 (numerator 2), and starts an odd number of such notes after the last
 *   bar line (written lengths);
 * - a swung pair is played 2:1 (4/3 and 2/3 of the written length); this replaces a `>`, `<`
 *   or `>>` written between them. abc2midi's `-CS` flag does not change it;
 * - in a hornpipe every written broken rhythm is 2:1 (`>>` 7:1, `>>>` 15:1), and none applies
 *   (swing or written) when the two notes' current lengths differ, e.g. `C2>D`, or `CD>E`
 *   where D is already the short note of a swung pair.
 */
import type { AbcElement } from './tree.ts';

/**
 * True when a header R: line of the tune text makes abc2midi swing it. (abc2midi also starts
 * swinging at an R:hornpipe line in the body; that is not followed here.)
 */
export function isHornpipeTune(text: string): boolean {
  const header = text.split(/^K:/m)[0] ?? '';
  return /^R:[ \t]*[Hh]ornpipe/m.test(header);
}

/** True when abc2midi accepts the header meter for a hornpipe (numerator/denominator; null = no M:). */
export function hornpipeMeter(meter: { numerator: number; denominator: number } | null): boolean {
  if (!meter) return true;
  return meter.denominator === 4 && (meter.numerator === 2 || meter.numerator === 4);
}

/** What the written text of one note says about its length and any broken rhythm after it. */
interface NoteText {
  /** The written length's numerator: 1 for `C` and `C/`, 2 for `C2` and `C2/2`. */
  numerator: number;
  /** `>`, `>>`, `<`... written after the note, or ''. */
  broken: string;
  /** A bracketed chord `[CE]` (abc2midi never swings these, even with one note). */
  chord: boolean;
}

/** Reads a note's source text as abcjs slices it (decorations before, ties and broken rhythm after). */
export function readNoteText(source: string): NoteText {
  let s = source.replace(/\s+$/, '');
  const broken = /(<+|>+)$/.exec(s)?.[1] ?? '';
  s = s.slice(0, s.length - broken.length).replace(/[\s)-]+$/, '');
  const length = /(\d*)\/*\d*$/.exec(s);
  const numerator = length?.[1] ? Number(length[1]) : 1;
  const before = s.slice(0, s.length - (length?.[0].length ?? 0));
  return { numerator, broken, chord: before.endsWith(']') };
}

/** Long/short factors of a broken rhythm with `n` marks: abcjs's (3:1) and abc2midi's hornpipe (2:1). */
function brokenFactors(marks: number, hornpipe: boolean): [number, number] {
  if (marks >= 3) return [1.875, 0.125];
  if (marks === 2) return [1.75, 0.25];
  return hornpipe ? [4 / 3, 2 / 3] : [1.5, 0.5];
}

/** abcjs's factor on a note's length from the broken rhythm written before (`prev`) and after (`own`) it. */
function abcjsFactor(prev: string, own: string): number {
  let f = 1;
  if (prev) f *= brokenFactors(prev.length, false)[prev[0] === '>' ? 1 : 0];
  if (own) f *= brokenFactors(own.length, false)[own[0] === '>' ? 0 : 1];
  return f;
}

const EPS = 1e-9;

/** True when `pos` (whole notes) is an odd multiple of `unit`. */
function oddMultiple(pos: number, unit: number): boolean {
  const k = pos / unit;
  const r = Math.round(k);
  return Math.abs(k - r) < 1e-6 && Math.abs(r % 2) === 1;
}

/** A note already seen, as the swing rule needs it. */
interface Seen {
  element: AbcElement;
  /** Written length in whole notes, tuplet included (abc2midi's num/denom). */
  value: number;
  /** A single note (not a rest or chord): only these pair up for swing. */
  single: boolean;
}

/**
 * The durations (whole notes, before any tuplet factor, like abcjs's `duration`) abc2midi gives
 * the notes of one voice of a hornpipe, for the notes where they differ from abcjs's.
 * `elements` are the voice's elements in written order, `text` the tune text abcjs parsed
 * (its startChar/endChar index it), `meterNumerator` the M: numerator at the start.
 */
export function hornpipeDurations(
  elements: readonly AbcElement[],
  text: string,
  meterNumerator: number,
): Map<AbcElement, number> {
  const played = new Map<AbcElement, number>();
  let numerator = meterNumerator;
  let pos = 0;
  let prev: Seen | null = null;
  /** Broken rhythm written after the previous note, waiting for the next one. */
  let pendingBroken = '';
  let tupletLeft = 0;
  let tupletFactor = 1;
  for (const e of elements) {
    if (e.el_type === 'bar') {
      pos = 0;
      continue;
    }
    if (e.el_type === 'meter') {
      const n = Number(e.value?.[0]?.num);
      if (Number.isFinite(n)) numerator = n;
      continue;
    }
    if (e.el_type !== 'note' || e.startChar === undefined || e.endChar === undefined) continue;
    const note = readNoteText(text.slice(e.startChar, e.endChar));
    const inTuplet = tupletLeft > 0 || e.startTriplet !== undefined;
    if (e.startTriplet) {
      tupletFactor = e.tripletMultiplier ?? 1;
      tupletLeft = e.tripletR ?? e.startTriplet;
    }
    const factor = tupletLeft > 0 ? tupletFactor : 1;
    if (tupletLeft > 0) {
      tupletLeft--;
      if (e.endTriplet) tupletLeft = 0;
    }
    const written = (e.duration ?? 0) / abcjsFactor(pendingBroken, note.broken);
    const value = written * factor;
    if (!(written > 0)) {
      prev = null;
      pendingBroken = note.broken;
      continue;
    }
    played.set(e, written);
    const single = !e.rest && (e.pitches?.length ?? 0) === 1 && !note.chord;
    const swingUnit = numerator / 32;
    const swings =
      single &&
      !inTuplet &&
      prev !== null &&
      prev.single &&
      note.numerator === 1 &&
      Math.abs(prev.value - value) < EPS &&
      Math.abs(value - swingUnit) < EPS &&
      (numerator === 4 || numerator === 2) &&
      oddMultiple(pos, swingUnit);
    const broken = swings ? '>' : pendingBroken;
    if (broken && prev) {
      const first = played.get(prev.element) ?? 0;
      if (Math.abs(first - written) < EPS) {
        const [long, short] = brokenFactors(broken.length, true);
        const [a, b] = broken[0] === '>' ? [long, short] : [short, long];
        played.set(prev.element, first * a);
        played.set(e, written * b);
      }
    }
    pos += value;
    prev = { element: e, value, single };
    pendingBroken = note.broken;
  }
  for (const [e, d] of played) if (Math.abs(d - (e.duration ?? 0)) < EPS) played.delete(e);
  return played;
}
