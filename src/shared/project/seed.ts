/**
 * The seed of "Continue from here": the music just before the playhead, by default the last
 * 8 bars but never more than 15 s, so a long piece does not become a 968 s seed.
 */
import type { NoteSequence } from '../music/note_sequence.ts';
import { projectToSequence } from './convert.ts';
import { barAtTick, barStartTick, secondsToTicks, ticksToSeconds } from './time.ts';
import type { Project, Ticks, TrackId } from './types.ts';

/** Longest seed a bar count may give, in seconds. */
export const MAX_SEED_SECONDS = 15;

/** A range of ticks: start included, end excluded. */
export interface TickRange {
  startTick: Ticks;
  endTick: Ticks;
}

/**
 * The seed range ending at the playhead: the last `seedBars` bars (the bar the playhead is in
 * counts as one), cut to at most `maxSeconds`; `seedBars` 0 = everything from the start.
 */
export function seedRange(
  project: Pick<Project, 'tempos' | 'timeSignatures'>,
  playheadTick: Ticks,
  seedBars = 8,
  maxSeconds = MAX_SEED_SECONDS,
): TickRange {
  const endTick = Math.max(0, Math.round(playheadTick));
  if (seedBars <= 0) return { startTick: 0, endTick };
  const here = barAtTick(project.timeSignatures, endTick);
  const atBarStart = barStartTick(project.timeSignatures, here.bar) === endTick;
  const firstBar = Math.max(1, (atBarStart ? here.bar : here.bar + 1) - Math.round(seedBars));
  let startTick = Math.min(barStartTick(project.timeSignatures, firstBar), endTick);
  const endSeconds = ticksToSeconds(project.tempos, endTick);
  if (endSeconds - ticksToSeconds(project.tempos, startTick) > maxSeconds) {
    startTick = Math.ceil(secondsToTicks(project.tempos, endSeconds - maxSeconds) - 1e-6);
  }
  return { startTick, endTick };
}

/**
 * Exactly the notes that start inside the range (of the given tracks, else the audible ones),
 * cut at its end, with times shifted so the range starts at 0 s.
 */
export function seedSequence(
  project: Project,
  range: TickRange,
  trackIds?: readonly TrackId[],
): NoteSequence {
  const sequence = projectToSequence(project, {
    ...(trackIds ? { trackIds } : {}),
    fromTick: range.startTick,
    toTick: range.endTick,
    originTick: range.startTick,
  });
  const end = ticksToSeconds(project.tempos, range.endTick) - ticksToSeconds(project.tempos, range.startTick);
  for (const note of sequence.notes) note.endTime = Math.min(note.endTime, end);
  sequence.tempos = sequence.tempos.filter((t) => t.time < end || t.time === 0);
  sequence.timeSignatures = sequence.timeSignatures.filter((t) => t.time < end || t.time === 0);
  let total = 0;
  for (const note of sequence.notes) total = Math.max(total, note.endTime);
  sequence.totalTime = Math.max(total, Math.max(0, end));
  sequence.source = { kind: 'edited', title: `${project.name} (seed)` };
  return sequence;
}
