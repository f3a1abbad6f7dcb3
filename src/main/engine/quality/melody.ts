/**
 * The line of a piece that novelty is judged on: at each onset its highest note (the "skyline",
 * the tune of a folk melody, the top voice of piano music), as pitch interval + duration, so a
 * copied phrase is found in any key and at any tempo marking.
 */
import type { NoteSequence } from '../../../shared/music/note_sequence.ts';
import { TempoMap } from '../../../shared/music/sequences.ts';

/** Onsets and durations are compared on a grid of this many steps per quarter (sixteenth triplets too). */
export const LINE_STEPS_PER_QUARTER = 12;
/** Longest duration told apart, in grid steps (two whole notes); longer ones count as this. */
const MAX_DURATION_STEPS = 8 * LINE_STEPS_PER_QUARTER;

/** One note of the line. */
export interface LineNote {
  pitch: number;
  /** Onset in grid steps. */
  onset: number;
  /** Duration in grid steps (at least 1, at most two whole notes). */
  duration: number;
}

/** The skyline of a sequence: one note per onset, the highest, in time order. Drums are skipped. */
export function melodyLine(sequence: NoteSequence): LineNote[] {
  const tempo = new TempoMap(sequence.tempos);
  const toStep = (seconds: number): number =>
    Math.round(tempo.secondsToQuarters(seconds) * LINE_STEPS_PER_QUARTER + 1e-6);
  const top = new Map<number, LineNote>();
  for (const note of sequence.notes) {
    if (note.isDrum) continue;
    const onset = toStep(note.startTime);
    const duration = Math.min(MAX_DURATION_STEPS, Math.max(1, toStep(note.endTime) - onset));
    const current = top.get(onset);
    if (!current || note.pitch > current.pitch) top.set(onset, { pitch: note.pitch, onset, duration });
  }
  return [...top.values()].sort((a, b) => a.onset - b.onset);
}
