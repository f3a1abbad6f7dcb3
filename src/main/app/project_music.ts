/**
 * Music files <-> projects on the host: MIDI/ABC bytes become project tracks, and a project (or
 * some of its tracks, or a selection) becomes ABC text or the multi-track description the engine's
 * `music.write` turns into MIDI bytes (all MIDI writing is the engine's music I/O). Reading and the
 * ABC text use the engine's readers and writers here (pure functions, no model needed).
 */
import { IpcError } from '../../shared/ipc/index.ts';
import type { NoteSequence } from '../../shared/music/note_sequence.ts';
import type { MultiTrackController, MultiTrackMidi, MultiTrackPart } from '../../shared/music/multi_track.ts';
import {
  audibleTracks,
  projectToSequence,
  sequenceToTracks,
  type SequenceSelection,
  type TracksFromSequence,
} from '../../shared/project/convert.ts';
import { newProject } from '../../shared/project/create.ts';
import type {
  ControllerEvent,
  NoteId,
  Project,
  ProjectKey,
  ProjectNote,
  TempoEvent,
  Track,
  TrackId,
} from '../../shared/project/types.ts';
import { sequenceToAbc } from '../engine/music/abc/index.ts';
import { parseAbcText } from '../engine/music/abc/import_text.ts';
import { midiToNoteSequence } from '../engine/music/midi_io.ts';

/** What a music file became. */
export interface ImportedMusic extends TracksFromSequence {
  name: string;
  format: 'mid' | 'abc';
  /** Tunes in the file (an ABC book may hold many). */
  items: number;
  warnings: string[];
}

/** The kind of a file by its extension. */
export function fileKind(fileName: string): 'continuo' | 'mid' | 'abc' | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.continuo')) return 'continuo';
  if (lower.endsWith('.mid') || lower.endsWith('.midi')) return 'mid';
  if (lower.endsWith('.abc')) return 'abc';
  return undefined;
}

/** A file's name without folder and extension, for a project or track name. */
export function baseName(fileName: string): string {
  const name = fileName.split(/[\\/]/).pop() ?? fileName;
  return name.replace(/\.(continuo|midi?|abc)$/i, '').trim() || 'Untitled';
}

function invalid(message: string): IpcError {
  return new IpcError({ code: 'invalid_file', message });
}

/** Reads MIDI or ABC bytes as a sequence; a file that cannot be read is refused with the reason. */
function readSequence(
  bytes: Uint8Array,
  fileName: string,
  item = 0,
): { sequence: NoteSequence; items: number; warnings: string[] } {
  const kind = fileKind(fileName);
  if (kind === 'mid') {
    try {
      return {
        sequence: midiToNoteSequence(bytes, { kind: 'midi', path: fileName }),
        items: 1,
        warnings: [],
      };
    } catch (error) {
      throw invalid(`${fileName} is not a readable MIDI file: ${(error as Error).message}`);
    }
  }
  if (kind === 'abc') {
    const imported = parseAbcText(Buffer.from(bytes).toString('utf8'), fileName);
    const warnings = imported.issues
      .slice(0, 20)
      .map((i) => `${i.item !== undefined ? `Tune ${i.item}: ` : ''}${i.reason}`);
    const chosen = imported.items[item];
    if (!chosen) {
      const why = imported.issues.find((i) => i.severity === 'error')?.reason;
      throw invalid(
        imported.items.length
          ? `${fileName} has ${imported.items.length} tunes; there is no tune ${item + 1}`
          : `${fileName} has no readable ABC tune${why ? `: ${why}` : ''}`,
      );
    }
    return { sequence: chosen.sequence, items: imported.items.length, warnings };
  }
  throw invalid(`${fileName}: only MIDI (.mid, .midi) and ABC (.abc) files can be imported`);
}

/** A MIDI or ABC file as project tracks (placed by `tempos` when given). */
export function importMusic(
  bytes: Uint8Array,
  fileName: string,
  tempos?: readonly TempoEvent[],
  item?: number,
): ImportedMusic {
  const { sequence, items, warnings } = readSequence(bytes, fileName, item);
  if (!sequence.notes.length) throw invalid(`${fileName} has no notes`);
  const name = sequence.source.title?.trim() || baseName(fileName);
  const format = fileKind(fileName) === 'abc' ? 'abc' : 'mid';
  return { ...sequenceToTracks(sequence, tempos), name, format, items, warnings };
}

/** A new project made of a MIDI or ABC file: its tracks, tempo map, meter and key. */
export function projectFromMusic(
  bytes: Uint8Array,
  fileName: string,
): { project: Project; warnings: string[] } {
  const music = importMusic(bytes, fileName);
  const base = newProject(baseName(fileName));
  const project: Project = {
    ...base,
    tempos: music.tempos,
    timeSignatures: music.timeSignatures,
    tracks: music.tracks,
    ...(music.key ? { key: music.key } : {}),
  };
  return { project, warnings: music.warnings };
}

/** What part of a project an export writes. */
export interface ExportChoice {
  trackIds?: readonly string[];
  noteIds?: readonly string[];
}

/** An export choice as a selection of tracks and notes (ids from the page are the project's ids). */
function selectionOf(choice: ExportChoice): Pick<SequenceSelection, 'trackIds' | 'noteIds'> {
  const trackIds = choice.trackIds as readonly TrackId[] | undefined;
  const noteIds = choice.noteIds as readonly NoteId[] | undefined;
  return { ...(trackIds ? { trackIds } : {}), ...(noteIds ? { noteIds } : {}) };
}

/** The project's chosen part as a sequence (every chosen track, muted or not). */
function chosenSequence(project: Project, choice: ExportChoice): NoteSequence {
  return projectToSequence(project, selectionOf(choice));
}

/**
 * One project track as a part of the file, with its chosen notes and its controller changes
 * (a recorded sustain pedal is what the musician played: a DAW needs it). A part of a track
 * (a selection) takes the changes within its notes' span, each controller's state at the span's
 * start restated there, so a pedal held into the selection still sounds.
 */
function trackPart(track: Track, notes: readonly ProjectNote[], whole: boolean): MultiTrackPart {
  return {
    name: track.name,
    program: track.program,
    notes: notes.map((note) => ({
      pitch: note.pitch,
      velocity: note.velocity,
      tick: note.start,
      duration: note.duration,
    })),
    controllers: whole ? track.controllers.map(controllerPart) : controllersWithin(track, notes),
  };
}

const controllerPart = ({ tick, controller, value }: ControllerEvent): MultiTrackController => ({
  tick,
  controller,
  value,
});

function controllersWithin(track: Track, notes: readonly ProjectNote[]): MultiTrackController[] {
  if (notes.length === 0) return [];
  const from = Math.min(...notes.map((n) => n.start));
  const to = Math.max(...notes.map((n) => n.start + n.duration));
  const sorted = [...track.controllers].sort((a, b) => a.tick - b.tick);
  const before = new Map<number, number>();
  const inside: MultiTrackController[] = [];
  for (const event of sorted) {
    if (event.tick < from) before.set(event.controller, event.value);
    else if (event.tick <= to) inside.push(controllerPart(event));
  }
  const restated = [...before]
    .filter(
      ([controller, value]) =>
        value !== 0 && !inside.some((e) => e.tick === from && e.controller === controller),
    )
    .map(([controller, value]) => ({ tick: from, controller, value }));
  // A controller still on at the span's end (a pedal held) keeps its next change as played.
  const atEnd = new Map(before);
  for (const event of inside) atEnd.set(event.controller, event.value);
  const releases = [...atEnd]
    .filter(([, value]) => value !== 0)
    .flatMap(([controller]) => {
      const next = sorted.find((e) => e.tick > to && e.controller === controller);
      return next ? [controllerPart(next)] : [];
    });
  return [...restated, ...inside, ...releases];
}

/**
 * What the engine writes as a project's MIDI export (type 1): its tempo map, meter and key, then
 * one named track with its program per chosen project track that has chosen notes (the audible
 * tracks when none are named). The project's ticks are the file's (both 480 per quarter), so
 * nothing is rounded on the way.
 */
export function projectToMultiTrack(project: Project, choice: ExportChoice = {}): MultiTrackMidi {
  const { trackIds, noteIds } = selectionOf(choice);
  const chosen = noteIds ? new Set<NoteId>(noteIds) : undefined;
  const tracks = audibleTracks(project, trackIds).flatMap((track) => {
    const notes = chosen ? track.notes.filter((note) => chosen.has(note.id)) : track.notes;
    return notes.length ? [trackPart(track, notes, !chosen)] : [];
  });
  // Fields picked one by one: a project keeps unknown fields of newer files, the wire takes none.
  return {
    title: project.name,
    tempos: project.tempos.map(({ tick, qpm }) => ({ tick, qpm })),
    timeSignatures: project.timeSignatures.map(({ tick, numerator, denominator }) => ({
      tick,
      numerator,
      denominator,
    })),
    keySignatures: project.key ? [{ tick: 0, key: project.key.tonic, mode: project.key.mode }] : [],
    tracks,
  };
}

const MAJOR_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const MINOR_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'];
const MODE_SUFFIX: Record<ProjectKey['mode'], string> = {
  major: '',
  minor: 'm',
  dorian: 'dor',
  phrygian: 'phr',
  lydian: 'lyd',
  mixolydian: 'mix',
  locrian: 'loc',
};

/** The ABC K: field of a project key ('G', 'Em', 'Ddor'). */
export function abcKeyName(key: ProjectKey): string {
  const names = key.mode === 'major' ? MAJOR_NAMES : MINOR_NAMES;
  return `${names[key.tonic]}${MODE_SUFFIX[key.mode]}`;
}

/** ABC of one monophonic track (or of its selected notes); chords are refused with a reason. */
export function projectToAbc(project: Project, choice: ExportChoice = {}): string {
  const sequence = chosenSequence(project, choice);
  if (sequence.instruments.length !== 1)
    throw new IpcError({
      code: 'unsupported',
      message: `ABC export writes one track; choose one (${sequence.instruments.length} chosen)`,
    });
  const notes = sequence.notes;
  if (!notes.length) throw new IpcError({ code: 'unsupported', message: 'There are no notes to export' });
  let overlaps = 0;
  let lastEnd = -Infinity;
  // A tiny overlap (legato playing) is not a chord.
  for (const note of notes) {
    if (note.startTime < lastEnd - 0.02) overlaps++;
    lastEnd = Math.max(lastEnd, note.endTime);
  }
  if (overlaps)
    throw new IpcError({
      code: 'unsupported',
      message: `"${sequence.instruments[0].name}" plays ${overlaps} notes over others; ABC export takes a melody (one note at a time). Export MIDI instead.`,
    });
  return sequenceToAbc(sequence, {
    title: project.name,
    ...(project.key ? { key: abcKeyName(project.key) } : {}),
  });
}
