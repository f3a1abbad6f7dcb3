import { readFileSync, readdirSync } from 'node:fs';
import { parseMidi, writeMidi, type MidiEvent } from 'midi-file';
import { describe, expect, it } from 'vitest';
import {
  importMidiBytes,
  midiToNoteSequence,
  MidiFormatError,
  noteSequenceToMidi,
} from '../../src/main/engine/music/midi_io.ts';
import type { Note, NoteSequence } from '../../src/shared/music/note_sequence.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

const MAESTRO_DIR = sharedData('maestro', '2004');
const maestroFiles = (): string[] =>
  readdirSync(MAESTRO_DIR)
    .filter((f) => f.endsWith('.midi'))
    .sort();
const FIRST_MAESTRO = 'MIDI-Unprocessed_SMF_02_R1_2004_01-05_ORIG_MID--AUDIO_02_R1_2004_05_Track05_wav.midi';

/** Durations from the official MAESTRO v1.0.0 metadata, by `midi_filename`. */
function maestroDurations(): Map<string, number> {
  const lines = readFileSync(sharedData('maestro', 'maestro-v1.0.0.csv'), 'utf8').trim().split('\n');
  const out = new Map<string, number>();
  for (const line of lines.slice(1)) {
    // Titles may hold commas inside quotes; midi_filename and duration are found from the end.
    const m = /,(\d{4}\/[^,]+\.midi),[^,]*,([\d.]+)\s*$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** Events with absolute ticks, for building small test files with midi-file's writer. */
type At = { tick: number } & Record<string, unknown>;

function track(events: At[]): MidiEvent[] {
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.tick - b.e.tick || a.i - b.i);
  let last = 0;
  const out = sorted.map(({ e }) => {
    const { tick, ...rest } = e;
    const ev = { ...rest, deltaTime: tick - last } as unknown as MidiEvent;
    last = tick;
    return ev;
  });
  out.push({ deltaTime: 0, meta: true, type: 'endOfTrack' });
  return out;
}

function midiFile(tracks: At[][], ticksPerBeat = 480): Uint8Array {
  return Uint8Array.from(
    writeMidi({ header: { format: 1, numTracks: tracks.length, ticksPerBeat }, tracks: tracks.map(track) }),
  );
}

const on = (tick: number, noteNumber: number, velocity = 80, channel = 0): At => ({
  tick,
  type: 'noteOn',
  channel,
  noteNumber,
  velocity,
});
const off = (tick: number, noteNumber: number, channel = 0): At => ({
  tick,
  type: 'noteOff',
  channel,
  noteNumber,
  velocity: 0,
});
const pedal = (tick: number, value: number, channel = 0): At => ({
  tick,
  type: 'controller',
  channel,
  controllerType: 64,
  value,
});
/** 120 qpm at 480 ticks per quarter: 960 ticks per second. */
const sec = (tick: number): number => tick / 960;

/** Notes as [pitch, start, end] in seconds, sorted, for compact comparisons. */
const spans = (ns: NoteSequence): [number, number, number][] =>
  ns.notes.map((n) => [n.pitch, n.startTime, n.endTime] as [number, number, number]);

/**
 * A literal port of note-seq's `apply_sustain_control_changes`, as an independent reference:
 * raw note-on/off pairing in file order, then every note on/off and CC64 event sorted by
 * (time, kind) and replayed. Differs from note-seq only by keeping notes cut to zero length.
 */
function referenceNotes(bytes: Uint8Array): { pitch: number; start: number; end: number }[] {
  const data = parseMidi(bytes);
  const tpb = data.header.ticksPerBeat!;
  const tempos: { tick: number; us: number }[] = [];
  for (const tr of data.tracks) {
    let tick = 0;
    for (const e of tr) {
      tick += e.deltaTime;
      if (e.type === 'setTempo') tempos.push({ tick, us: e.microsecondsPerBeat });
    }
  }
  tempos.sort((a, b) => a.tick - b.tick);
  const seconds = (tick: number): number => {
    let t = 0;
    let at = 0;
    let us = 500_000;
    for (const c of tempos) {
      if (c.tick > tick) break;
      t += ((c.tick - at) * us) / 1e6 / tpb;
      at = c.tick;
      us = c.us;
    }
    return t + ((tick - at) * us) / 1e6 / tpb;
  };
  type RefNote = { pitch: number; start: number; end: number; inst: string };
  const notes: RefNote[] = [];
  const ccs: { time: number; value: number; inst: string }[] = [];
  data.tracks.forEach((tr, t) => {
    const open = new Map<string, RefNote>();
    let tick = 0;
    for (const e of tr) {
      tick += e.deltaTime;
      if (e.type === 'noteOn') {
        const key = `${e.channel}/${e.noteNumber}`;
        const prev = open.get(key);
        if (prev) prev.end = seconds(tick);
        const note = { pitch: e.noteNumber, start: seconds(tick), end: NaN, inst: `${t}/${e.channel}` };
        notes.push(note);
        open.set(key, note);
      } else if (e.type === 'noteOff') {
        const key = `${e.channel}/${e.noteNumber}`;
        const prev = open.get(key);
        if (prev) prev.end = seconds(tick);
        open.delete(key);
      } else if (e.type === 'controller' && e.controllerType === 64) {
        ccs.push({ time: seconds(tick), value: e.value, inst: `${t}/${e.channel}` });
      }
    }
    for (const n of open.values()) n.end = seconds(tick);
  });
  // note-seq: _SUSTAIN_ON = 0, _SUSTAIN_OFF = 1, _NOTE_ON = 2, _NOTE_OFF = 3; stable sort by (time, kind).
  type Ev = { time: number; kind: number; note?: RefNote; inst: string };
  const events: Ev[] = [];
  for (const n of notes) {
    events.push({ time: n.start, kind: 2, note: n, inst: n.inst });
    events.push({ time: n.end, kind: 3, note: n, inst: n.inst });
  }
  for (const c of ccs) events.push({ time: c.time, kind: c.value >= 64 ? 0 : 1, inst: c.inst });
  events.sort((a, b) => a.time - b.time || a.kind - b.kind);
  const active = new Map<string, RefNote[]>();
  const down = new Map<string, boolean>();
  let time = 0;
  for (const ev of events) {
    time = ev.time;
    const list = active.get(ev.inst) ?? [];
    if (ev.kind === 0) down.set(ev.inst, true);
    else if (ev.kind === 1) {
      down.set(ev.inst, false);
      const still: RefNote[] = [];
      for (const n of list) {
        if (n.end < time) n.end = time;
        else still.push(n);
      }
      active.set(ev.inst, still);
    } else if (ev.kind === 2) {
      let next = list;
      if (down.get(ev.inst)) {
        next = [];
        for (const n of list) {
          if (n.pitch === ev.note!.pitch) n.end = time;
          else next.push(n);
        }
      }
      next.push(ev.note!);
      active.set(ev.inst, next);
    } else if (!down.get(ev.inst)) {
      const i = list.indexOf(ev.note!);
      if (i >= 0) list.splice(i, 1);
    }
  }
  for (const list of active.values()) for (const n of list) n.end = time;
  return notes
    .map(({ pitch, start, end }) => ({ pitch, start, end }))
    .sort((a, b) => a.start - b.start || a.pitch - b.pitch || a.end - b.end);
}

describe('midiToNoteSequence on hand-built files', () => {
  it('reads notes, velocity-0 note-offs, programs, names, tempo and signatures', () => {
    const bytes = midiFile([
      [
        { tick: 0, type: 'trackName', text: 'Conductor', meta: true },
        { tick: 0, type: 'setTempo', microsecondsPerBeat: 500_000, meta: true },
        {
          tick: 0,
          type: 'timeSignature',
          numerator: 6,
          denominator: 8,
          metronome: 24,
          thirtyseconds: 8,
          meta: true,
        },
        { tick: 0, type: 'keySignature', key: 2, scale: 0, meta: true },
        { tick: 960, type: 'setTempo', microsecondsPerBeat: 1_000_000, meta: true },
        { tick: 960, type: 'keySignature', key: -3, scale: 1, meta: true },
      ],
      [
        { tick: 0, type: 'trackName', text: 'Violin', meta: true },
        { tick: 0, type: 'programChange', channel: 0, programNumber: 40 },
        on(0, 60),
        on(480, 60, 0), // velocity 0 = note-off
        on(960, 64, 90),
        off(1440, 64),
      ],
      [{ tick: 0, type: 'trackName', text: 'Kit', meta: true }, on(0, 36, 100, 9), off(240, 36, 9)],
    ]);
    const ns = midiToNoteSequence(bytes, { path: 'x.mid' });
    expect(ns.source).toEqual({ kind: 'midi', title: 'Conductor', path: 'x.mid' });
    expect(
      ns.notes.map((n) => [n.pitch, n.velocity, n.startTime, n.endTime, n.program, n.instrument, n.isDrum]),
    ).toEqual([
      [36, 100, 0, 0.25, 0, 1, true],
      [60, 80, 0, 0.5, 40, 0, false],
      // 960 ticks at 120 qpm = 1 s, then 480 ticks at 60 qpm = 1 s.
      [64, 90, 1, 2, 40, 0, false],
    ]);
    expect(ns.instruments).toEqual([
      { instrument: 0, name: 'Violin', program: 40, isDrum: false, channel: 0 },
      { instrument: 1, name: 'Kit', program: 0, isDrum: true, channel: 9 },
    ]);
    expect(ns.tempos).toEqual([
      { time: 0, qpm: 120 },
      { time: 1, qpm: 60 },
    ]);
    expect(ns.timeSignatures).toEqual([{ time: 0, numerator: 6, denominator: 8 }]);
    expect(ns.keySignatures).toEqual([
      { time: 0, key: 2, mode: 'major' }, // D major
      { time: 1, key: 0, mode: 'minor' }, // C minor (3 flats)
    ]);
    expect(ns.totalTime).toBe(2);
  });

  it('ends a note struck again before its release at the new onset, and unreleased notes at the track end', () => {
    const ns = midiToNoteSequence(
      midiFile([
        [
          on(0, 60),
          on(240, 60, 70),
          off(480, 60),
          on(600, 62),
          { tick: 960, type: 'marker', text: 'end', meta: true },
        ],
      ]),
    );
    expect(spans(ns)).toEqual([
      [60, 0, sec(240)],
      [60, sec(240), sec(480)],
      [62, sec(600), sec(960)],
    ]);
  });

  it('applies the sustain pedal like note-seq', () => {
    const ns = midiToNoteSequence(
      midiFile([
        [
          on(0, 60),
          pedal(100, 127),
          off(200, 60), // released under the pedal: sounds until the pedal goes up at 400
          pedal(300, 100), // still down
          pedal(400, 0),
          on(500, 62),
          off(600, 62), // pedal up: unchanged
          on(700, 64),
          pedal(800, 64), // 64 counts as down
          off(800, 64), // released at the very tick the pedal goes down: held (pedal first)
          on(900, 64), // struck again under the pedal: the held note ends here
          off(950, 64),
          on(1000, 65),
          off(1100, 65),
          pedal(1200, 63), // < 64 counts as up: ends 64 (struck at 900) and 65
          on(1300, 67),
          pedal(1400, 127),
          off(1500, 67), // pedal never lifted: ends at the last pedal or note event of the file
          pedal(1700, 127),
        ],
      ]),
    );
    expect(spans(ns)).toEqual([
      [60, 0, sec(400)],
      [62, sec(500), sec(600)],
      [64, sec(700), sec(900)],
      [64, sec(900), sec(1200)],
      [65, sec(1000), sec(1200)],
      [67, sec(1300), sec(1700)],
    ]);
    expect(ns.totalTime).toBe(sec(1700));
  });

  it('keeps the pedal per channel and per track', () => {
    const ns = midiFile([
      [pedal(0, 127, 1), on(0, 60, 80, 0), off(100, 60, 0), pedal(400, 0, 1)],
      [on(0, 62), off(100, 62), pedal(500, 0)],
    ]);
    expect(spans(midiToNoteSequence(ns))).toEqual([
      [60, 0, sec(100)],
      [62, 0, sec(100)],
    ]);
  });

  // 12 files by default; MIDI_REF_FILES=132 checks all of MAESTRO 2004 (about 15 s; all agree).
  it('agrees with a literal port of note-seq sustain on MAESTRO files', { skip: !HAS_SHARED_DATA }, () => {
    for (const f of maestroFiles().slice(0, Number(process.env.MIDI_REF_FILES ?? 12))) {
      const bytes = readFileSync(`${MAESTRO_DIR}/${f}`);
      const ours = midiToNoteSequence(bytes).notes.map((n) => ({
        pitch: n.pitch,
        start: n.startTime,
        end: n.endTime,
      }));
      ours.sort((a, b) => a.start - b.start || a.pitch - b.pitch || a.end - b.end);
      const ref = referenceNotes(bytes);
      expect(ours.length).toBe(ref.length);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) {
        expect(ours[i].pitch).toBe(ref[i].pitch);
        worst = Math.max(worst, Math.abs(ours[i].start - ref[i].start), Math.abs(ours[i].end - ref[i].end));
      }
      expect(worst, f).toBeLessThan(1e-9);
    }
  });
});

describe.skipIf(!HAS_SHARED_DATA)('MAESTRO 2004', () => {
  it('imports all 132 files: 815,032 notes, durations within 0.5% of the metadata', () => {
    const files = maestroFiles();
    expect(files).toHaveLength(132);
    const durations = maestroDurations();
    let notes = 0;
    let seconds = 0;
    let expected = 0;
    let parseMs = 0;
    for (const f of files) {
      const bytes = readFileSync(`${MAESTRO_DIR}/${f}`);
      const t0 = performance.now();
      const result = importMidiBytes(bytes, f);
      parseMs += performance.now() - t0;
      expect(result.issues, f).toEqual([]);
      expect(result.items).toHaveLength(1);
      const ns = result.items[0].sequence;
      notes += ns.notes.length;
      seconds += ns.totalTime;
      expect(durations.has(`2004/${f}`), f).toBe(true);
      expected += durations.get(`2004/${f}`)!;
    }
    expect(notes).toBe(815_032);
    expect(Math.abs(seconds - expected) / expected).toBeLessThan(0.005);
    console.log(
      `MAESTRO 2004: ${notes} notes, ${seconds.toFixed(0)} s (csv ${expected.toFixed(0)} s), ` +
        `midiToNoteSequence ${parseMs.toFixed(0)} ms, ${Math.round(notes / (parseMs / 1000))} notes/s`,
    );
  });

  it('gives sorted notes and one piano instrument with the pedal applied', () => {
    const ns = midiToNoteSequence(readFileSync(`${MAESTRO_DIR}/${FIRST_MAESTRO}`));
    for (let i = 1; i < ns.notes.length; i++) {
      const a = ns.notes[i - 1];
      const b = ns.notes[i];
      expect(a.startTime < b.startTime || (a.startTime === b.startTime && a.pitch <= b.pitch)).toBe(true);
    }
    expect(ns.instruments).toEqual([{ instrument: 0, name: '', program: 0, isDrum: false, channel: 0 }]);
    expect(ns.tempos).toHaveLength(1);
    expect(ns.notes.every((n) => n.endTime >= n.startTime && n.pitch >= 21 && n.pitch <= 108)).toBe(true);
  });
});

/** Compare notes ignoring order within equal (start, pitch): times within `tol` seconds. */
function expectSameNotes(original: Note[], copy: Note[], tol: number): void {
  expect(copy.length).toBe(original.length);
  const order = (x: Note, y: Note): number =>
    Math.round(x.startTime * 1000) - Math.round(y.startTime * 1000) ||
    x.pitch - y.pitch ||
    Number(x.isDrum) - Number(y.isDrum) ||
    x.program - y.program;
  const a = [...original].sort(order);
  const b = [...copy].sort(order);
  const key = (n: Note): string => `${n.pitch}/${n.velocity}/${n.program}/${n.isDrum}`;
  for (let i = 0; i < a.length; i++) {
    expect(key(b[i])).toBe(key(a[i]));
    expect(Math.abs(b[i].startTime - a[i].startTime)).toBeLessThanOrEqual(tol);
    expect(Math.abs(b[i].endTime - a[i].endTime)).toBeLessThanOrEqual(tol);
  }
}

describe('noteSequenceToMidi round trip', () => {
  it.skipIf(!HAS_SHARED_DATA)('gives back the same notes for a MAESTRO file', () => {
    const ns = midiToNoteSequence(readFileSync(`${MAESTRO_DIR}/${FIRST_MAESTRO}`));
    const back = midiToNoteSequence(noteSequenceToMidi(ns));
    // Same tempo and resolution (480 ticks per quarter): exact up to float noise.
    expectSameNotes(ns.notes, back.notes, 1e-9);
    expect(back.totalTime).toBeCloseTo(ns.totalTime, 9);
    expect(back.tempos).toEqual(ns.tempos);
  });

  it('keeps tracks, programs, drums, tempo changes and signatures', () => {
    const note = (
      pitch: number,
      start: number,
      end: number,
      instrument: number,
      program: number,
      isDrum = false,
    ): Note => ({
      pitch,
      velocity: 30 + pitch,
      startTime: start,
      endTime: end,
      program,
      instrument,
      isDrum,
    });
    const notes: Note[] = [];
    for (let i = 0; i < 16; i++) {
      const t = i * 0.5;
      notes.push(note(60 + (i % 7), t, t + 0.45, 0, 0));
      if (i % 2 === 0) notes.push(note(36 + (i % 5), t, t + 0.9, 1, 33));
      notes.push(note(i % 4 === 0 ? 36 : 42, t, t + 0.1, 2, 0, true));
    }
    notes.push(note(72, 3.1, 3.3, 0, 48)); // a program change inside instrument 0
    notes.sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch);
    const ns: NoteSequence = {
      notes,
      tempos: [
        { time: 0, qpm: 100 },
        { time: 2.4, qpm: 150 },
        { time: 5.2, qpm: 72.5 },
      ],
      timeSignatures: [
        { time: 0, numerator: 3, denominator: 4 },
        { time: 3.6, numerator: 7, denominator: 8 },
      ],
      keySignatures: [
        { time: 0, key: 9, mode: 'minor' },
        { time: 3.6, key: 3, mode: 'major' },
      ],
      instruments: [
        { instrument: 0, name: 'Piano', program: 0, isDrum: false, channel: 0 },
        { instrument: 1, name: 'Bass', program: 33, isDrum: false, channel: 1 },
        { instrument: 2, name: 'Drums', program: 0, isDrum: true, channel: 9 },
      ],
      totalTime: 8,
      source: { kind: 'generated', title: 'Round trip' },
    };
    const back = midiToNoteSequence(noteSequenceToMidi(ns));
    // Half a tick at the fastest tempo: 0.5 / 480 quarters at 150 qpm.
    expectSameNotes(ns.notes, back.notes, (0.5 / 480) * (60 / 150) + 1e-9);
    expect(back.tempos.map((t) => t.qpm)).toEqual([100, 150, 72.5].map((q) => expect.closeTo(q, 3)));
    back.tempos.forEach((t, i) => expect(t.time).toBeCloseTo(ns.tempos[i].time, 3));
    expect(back.timeSignatures.map((t) => [t.numerator, t.denominator])).toEqual([
      [3, 4],
      [7, 8],
    ]);
    expect(back.keySignatures.map((k) => [k.key, k.mode])).toEqual([
      [9, 'minor'],
      [3, 'major'],
    ]);
    expect(back.source.title).toBe('Round trip');
    const names = back.instruments.map((i) => [i.name, i.program, i.isDrum, i.channel]);
    expect(names).toEqual([
      ['Piano', 0, false, 0],
      ['Piano', 48, false, 2], // the program change gets its own track, on a free channel
      ['Bass', 33, false, 1],
      ['Drums', 0, true, 9],
    ]);
  });

  it.skipIf(!HAS_SHARED_DATA)('gives back the notes of a multi-track Nottingham file', () => {
    const ns = midiToNoteSequence(readFileSync(sharedData('nottingham', 'MIDI', 'jigs1.mid')));
    expect(ns.instruments.length).toBeGreaterThan(1);
    const back = midiToNoteSequence(noteSequenceToMidi(ns));
    const qpm = Math.max(...ns.tempos.map((t) => t.qpm), 120);
    expectSameNotes(ns.notes, back.notes, (0.5 / 480) * (60 / qpm) + 1e-9);
    expect(back.instruments.map((i) => [i.name, i.program, i.isDrum])).toEqual(
      ns.instruments.map((i) => [i.name, i.program, i.isDrum]),
    );
  });
});

describe('bad input', () => {
  const reasonOf = (bytes: Uint8Array): string => {
    const result = importMidiBytes(bytes, 'bad.mid');
    expect(result.items).toEqual([]);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0].severity).toBe('error');
    expect(result.issues[0].file).toBe('bad.mid');
    return result.issues[0].reason;
  };

  it('reports a zero-byte file', () => {
    expect(reasonOf(new Uint8Array(0))).toBe('empty file (0 bytes)');
  });

  it.skipIf(!HAS_SHARED_DATA)('reports a truncated file with where the track should end', () => {
    const good = readFileSync(`${MAESTRO_DIR}/${FIRST_MAESTRO}`);
    const half = good.subarray(0, Math.floor(good.length / 2));
    expect(reasonOf(half)).toMatch(new RegExp(`^truncated: track 2 ends at byte \\d+ of ${half.length}$`));
    expect(() => midiToNoteSequence(half)).toThrow(MidiFormatError);
  });

  it('reports random bytes as not a MIDI file', () => {
    let seed = 12345;
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    expect(reasonOf(random)).toBe('not a MIDI file: missing MThd header');
  });

  it('reports garbage inside a well-framed track', () => {
    const bytes = midiFile([[on(0, 60), off(10, 60)]]);
    // Replace the first event's status byte with 0xF4, an undefined system message.
    bytes[14 + 8 + 1] = 0xf4;
    expect(reasonOf(bytes)).toMatch(/^corrupt MIDI data: /);
  });

  it('reports a note event cut off at the end of its track', () => {
    const events = [0x00, 0x90, 60, 80, 0x0a, 0x90, 62];
    const bytes = Uint8Array.from([
      ...[0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0],
      ...[0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, events.length],
      ...events,
    ]);
    expect(reasonOf(bytes)).toBe('corrupt MIDI data: unreadable note event in track 1 at tick 10');
  });

  it('reports a MIDI file without notes', () => {
    const bytes = midiFile([[{ tick: 0, type: 'setTempo', microsecondsPerBeat: 500_000, meta: true }]]);
    expect(midiToNoteSequence(bytes).notes).toEqual([]);
    expect(reasonOf(bytes)).toBe('MIDI file has no notes');
  });

  it('reports a header that promises more tracks than the file holds', () => {
    const bytes = midiFile([[on(0, 60), off(10, 60)]]);
    bytes[11] = 3;
    expect(reasonOf(bytes)).toBe('truncated: header declares 3 tracks but the file ends after 1');
  });
});
