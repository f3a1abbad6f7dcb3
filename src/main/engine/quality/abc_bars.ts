/**
 * Bar lengths of an ABC tune, read from abcjs's parse tree (abc2midi's own bar warnings stop
 * after the first `||` and never look at the first bar, so they miss most errors).
 *
 * A bar is "inner" unless it may rightly be short: the first bar (a pickup), the last one, a
 * bar that ends a section or a repeat (it completes the pickup), the first bar of a section, of
 * a repeat or of an ending (a pickup), and bars around a meter change. An inner bar is wrong when its notes do not fill
 * the meter exactly; an empty bar (`| |`) is wrong wherever it is.
 */
import { parseTuneTree } from '../music/abc/parse.ts';
import type { AbcElement, AbcMeter } from '../music/abc/tree.ts';

/** What the bar check found. */
export interface BarCheck {
  /** Bars that had to fill the meter. */
  inner: number;
  /** Of those (plus empty bars anywhere), the ones that did not. */
  wrong: number;
}

/** Bar line types that close a section: the bar before may be short. */
const SECTION_ENDS = new Set([
  'bar_thin_thin',
  'bar_thin_thick',
  'bar_thick_thin',
  'bar_right_repeat',
  'bar_dbl_repeat',
]);
/** Bar line types after which a section starts: the bar after may be a pickup. */
const SECTION_STARTS = new Set([
  'bar_left_repeat',
  'bar_right_repeat',
  'bar_dbl_repeat',
  'bar_thin_thin',
  'bar_thick_thin',
  'bar_thin_thick',
]);

/** Bar length in whole notes of a meter element, or null for free meter. */
function meterLength(meter: AbcMeter | undefined): number | null {
  if (!meter) return null;
  if (meter.type === 'common_time' || meter.type === 'cut_time') return 1;
  const value = meter.value?.[0];
  if (meter.type !== 'specified' || !value) return null;
  const num = value.num.split('+').reduce((sum, n) => sum + Number(n), 0);
  const den = Number(value.den ?? 4);
  return num > 0 && den > 0 ? num / den : null;
}

interface Bar {
  length: number;
  notes: number;
  meter: number | null;
  mayBeShort: boolean;
}

/** Checks one tune's text; null when abcjs cannot read it or it has no meter. */
export function checkAbcBars(abcText: string): BarCheck | null {
  let tree;
  try {
    tree = parseTuneTree(abcText);
  } catch {
    return null;
  }
  if (!tree) return null;
  const firstStaff = tree.lines.find((line) => line.staff?.[0])?.staff?.[0];
  let meter = meterLength(firstStaff?.meter);
  // A line may end and the next begin with a bar line (`...|` then `|...`): one bar line, not an empty bar.
  const elements: AbcElement[] = [];
  for (const line of tree.lines) {
    const voice = line.staff?.[0]?.voices?.[0] ?? [];
    voice.forEach((e, i) => {
      const previous = elements[elements.length - 1];
      if (i === 0 && e.el_type === 'bar' && previous?.el_type === 'bar') return;
      elements.push(e);
    });
  }
  const bars: Bar[] = [];
  let current: Bar = { length: 0, notes: 0, meter, mayBeShort: true };
  let tupletFactor = 1;
  let tupletLeft = 0;
  for (const e of elements) {
    if (e.el_type === 'meter') {
      meter = meterLength(e as AbcMeter);
      current.mayBeShort = true;
      current.meter = meter;
    } else if (e.el_type === 'note') {
      if (e.startTriplet) {
        tupletFactor = e.tripletMultiplier ?? 1;
        tupletLeft = e.tripletR ?? e.startTriplet;
      }
      let duration = e.duration ?? 0;
      if (tupletLeft > 0) {
        duration *= tupletFactor;
        tupletLeft--;
        if (e.endTriplet) tupletLeft = 0;
      }
      current.length += duration;
      current.notes++;
    } else if (e.el_type === 'bar') {
      const type = e.type ?? 'bar_thin';
      if (SECTION_ENDS.has(type)) current.mayBeShort = true;
      bars.push(current);
      current = {
        length: 0,
        notes: 0,
        meter,
        mayBeShort: SECTION_STARTS.has(type) || e.startEnding !== undefined,
      };
    }
  }
  if (current.notes > 0) bars.push({ ...current, mayBeShort: true });
  if (meter === null && bars.every((b) => b.meter === null)) return null;
  let inner = 0;
  let wrong = 0;
  bars.forEach((bar, i) => {
    const empty = bar.notes === 0 && i > 0;
    const isInner = i > 0 && i < bars.length - 1 && !bar.mayBeShort && bar.meter !== null;
    if (isInner) inner++;
    if (empty || (isInner && Math.abs(bar.length - (bar.meter as number)) > 1e-6)) wrong++;
  });
  return { inner, wrong };
}
