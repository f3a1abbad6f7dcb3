/**
 * Writing Standard MIDI Files: every MIDI the app writes comes out of `multiTrackToMidi` (project
 * exports through `music.write`, and NoteSequences through `noteSequenceToMidi`: generation
 * exports, the CLI, ABC to MIDI), encoded with midi-file. Import from midi_io.ts, the module of
 * all MIDI I/O.
 */
import { writeMidi, type MidiEvent } from 'midi-file';
import { sharpsOfKey } from '../../../shared/music/key_signatures.ts';
import {
  MIDI_FILE_PPQ,
  type MultiTrackMidi,
  type MultiTrackPart,
} from '../../../shared/music/multi_track.ts';
import { DEFAULT_QPM, type Note, type NoteSequence } from '../../../shared/music/note_sequence.ts';
import { TempoMap } from '../../../shared/music/sequences.ts';

/** MIDI channel of General MIDI percussion (channel 10, counted from 0). */
export const DRUM_CHANNEL = 9;

/** A track's events at absolute ticks, before their delta times are known. */
type TimedEvents = { tick: number; event: MidiEvent }[];

/**
 * A track's events in time order, with delta times and the end-of-track event. The sort is stable:
 * events at the same tick keep the order they were listed in (as @tonejs/midi writes them).
 */
function trackEvents(timed: TimedEvents): MidiEvent[] {
  timed.sort((a, b) => a.tick - b.tick);
  let last = 0;
  const events = timed.map(({ tick, event }) => {
    event.deltaTime = tick - last;
    last = tick;
    return event;
  });
  events.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  return events;
}

/** Events midi-file writes at a time (see `writeFile`). */
const SLICE_EVENTS = 512;
/** Bytes before a one-track file's track data: MThd chunk (14), MTrk id and length (8). */
const SINGLE_TRACK_PREFIX = 22;

function chunk(id: 'MThd' | 'MTrk', body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/**
 * A type-1 file of these tracks, encoded by midi-file. Its writer appends each multi-byte delta time
 * by copying everything written so far, quadratic in a track's length (an 18,833-note MAESTRO piece
 * took 16 s on a loaded machine), so each track is written in slices of events, one small file
 * each, whose track data are joined under one chunk header. No running status: slices stand alone.
 */
function writeFile(tracks: readonly MidiEvent[][]): Uint8Array {
  const header = Buffer.alloc(6);
  header.writeUInt16BE(1, 0);
  header.writeUInt16BE(tracks.length, 2);
  header.writeUInt16BE(MIDI_FILE_PPQ, 4);
  const chunks = [chunk('MThd', header)];
  for (const events of tracks) {
    const slices: Uint8Array[] = [];
    for (let at = 0; at < events.length; at += SLICE_EVENTS) {
      const one = { format: 1 as const, numTracks: 1, ticksPerBeat: MIDI_FILE_PPQ };
      const bytes = writeMidi(
        { header: one, tracks: [events.slice(at, at + SLICE_EVENTS)] },
        { running: false },
      );
      slices.push(Uint8Array.from(bytes.slice(SINGLE_TRACK_PREFIX)));
    }
    chunks.push(chunk('MTrk', Buffer.concat(slices)));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * MIDI channels for tracks that want `wanted` (channel 10 = drums): each keeps its wanted channel when
 * no earlier track took it; the others get free channels; past 15 pitched tracks channels are shared.
 */
function assignChannels(wanted: readonly (number | undefined)[]): number[] {
  const used = new Set<number>();
  const out = wanted.map((w) => {
    if (w === DRUM_CHANNEL) return DRUM_CHANNEL;
    if (w === undefined || w < 0 || w > 15 || used.has(w)) return -1;
    used.add(w);
    return w;
  });
  let next = 0;
  return out.map((c) => {
    if (c >= 0) return c;
    for (let tries = 0; tries < 16; tries++, next++) {
      const free = next % 16;
      if (free !== DRUM_CHANNEL && !used.has(free)) {
        used.add(free);
        return free;
      }
    }
    return next++ % 9;
  });
}

/**
 * Write a Standard MIDI File type 1 at 480 ticks per quarter: a conductor track named after the
 * title with the tempo map, time and key signatures (modes other than major/minor as their relative
 * major), then one track per part, in order, with its name, program change, notes and controller
 * changes (in tick order; notes at the same tick in the order given); drums on channel 10, other
 * parts on their wanted channel when free. The events and their order are @tonejs/midi's (which
 * wrote these files before), with the key signatures it cannot write.
 */
export function multiTrackToMidi(file: MultiTrackMidi): Uint8Array {
  const conductor: TimedEvents = [
    { tick: 0, event: { deltaTime: 0, meta: true, type: 'trackName', text: file.title } },
  ];
  const tempos = file.tempos.length ? file.tempos : [{ tick: 0, qpm: DEFAULT_QPM }];
  for (const tempo of tempos)
    conductor.push({
      tick: tempo.tick,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'setTempo',
        microsecondsPerBeat: Math.round(60e6 / tempo.qpm),
      },
    });
  for (const ts of file.timeSignatures)
    conductor.push({
      tick: ts.tick,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'timeSignature',
        numerator: ts.numerator,
        denominator: ts.denominator,
        metronome: 24,
        thirtyseconds: 8,
      },
    });
  for (const ks of file.keySignatures)
    conductor.push({
      tick: ks.tick,
      event: {
        deltaTime: 0,
        meta: true,
        type: 'keySignature',
        key: sharpsOfKey(ks.key, ks.mode),
        scale: ks.mode === 'minor' ? 1 : 0,
      },
    });

  const channels = assignChannels(file.tracks.map((part) => (part.isDrum ? DRUM_CHANNEL : part.channel)));
  const tracks = file.tracks.map((part, t) => {
    const channel = channels[t];
    const timed: TimedEvents = [
      { tick: 0, event: { deltaTime: 0, meta: true, type: 'trackName', text: part.name } },
      { tick: 0, event: { deltaTime: 0, channel, type: 'programChange', programNumber: part.program } },
    ];
    const notes = [...part.notes].sort((a, b) => a.tick - b.tick);
    for (const note of notes) {
      const { pitch: noteNumber, velocity } = note;
      timed.push(
        { tick: note.tick, event: { deltaTime: 0, channel, type: 'noteOn', noteNumber, velocity } },
        {
          tick: note.tick + note.duration,
          event: { deltaTime: 0, channel, type: 'noteOff', noteNumber, velocity: 0 },
        },
      );
    }
    // Controller changes after the notes, by controller number, each in tick order.
    const changes = [...part.controllers].sort((a, b) => a.controller - b.controller || a.tick - b.tick);
    for (const change of changes)
      timed.push({
        tick: change.tick,
        event: {
          deltaTime: 0,
          channel,
          type: 'controller',
          controllerType: change.controller,
          value: change.value,
        },
      });
    return trackEvents(timed);
  });
  return writeFile([trackEvents(conductor), ...tracks]);
}

/**
 * A NoteSequence as a multi-track file: one part per (instrument, program, drum flag), by instrument
 * number, then by first note, named after its instrument; times rounded to the nearest tick of the
 * sequence's own tempo map.
 */
function sequenceToMultiTrack(ns: NoteSequence): MultiTrackMidi {
  const map = new TempoMap(ns.tempos);
  const toTicks = (t: number): number => Math.max(0, Math.round(map.secondsToQuarters(t) * MIDI_FILE_PPQ));
  const groups = new Map<string, Note[]>();
  const sorted = [...ns.notes].sort(
    (a, b) => a.startTime - b.startTime || a.pitch - b.pitch || a.endTime - b.endTime,
  );
  for (const note of sorted) {
    const key = `${note.instrument}/${note.program}/${note.isDrum ? 1 : 0}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(note);
  }
  const infoOf = new Map(ns.instruments.map((i) => [i.instrument, i]));
  const tracks = [...groups.values()]
    .sort((a, b) => a[0].instrument - b[0].instrument || a[0].startTime - b[0].startTime)
    .map((notes): MultiTrackPart => {
      const first = notes[0];
      const info = infoOf.get(first.instrument);
      return {
        name: info?.name ?? '',
        program: first.program,
        ...(info?.channel === undefined ? {} : { channel: info.channel }),
        isDrum: first.isDrum,
        notes: notes.map((note) => {
          const tick = toTicks(note.startTime);
          return {
            pitch: note.pitch,
            velocity: note.velocity,
            tick,
            duration: Math.max(0, toTicks(note.endTime) - tick),
          };
        }),
        controllers: [],
      };
    });
  return {
    title: ns.source.title ?? '',
    tempos: ns.tempos.map((tc) => ({ tick: toTicks(tc.time), qpm: tc.qpm })),
    timeSignatures: ns.timeSignatures.map((ts) => ({
      tick: toTicks(ts.time),
      numerator: ts.numerator,
      denominator: ts.denominator,
    })),
    keySignatures: ns.keySignatures.map((ks) => ({ tick: toTicks(ks.time), key: ks.key, mode: ks.mode })),
    tracks,
  };
}

/** A NoteSequence as a Standard MIDI File type 1 (see `sequenceToMultiTrack`, `multiTrackToMidi`). */
export function noteSequenceToMidi(ns: NoteSequence): Uint8Array {
  return multiTrackToMidi(sequenceToMultiTrack(ns));
}
