import type { MidiNote, ProjectNote, Ticks } from '../../../../shared/project/types.ts';

/**
 * Fast range queries over one track's notes, so a frame touches only the notes it draws. Notes
 * are kept sorted by start; a note that starts before the window can still reach into it, so a
 * query starts `longest` ticks earlier. Built once per notes array (edits make new arrays).
 */
export interface NoteIndex {
  /** Sorted by start. */
  notes: readonly ProjectNote[];
  /** Duration of the longest note. */
  longest: Ticks;
}

const cache = new WeakMap<readonly ProjectNote[], NoteIndex>();

function isSortedByStart(notes: readonly ProjectNote[]): boolean {
  for (let i = 1; i < notes.length; i++) if (notes[i].start < notes[i - 1].start) return false;
  return true;
}

/** The index of a notes array (cached per array). */
export function noteIndex(notes: readonly ProjectNote[]): NoteIndex {
  let index = cache.get(notes);
  if (!index) {
    const sorted = isSortedByStart(notes) ? notes : [...notes].sort((a, b) => a.start - b.start);
    let longest = 0;
    for (const note of sorted) if (note.duration > longest) longest = note.duration;
    index = { notes: sorted, longest };
    cache.set(notes, index);
  }
  return index;
}

/** First position whose note starts at or after `tick`. */
function lowerBound(notes: readonly ProjectNote[], tick: Ticks): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (notes[mid].start < tick) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `visit` for each note that overlaps ticks [from, to) and pitches low..high (inclusive),
 * in start order. Returning `false` from `visit` stops the walk.
 */
export function forEachNoteIn(
  index: NoteIndex,
  from: Ticks,
  to: Ticks,
  low: MidiNote,
  high: MidiNote,
  visit: (note: ProjectNote) => unknown,
): void {
  const { notes } = index;
  for (let i = lowerBound(notes, from - index.longest); i < notes.length; i++) {
    const note = notes[i];
    if (note.start >= to) break;
    if (note.start + note.duration <= from || note.pitch < low || note.pitch > high) continue;
    if (visit(note) === false) return;
  }
}

/** The notes that overlap a window, as an array. */
export function notesIn(
  index: NoteIndex,
  from: Ticks,
  to: Ticks,
  low: MidiNote,
  high: MidiNote,
): ProjectNote[] {
  const found: ProjectNote[] = [];
  forEachNoteIn(index, from, to, low, high, (note) => void found.push(note));
  return found;
}

/** Where some notes lie: first start, last end, lowest and highest pitch. */
export interface NoteExtent {
  start: Ticks;
  end: Ticks;
  low: MidiNote;
  high: MidiNote;
}

/** Extent of one or more lists of notes (undefined if all are empty); one plain pass. */
export function noteExtent(...lists: readonly (readonly ProjectNote[])[]): NoteExtent | undefined {
  let start = Infinity;
  let end = -Infinity;
  let low = 128;
  let high = -1;
  for (const notes of lists) {
    for (let i = 0; i < notes.length; i++) {
      const note = notes[i];
      if (note.start < start) start = note.start;
      const noteEnd = note.start + note.duration;
      if (noteEnd > end) end = noteEnd;
      if (note.pitch < low) low = note.pitch;
      if (note.pitch > high) high = note.pitch;
    }
  }
  return high < 0 ? undefined : { start, end, low, high };
}
