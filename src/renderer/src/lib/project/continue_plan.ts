/**
 * "Continue from here", worked out before anything is sent: which notes seed the model (the
 * selection, else the notes before the playhead: by default the last 8 bars, at most 15 s),
 * the range shaded on the roll, where the takes go; and afterwards, generated notes (seconds,
 * seed included) as take notes on the project's grid after the seed. Pure functions.
 */
import type { Note, NoteSequence } from '../../../../shared/music/note_sequence.ts';
import { audibleTracks, projectToSequence } from '../../../../shared/project/convert.ts';
import { newNoteId } from '../../../../shared/project/create.ts';
import { seedRange, seedSequence, type TickRange } from '../../../../shared/project/seed.ts';
import { secondsToTicks, ticksToSeconds } from '../../../../shared/project/time.ts';
import type { NoteId, Project, ProjectNote, Ticks, TrackId } from '../../../../shared/project/types.ts';

/** Where the musician is: what decides the seed. */
export interface ContinueContext {
  playheadTick: Ticks;
  activeTrackId: TrackId;
  selection: ReadonlySet<NoteId>;
  /** Bars before the playhead (0 = everything from the start). */
  seedBars: number;
}

/** What a continuation is seeded from and where its takes go. */
export interface ContinuePlan {
  /** The range shaded on the roll and recorded in the history. */
  range: TickRange;
  trackIds: TrackId[];
  /** The notes sent to the model (times from the range start); undefined when there are none. */
  sequence: NoteSequence | undefined;
  /** Where the takes start: the playhead, or the end of the selection. */
  placeAt: Ticks;
  /** What seeds it, for the panel: "the selection" or "the 8 bars before the playhead". */
  from: 'selection' | 'playhead';
}

/** The tracks that seed a continuation: the audible ones, without unaccepted takes. */
export function seedTrackIds(project: Project): TrackId[] {
  return audibleTracks(project)
    .filter((track) => track.kind !== 'take')
    .map((track) => track.id);
}

/** The seed's range and tracks without its notes: cheap enough to follow the playhead every frame. */
export interface SeedOutline {
  range: TickRange;
  trackIds: TrackId[];
  placeAt: Ticks;
  from: 'selection' | 'playhead';
  /** Notes it holds. */
  notes: number;
  /** The selected notes, when the selection is the seed. */
  noteIds?: ReadonlySet<NoteId>;
}

/** Fewest selected notes that make the selection the seed: one note (the one just drawn, say) is no phrase. */
export const MIN_SELECTION_SEED = 2;

/** Where the seed is: the selected notes of the active track, else the notes before the playhead. */
export function outlineSeed(project: Project, context: ContinueContext): SeedOutline {
  const active = project.tracks.find((t) => t.id === context.activeTrackId);
  const selected = context.selection.size
    ? (active?.notes.filter((n) => context.selection.has(n.id)) ?? [])
    : [];
  if (active && selected.length >= MIN_SELECTION_SEED) {
    let startTick = Infinity;
    let endTick = 0;
    for (const note of selected) {
      startTick = Math.min(startTick, note.start);
      endTick = Math.max(endTick, note.start + note.duration);
    }
    return {
      range: { startTick, endTick },
      trackIds: [active.id],
      placeAt: endTick,
      from: 'selection',
      notes: selected.length,
      noteIds: new Set(selected.map((n) => n.id)),
    };
  }
  const range = seedRange(project, context.playheadTick, context.seedBars);
  const trackIds = seedTrackIds(project);
  let notes = 0;
  for (const track of project.tracks) {
    if (!trackIds.includes(track.id)) continue;
    for (const note of track.notes) if (note.start >= range.startTick && note.start < range.endTick) notes++;
  }
  return { range, trackIds, placeAt: range.endTick, from: 'playhead', notes };
}

/** Works out the seed and its notes (see `outlineSeed`). */
export function planContinuation(project: Project, context: ContinueContext): ContinuePlan {
  const outline = outlineSeed(project, context);
  const { range, trackIds, placeAt, from } = outline;
  let sequence: NoteSequence | undefined;
  if (outline.noteIds) {
    sequence = projectToSequence(project, {
      trackIds,
      noteIds: outline.noteIds,
      originTick: range.startTick,
    });
    sequence.source = { kind: 'edited', title: `${project.name} (selection)` };
  } else if (outline.notes > 0) {
    sequence = seedSequence(project, range, trackIds);
  }
  return { range, trackIds, sequence: sequence?.notes.length ? sequence : undefined, placeAt, from };
}

/** Where a seed the model received ends, in the time of the generated sequences (seconds). */
export interface SeedEnd {
  /** Last seed note's end as decoded; generated notes start at or after it. 0 without a seed. */
  seconds: number;
}

/**
 * The generated notes of a variation (seed included, seconds from the seed's start) as take
 * notes: the seed's own notes dropped, the rest placed so the continuation starts at `placeAt`
 * (a rest after the seed is kept), through the project's tempo map.
 */
export function takeNotes(
  project: Pick<Project, 'tempos'>,
  generated: readonly Pick<Note, 'pitch' | 'velocity' | 'startTime' | 'endTime'>[],
  seedEnd: SeedEnd,
  placeAt: Ticks,
): ProjectNote[] {
  const origin = ticksToSeconds(project.tempos, placeAt) - seedEnd.seconds;
  const tick = (seconds: number): Ticks =>
    Math.max(0, Math.round(secondsToTicks(project.tempos, origin + seconds)));
  const notes: ProjectNote[] = [];
  for (const note of generated) {
    if (note.startTime < seedEnd.seconds - 1e-6) continue;
    const start = tick(note.startTime);
    notes.push({
      id: newNoteId(),
      pitch: clamp(Math.round(note.pitch), 0, 127),
      velocity: clamp(Math.round(note.velocity), 1, 127),
      start,
      duration: Math.max(1, tick(Math.max(note.endTime, note.startTime)) - start),
    });
  }
  notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  return notes;
}

/** The end of the last note of a seed sequence, in seconds (0 for none). */
export function sequenceNotesEnd(sequence: NoteSequence | undefined): number {
  let end = 0;
  for (const note of sequence?.notes ?? []) end = Math.max(end, note.endTime);
  return end;
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
