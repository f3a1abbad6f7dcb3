/**
 * What the player sounds in a stretch of the project: note-on and note-off events of the
 * audible tracks (solo wins, muted skipped) and metronome clicks, in ticks. Pure, so the
 * live scheduler and the offline render share it.
 */
import { audibleTracks } from '../../../../shared/project/convert.ts';
import { gridLines } from '../../../../shared/project/time.ts';
import type { Project, ProjectNote, Ticks } from '../../../../shared/project/types.ts';

/** A note starting inside a stretch, with its end (ticks). */
export interface ScheduledNote {
  pitch: number;
  velocity: number;
  start: Ticks;
  end: Ticks;
}

/** First index in notes sorted by start whose start is at or after `tick`. */
function firstAtOrAfter(notes: readonly ProjectNote[], tick: Ticks): number {
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notes[mid].start < tick) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The audible notes starting in [fromTick, toTick), sorted by start. */
export function notesStartingIn(project: Project, fromTick: Ticks, toTick: Ticks): ScheduledNote[] {
  const out: ScheduledNote[] = [];
  for (const track of audibleTracks(project)) {
    for (let i = firstAtOrAfter(track.notes, fromTick); i < track.notes.length; i++) {
      const note = track.notes[i];
      if (note.start >= toTick) break;
      out.push({
        pitch: note.pitch,
        velocity: note.velocity,
        start: note.start,
        end: note.start + note.duration,
      });
    }
  }
  out.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  return out;
}

/** The tick where the last audible note ends (0 for none). */
export function audibleEndTick(project: Project): Ticks {
  let end = 0;
  for (const track of audibleTracks(project))
    for (const note of track.notes) end = Math.max(end, note.start + note.duration);
  return end;
}

/** A metronome click: on a bar's first beat it is accented. */
export interface Click {
  tick: Ticks;
  accent: boolean;
}

/** The metronome's clicks in [fromTick, toTick): every beat of the time signature in force. */
export function clicksIn(project: Project, fromTick: Ticks, toTick: Ticks): Click[] {
  if (toTick <= fromTick) return [];
  return gridLines(project.timeSignatures, Math.ceil(fromTick), toTick, null)
    .filter((line) => line.tick >= fromTick && line.tick < toTick && line.kind !== 'sub')
    .map((line) => ({ tick: line.tick, accent: line.kind === 'bar' }));
}
