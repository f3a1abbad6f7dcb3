/**
 * Projects <-> NoteSequences: what playback, generation seeds and exports consume, and what an
 * imported file or a generated take turns into. Ticks become seconds through the tempo map.
 */
import type { InstrumentInfo, Note, NoteSequence } from '../music/note_sequence.ts';
import { compareNotes } from '../music/sequences.ts';
import { newNoteId, newTrack } from './create.ts';
import { compareProjectNotes } from './notes.ts';
import { secondsToTicks, ticksToSeconds } from './time.ts';
import type {
  NoteId,
  Project,
  ProjectKey,
  ProjectNote,
  TempoEvent,
  Ticks,
  TimeSignatureEvent,
  Track,
  TrackId,
} from './types.ts';

/** Which part of a project `projectToSequence` takes. */
export interface SequenceSelection {
  /** These tracks only (muted ones too); default: the audible tracks (solo wins, muted skipped). */
  trackIds?: readonly TrackId[];
  /** These notes only (of the chosen tracks). */
  noteIds?: readonly NoteId[] | ReadonlySet<NoteId>;
  /** Notes starting at or after this tick. */
  fromTick?: Ticks;
  /** Notes starting before this tick. */
  toTick?: Ticks;
  /** The tick that becomes 0 s (default 0: times stay where they are in the piece). */
  originTick?: Ticks;
}

/** The tracks that sound: the named ones, else the soloed ones, else every unmuted one. */
export function audibleTracks(project: Project, trackIds?: readonly TrackId[]): Track[] {
  if (trackIds) {
    const wanted = new Set(trackIds);
    return project.tracks.filter((t) => wanted.has(t.id));
  }
  const soloed = project.tracks.filter((t) => t.solo);
  return soloed.length ? soloed : project.tracks.filter((t) => !t.mute);
}

/** Tempo events of a project as a sequence's tempo changes (seconds), from `originTick`. */
function temposInSeconds(tempos: readonly TempoEvent[], originTick: Ticks): NoteSequence['tempos'] {
  const origin = ticksToSeconds(tempos, originTick);
  const out: NoteSequence['tempos'] = [];
  for (const tempo of tempos) {
    const time = Math.max(0, ticksToSeconds(tempos, tempo.tick) - origin);
    if (out.length && out[out.length - 1].time === time) out[out.length - 1] = { time, qpm: tempo.qpm };
    else out.push({ time, qpm: tempo.qpm });
  }
  if (out.length && out[0].time > 0) out.unshift({ time: 0, qpm: out[0].qpm });
  return out;
}

/**
 * The chosen part of a project as a NoteSequence: one instrument per track (its name and
 * program), times in seconds from `originTick` through the tempo map, the key at 0 s.
 */
export function projectToSequence(project: Project, selection: SequenceSelection = {}): NoteSequence {
  const origin = selection.originTick ?? 0;
  const originSeconds = ticksToSeconds(project.tempos, origin);
  const from = selection.fromTick ?? -Infinity;
  const to = selection.toTick ?? Infinity;
  const ids = selection.noteIds ? new Set(selection.noteIds) : undefined;
  const seconds = (tick: Ticks): number => ticksToSeconds(project.tempos, tick) - originSeconds;
  const notes: Note[] = [];
  const instruments: InstrumentInfo[] = [];
  audibleTracks(project, selection.trackIds).forEach((track, instrument) => {
    instruments.push({ instrument, name: track.name, program: track.program, isDrum: false });
    for (const note of track.notes) {
      if (note.start < from || note.start >= to) continue;
      if (ids && !ids.has(note.id)) continue;
      notes.push({
        pitch: note.pitch,
        velocity: note.velocity,
        startTime: seconds(note.start),
        endTime: seconds(note.start + note.duration),
        program: track.program,
        instrument,
        isDrum: false,
      });
    }
  });
  notes.sort(compareNotes);
  let totalTime = 0;
  for (const note of notes) totalTime = Math.max(totalTime, note.endTime);
  const timeSignatures: NoteSequence['timeSignatures'] = [];
  for (const ts of project.timeSignatures) {
    const time = Math.max(0, seconds(ts.tick));
    const event = { time, numerator: ts.numerator, denominator: ts.denominator };
    if (timeSignatures.length && timeSignatures[timeSignatures.length - 1].time === time)
      timeSignatures[timeSignatures.length - 1] = event;
    else timeSignatures.push(event);
  }
  return {
    notes,
    tempos: temposInSeconds(project.tempos, origin),
    timeSignatures,
    keySignatures: project.key ? [{ time: 0, key: project.key.tonic, mode: project.key.mode }] : [],
    instruments,
    totalTime,
    source: { kind: 'edited', title: project.name },
  };
}

/** What `sequenceToTracks` makes of a sequence. */
export interface TracksFromSequence {
  tracks: Track[];
  tempos: TempoEvent[];
  timeSignatures: TimeSignatureEvent[];
  key?: ProjectKey;
}

/** The sequence's tempo map in ticks (120 qpm when it has none). */
function temposInTicks(sequence: NoteSequence): TempoEvent[] {
  if (!sequence.tempos.length) return [{ tick: 0, qpm: 120 }];
  // Build incrementally: each change's tick follows from the map up to it.
  const out: TempoEvent[] = [];
  for (const change of sequence.tempos) {
    const tick = out.length ? Math.round(secondsToTicks(out, change.time)) : 0;
    if (out.length && out[out.length - 1].tick === tick) out[out.length - 1] = { tick, qpm: change.qpm };
    else out.push({ tick, qpm: change.qpm });
  }
  return out;
}

/** General MIDI families, eight programs each. */
const GM_FAMILIES = [
  'Piano',
  'Chromatic percussion',
  'Organ',
  'Guitar',
  'Bass',
  'Strings',
  'Ensemble',
  'Brass',
  'Reed',
  'Pipe',
  'Synth lead',
  'Synth pad',
  'Synth effects',
  'Ethnic',
  'Percussive',
  'Sound effects',
];

/** A name for an unnamed part: its General MIDI family ("Piano", "Drums"), numbered after the first. */
function instrumentName(program: number, isDrum: boolean, index: number): string {
  const family = isDrum ? 'Drums' : (GM_FAMILIES[Math.floor(clampInt(program, 0, 127) / 8)] ?? 'Track');
  return index > 0 ? `${family} ${index + 1}` : family;
}

/** Clamp to a whole MIDI value in [lo, hi]. */
function clampInt(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(value)));
}

/**
 * A sequence as project tracks: one track per instrument (MIDI track and channel, ABC voice) that
 * has notes, named after it, kind `imported`. Times become ticks through `tempos` when given (the
 * project the notes go into), else through the sequence's own tempo map, which is returned with
 * its time signatures and first key.
 */
export function sequenceToTracks(
  sequence: NoteSequence,
  tempos?: readonly TempoEvent[],
  kind: Track['kind'] = 'imported',
): TracksFromSequence {
  const ownTempos = temposInTicks(sequence);
  const map = tempos && tempos.length ? tempos : ownTempos;
  const toTick = (seconds: number): Ticks => Math.max(0, Math.round(secondsToTicks(map, seconds)));
  const byInstrument = new Map<string, ProjectNote[]>();
  const order: { key: string; instrument: number; program: number; isDrum: boolean }[] = [];
  for (const note of sequence.notes) {
    const key = `${note.instrument}/${note.isDrum ? 1 : 0}`;
    let list = byInstrument.get(key);
    if (!list) {
      byInstrument.set(key, (list = []));
      order.push({ key, instrument: note.instrument, program: note.program, isDrum: note.isDrum });
    }
    const start = toTick(note.startTime);
    list.push({
      id: newNoteId(),
      pitch: clampInt(note.pitch, 0, 127),
      velocity: clampInt(note.velocity, 1, 127),
      start,
      duration: Math.max(1, toTick(note.endTime) - start),
    });
  }
  order.sort((a, b) => a.instrument - b.instrument || Number(a.isDrum) - Number(b.isDrum));
  const infoOf = new Map(sequence.instruments.map((i) => [i.instrument, i]));
  const tracks = order.map((part, index): Track => {
    const info = infoOf.get(part.instrument);
    const fallback = sequence.source.title && order.length === 1 ? sequence.source.title : undefined;
    const name = (info?.name?.trim() || fallback || instrumentName(part.program, part.isDrum, index)).slice(
      0,
      200,
    );
    const track = newTrack(kind, name, index);
    const notes = byInstrument.get(part.key) ?? [];
    notes.sort(compareProjectNotes);
    return { ...track, program: clampInt(info?.program ?? part.program, 0, 127), notes };
  });
  const timeSignatures: TimeSignatureEvent[] = [];
  for (const ts of sequence.timeSignatures) {
    const tick = toTick(ts.time);
    const event = { tick, numerator: ts.numerator, denominator: ts.denominator };
    if (timeSignatures.length && timeSignatures[timeSignatures.length - 1].tick === tick)
      timeSignatures[timeSignatures.length - 1] = event;
    else timeSignatures.push(event);
  }
  if (!timeSignatures.length || timeSignatures[0].tick > 0)
    timeSignatures.unshift({ tick: 0, numerator: 4, denominator: 4 });
  const firstKey = sequence.keySignatures[0];
  return {
    tracks,
    tempos: ownTempos,
    timeSignatures,
    ...(firstKey ? { key: { tonic: firstKey.key, mode: firstKey.mode } } : {}),
  };
}
