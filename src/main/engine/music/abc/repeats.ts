/**
 * Playing order of a voice: repeats (|: :| ::), first/second endings (|1 |2 [1 [2 :|2)
 * and the tune's part order (P: in the header naming parts marked P: in the body).
 *
 * Rules (ABC 2.1, and abc2midi where 2.1 is silent):
 * - `:|` jumps back once to the last `|:`, or to the last section start: the previous `:|`,
 *   a double bar (`||`, `|]`, `[|`) or the start of the tune (part). (abc2midi counts a double
 *   bar only after some `:|`, and otherwise goes back to the start.)
 * - on the repeat, an ending whose numbers do not include the pass is skipped up to the next
 *   ending that does, or to the `:|`/double bar that closes it;
 * - the bar line closing the last ending (`|2 ... |`) starts a new section, so a later `:|`
 *   repeats the music after it (abc2midi instead goes back to the last `|:`).
 */
import type { AbcElement } from './tree.ts';

const RIGHT = new Set(['bar_right_repeat', 'bar_dbl_repeat']);
const LEFT = new Set(['bar_left_repeat', 'bar_dbl_repeat']);
const DOUBLE = new Set(['bar_thin_thin', 'bar_thick_thin', 'bar_thin_thick']);

/** The pass numbers an ending label like "1", "2", "1,3" or "1-3" covers. */
export function endingPasses(label: string): Set<number> {
  const passes = new Set<number>();
  for (const part of label.split(/[,\s]+/)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      for (let n = Number(range[1]); n <= Number(range[2]) && n < 100; n++) passes.add(n);
    } else if (/^\d+$/.test(part)) passes.add(Number(part));
  }
  return passes;
}

/** Indices of `elements` in playing order, with repeats and endings expanded. */
export function repeatOrder(elements: AbcElement[]): number[] {
  const order: number[] = [];
  const limit = elements.length * 8 + 16;
  let sectionStart = 0;
  let pass = 1;
  /** After a repeated section ends with `:|`, the pass its endings (`:|2`) belong to. */
  let endingPass = 0;
  let skipping = false;
  /** Playing a repeat's last ending (|2 on the second pass). */
  let lastEnding = false;
  let i = 0;
  const selected = (): number => endingPass || pass;
  while (i < elements.length && order.length < limit) {
    const e = elements[i];
    if (e.el_type !== 'bar') {
      if (!skipping) order.push(i);
      // Music after a closed repeat starts a new section: its endings count from pass 1.
      if (!skipping && e.el_type === 'note') endingPass = 0;
      i++;
      continue;
    }
    const type = e.type ?? '';
    if (skipping) {
      if (e.startEnding !== undefined) {
        skipping = !endingPasses(e.startEnding).has(selected());
        lastEnding = !skipping && selected() >= 2;
      } else if (RIGHT.has(type) || DOUBLE.has(type) || e.endEnding) {
        skipping = false;
        if (LEFT.has(type) || DOUBLE.has(type)) {
          sectionStart = i + 1;
          pass = 1;
          endingPass = 0;
        }
      }
      if (!skipping) order.push(i);
      i++;
      continue;
    }
    order.push(i);
    if (lastEnding && e.startEnding === undefined) {
      // The bar that closes the last ending of a repeat starts a new section.
      lastEnding = false;
      if (!RIGHT.has(type)) {
        sectionStart = i + 1;
        pass = 1;
        endingPass = 0;
      }
    }
    if (RIGHT.has(type)) {
      if (pass === 1) {
        pass = 2;
        endingPass = 0;
        i = sectionStart;
        continue;
      }
      pass = 1;
      endingPass = LEFT.has(type) ? 0 : 2;
      sectionStart = i + 1;
    } else if (LEFT.has(type)) {
      sectionStart = i + 1;
      pass = 1;
      endingPass = 0;
    } else if (DOUBLE.has(type)) {
      sectionStart = i + 1;
      pass = 1;
      endingPass = 0;
    }
    if (e.startEnding !== undefined) {
      if (!endingPasses(e.startEnding).has(selected())) skipping = true;
      else lastEnding = selected() >= 2;
    }
    i++;
  }
  return order;
}

/**
 * Expands a part order such as "AABABA", "A2B", "(AB)2C" or "A.B.A" into part names.
 * Returns [] when the text names no parts.
 */
export function expandPartOrder(text: string): string[] {
  let pos = 0;
  const parseSeq = (): string[] => {
    const out: string[] = [];
    while (pos < text.length) {
      const c = text[pos];
      let item: string[];
      if (c === '(') {
        pos++;
        item = parseSeq();
        if (text[pos] === ')') pos++;
      } else if (c === ')') {
        return out;
      } else if (/[A-Za-z]/.test(c)) {
        item = [c];
        pos++;
      } else {
        pos++;
        continue;
      }
      const digits = /^\d+/.exec(text.slice(pos));
      const times = digits ? Math.min(Number(digits[0]), 16) : 1;
      if (digits) pos += digits[0].length;
      for (let t = 0; t < times; t++) out.push(...item);
    }
    return out;
  };
  return parseSeq().slice(0, 256);
}

/**
 * Indices of `elements` in playing order: parts in `partOrder` (when the header gives one and
 * the body marks parts), each part with its repeats expanded; else the whole voice's repeats.
 */
export function playOrder(elements: AbcElement[], partOrder: string | undefined): number[] {
  const names = partOrder ? expandPartOrder(partOrder) : [];
  const parts = new Map<string, number[]>();
  /** What comes before the first part (a pickup, say) plays once, first. */
  const intro: number[] = [];
  let current: number[] = intro;
  elements.forEach((e, i) => {
    // A part is named by a capital letter; as abc2midi, "P:D.S." marks part D and "P:segno" no part.
    if (e.el_type === 'part' && e.title && /^[A-Z]/.test(e.title.trim())) {
      const name = e.title.trim().charAt(0);
      current = parts.get(name) ?? [];
      parts.set(name, current);
    } else current.push(i);
  });
  if (names.length === 0 || parts.size === 0 || !names.every((n) => parts.has(n))) {
    return repeatOrder(elements);
  }
  const order: number[] = [];
  for (const indices of [intro, ...names.map((name) => parts.get(name) ?? [])]) {
    const sub = indices.map((i) => elements[i]);
    for (const j of repeatOrder(sub)) order.push(indices[j]);
  }
  return order;
}
