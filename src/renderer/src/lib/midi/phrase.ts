/**
 * Live events turned into music: the notes and pedal of a phrase (ms), the last phrase before
 * a silence, and that phrase as project notes (ticks) or as a generation seed (seconds, the
 * pedal applied as MIDI import applies it).
 */
import { applySustain, PEDAL_DOWN_FROM } from '../../../../shared/music/sustain.ts';
import type { NoteSequenceWire } from '../../../../shared/ipc/index.ts';
import { newNoteId } from '../../../../shared/project/create.ts';
import { secondsToTicks, ticksToSeconds } from '../../../../shared/project/time.ts';
import type { ControllerEvent, ProjectNote, TempoEvent, Ticks } from '../../../../shared/project/types.ts';
import { SUSTAIN, type LiveControl, type LiveEvent } from './live_events.ts';

/** A note as played: start and end in ms (performance.now timebase). */
export interface PlayedNote {
  pitch: number;
  velocity: number;
  start: number;
  end: number;
}

/** Notes and controller changes of a stretch of playing; `start`/`end` bound it (ms). */
export interface Phrase {
  notes: PlayedNote[];
  controls: LiveControl[];
  start: number;
  end: number;
}

/**
 * Pairs note-ons with note-offs. Striking a pitch that still sounds ends it there; a note-off
 * with no note-on is dropped; notes still held end at `closeAt`.
 */
export function phraseFromEvents(events: readonly LiveEvent[], closeAt: number): Phrase {
  const notes: PlayedNote[] = [];
  const controls: LiveControl[] = [];
  const open = new Map<number, PlayedNote>();
  let start = Infinity;
  let end = -Infinity;
  for (const event of events) {
    start = Math.min(start, event.time);
    end = Math.max(end, event.time);
    if (event.kind === 'control') {
      controls.push({ ...event });
      continue;
    }
    const sounding = open.get(event.pitch);
    if (sounding) {
      sounding.end = Math.max(sounding.start, event.time);
      open.delete(event.pitch);
    }
    if (event.kind === 'noteOn') {
      const note = { pitch: event.pitch, velocity: event.velocity, start: event.time, end: event.time };
      notes.push(note);
      open.set(event.pitch, note);
    }
  }
  for (const note of open.values()) note.end = Math.max(note.start, closeAt);
  if (open.size > 0) end = Math.max(end, closeAt);
  notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  return {
    notes,
    controls,
    start: Number.isFinite(start) ? start : closeAt,
    end: Number.isFinite(end) ? end : closeAt,
  };
}

/** Whether each moment is silent: no key held and the pedal up. Tracks it event by event. */
export class SilenceTracker {
  private readonly held = new Set<number>();
  private pedalDown = false;
  /** When the current silence began (ms), or undefined while something sounds. */
  silentSince: number | undefined = 0;

  /** Feeds one event; returns true when it ended a silence (the first sound after one). */
  add(event: LiveEvent): boolean {
    const wasSilent = this.silentSince !== undefined;
    if (event.kind === 'noteOn') this.held.add(event.pitch);
    else if (event.kind === 'noteOff') this.held.delete(event.pitch);
    else if (event.controller === SUSTAIN) this.pedalDown = event.value >= PEDAL_DOWN_FROM;
    const silent = this.held.size === 0 && !this.pedalDown;
    if (silent && !wasSilent) this.silentSince = event.time;
    if (!silent) this.silentSince = undefined;
    return wasSilent && !silent;
  }

  get silent(): boolean {
    return this.silentSince !== undefined;
  }
}

/** Options of `lastPhrase`. */
export interface LastPhraseOptions {
  /** A silence at least this long separates phrases (ms). */
  silenceMs: number;
  /** Most of the phrase kept, counted back from its end (ms). */
  maxMs: number;
}

/**
 * The events of the last phrase: everything after the last silence of at least `silenceMs`
 * (no key held, pedal up) that came before it, and at most `maxMs` long. Empty when nothing was played.
 */
export function lastPhraseEvents(events: readonly LiveEvent[], options: LastPhraseOptions): LiveEvent[] {
  const tracker = new SilenceTracker();
  let phraseStart = 0;
  events.forEach((event, index) => {
    const silentSince = tracker.silentSince;
    if (tracker.add(event) && silentSince !== undefined && event.time - silentSince >= options.silenceMs)
      phraseStart = index;
  });
  const phrase = events.slice(phraseStart);
  if (phrase.length === 0) return [];
  const last = phrase[phrase.length - 1].time;
  const cut = phrase.findIndex((event) => event.time >= last - options.maxMs);
  return dropOrphanReleases(phrase.slice(Math.max(0, cut)));
}

/** Leading note-offs whose note-on was cut away. */
function dropOrphanReleases(events: LiveEvent[]): LiveEvent[] {
  const on = new Set<number>();
  return events.filter((event) => {
    if (event.kind === 'noteOn') on.add(event.pitch);
    return event.kind !== 'noteOff' || on.has(event.pitch);
  });
}

/** Where a phrase goes in a project: its start lands on `atTick`. */
export interface Placement {
  tempos: readonly TempoEvent[];
  atTick: Ticks;
  /** The ms time that lands on `atTick` (default: the phrase's first event). */
  originMs?: number;
}

/** A phrase as project notes and controller events (ticks), each note at least 1 tick long. */
export function phraseToTrackContent(
  phrase: Phrase,
  placement: Placement,
): { notes: ProjectNote[]; controllers: ControllerEvent[] } {
  const { tempos, atTick } = placement;
  const origin = placement.originMs ?? phrase.start;
  const base = ticksToSeconds(tempos, atTick);
  const tickAt = (ms: number): Ticks =>
    Math.max(0, Math.round(secondsToTicks(tempos, base + (ms - origin) / 1000)));
  const notes = phrase.notes.map((note) => {
    const start = tickAt(note.start);
    return {
      id: newNoteId(),
      pitch: note.pitch,
      velocity: Math.min(127, Math.max(1, note.velocity)),
      start,
      duration: Math.max(1, tickAt(note.end) - start),
    };
  });
  const controllers = phrase.controls.map((control) => ({
    tick: tickAt(control.time),
    controller: control.controller,
    value: control.value,
  }));
  return { notes, controllers };
}

/** The pedal changes of a phrase (CC64 only). */
function pedalOf(phrase: Phrase): { time: number; down: boolean }[] {
  return phrase.controls
    .filter((control) => control.controller === SUSTAIN)
    .map((control) => ({ time: control.time, down: control.value >= PEDAL_DOWN_FROM }));
}

/**
 * A phrase as a generation seed: the pedal applied to the notes, times in seconds from the
 * phrase's first event, one piano part at `qpm`.
 */
export function phraseToSeed(phrase: Phrase, qpm: number): NoteSequenceWire {
  const sustained = applySustain(phrase.notes, pedalOf(phrase));
  const seconds = (ms: number): number => Math.max(0, Math.round(ms - phrase.start) / 1000);
  const notes = sustained.map((note) => ({
    pitch: note.pitch,
    velocity: Math.min(127, Math.max(1, note.velocity)),
    startTime: seconds(note.start),
    endTime: Math.max(seconds(note.start), seconds(note.end)),
    program: 0,
    instrument: 0,
    isDrum: false,
  }));
  const totalTime = notes.reduce((end, note) => Math.max(end, note.endTime), 0);
  return {
    notes,
    tempos: [{ time: 0, qpm }],
    timeSignatures: [{ time: 0, numerator: 4, denominator: 4 }],
    keySignatures: [],
    instruments: [{ instrument: 0, name: 'Piano', program: 0, isDrum: false }],
    totalTime,
    source: { kind: 'recorded', title: 'Played phrase' },
  };
}
