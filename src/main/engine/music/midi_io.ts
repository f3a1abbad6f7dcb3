/**
 * All MIDI file I/O: Standard MIDI File bytes <-> NoteSequence, and multi-track files (a project's
 * export) -> bytes. Nothing else in the app reads or writes MIDI bytes.
 *
 * Reading follows Magenta note-seq (`midi_io` + `apply_sustain_control_changes`) and is built in one
 * pass over `midi-file`'s events (much faster than @tonejs/midi's reader). Writing (midi_write.ts)
 * uses @tonejs/midi.
 */
import { parseMidi, type MidiData, type MidiEvent } from 'midi-file';
import { keyFromSharps } from '../../../shared/music/key_signatures.ts';
import {
  type InstrumentInfo,
  type KeySignature,
  type Note,
  type NoteSequence,
  type SequenceSource,
  type TempoChange,
  type TimeSignature,
} from '../../../shared/music/note_sequence.ts';
import type { FileImport } from './music_item.ts';
import { DRUM_CHANNEL } from './midi_write.ts';

export { multiTrackToMidi, noteSequenceToMidi } from './midi_write.ts';

/** A file that is not a readable Standard MIDI File; the message says why, for a person. */
export class MidiFormatError extends Error {
  override name = 'MidiFormatError';
}

const SUSTAIN_CC = 64;
const DEFAULT_US_PER_QUARTER = 500_000;

/** Read a 4-byte big-endian length. */
function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

function chunkId(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * Check the chunk layout before `midi-file` reads it: that parser reads past the end of short
 * data without complaint, so a truncated file would give garbage rather than an error.
 */
function checkChunks(bytes: Uint8Array): void {
  const size = bytes.length;
  if (size === 0) throw new MidiFormatError('empty file (0 bytes)');
  if (size < 14 || chunkId(bytes, 0) !== 'MThd') {
    throw new MidiFormatError('not a MIDI file: missing MThd header');
  }
  const headerLength = uint32(bytes, 4);
  if (headerLength < 6) throw new MidiFormatError(`not a MIDI file: MThd header length ${headerLength} < 6`);
  const declared = (bytes[10] << 8) | bytes[11];
  const division = (bytes[12] << 8) | bytes[13];
  if (division === 0) throw new MidiFormatError('corrupt MIDI header: 0 ticks per quarter note');
  let at = 8 + headerLength;
  for (let track = 1; track <= declared; track++) {
    if (at >= size) {
      throw new MidiFormatError(
        `truncated: header declares ${declared} tracks but the file ends after ${track - 1}`,
      );
    }
    if (at + 8 > size) throw new MidiFormatError(`truncated: track ${track} header cut at byte ${size}`);
    const id = chunkId(bytes, at);
    if (id !== 'MTrk') {
      throw new MidiFormatError(
        `corrupt MIDI: expected track ${track} (MTrk) at byte ${at}, found ${JSON.stringify(id)}`,
      );
    }
    const end = at + 8 + uint32(bytes, at + 4);
    if (end > size) throw new MidiFormatError(`truncated: track ${track} ends at byte ${end} of ${size}`);
    at = end;
  }
}

/** Tick -> seconds for the whole file (tempo events from every track, as in a type-1 file). */
class TickClock {
  private readonly ticks: number[] = [0];
  private readonly secs: number[] = [0];
  private readonly secPerTick: number[];
  /** Tempo changes as stored in a NoteSequence. */
  readonly tempos: TempoChange[] = [];

  /** `changes`: every tempo event of the file, with its tick, in file order. */
  constructor(header: MidiData['header'], changes: { tick: number; us: number }[]) {
    const { ticksPerBeat, framesPerSecond, ticksPerFrame } = header;
    if (!ticksPerBeat) {
      // SMPTE time: ticks are a fixed fraction of a second, tempo events do not change timing.
      this.secPerTick = [1 / ((framesPerSecond ?? 25) * (ticksPerFrame ?? 40))];
      return;
    }
    // Stable: of two tempos at one tick, the later in the file wins.
    changes.sort((a, b) => a.tick - b.tick);
    this.secPerTick = [DEFAULT_US_PER_QUARTER / 1e6 / ticksPerBeat];
    for (const c of changes) {
      const last = this.ticks.length - 1;
      const spt = c.us / 1e6 / ticksPerBeat;
      if (this.ticks[last] === c.tick) {
        // A later tempo at the same tick replaces the earlier one.
        this.secPerTick[last] = spt;
      } else {
        this.secs.push(this.secs[last] + (c.tick - this.ticks[last]) * this.secPerTick[last]);
        this.ticks.push(c.tick);
        this.secPerTick.push(spt);
      }
    }
    if (changes.length) {
      for (let i = 0; i < this.ticks.length; i++) {
        this.tempos.push({ time: this.secs[i], qpm: 60 / (this.secPerTick[i] * ticksPerBeat) });
      }
    }
  }

  /** Seconds at `tick`. One tempo segment (the common case) needs no search. */
  seconds(tick: number): number {
    const ticks = this.ticks;
    let i = ticks.length - 1;
    if (i > 0 && tick < ticks[i]) {
      let lo = 0;
      let hi = i;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ticks[mid] <= tick) lo = mid;
        else hi = mid - 1;
      }
      i = lo;
    }
    return this.secs[i] + (tick - ticks[i]) * this.secPerTick[i];
  }
}

/** Notes under construction, column-wise in typed arrays (cheap to fill and sort). */
class RawNotes {
  count = 0;
  readonly pitch: Uint8Array;
  readonly velocity: Uint8Array;
  readonly program: Uint8Array;
  readonly startTick: Float64Array;
  readonly endTick: Float64Array;
  /** Index into the parts. */
  readonly part: Int32Array;

  /** `capacity`: an upper bound on the notes (the file's event count). */
  constructor(capacity: number) {
    this.pitch = new Uint8Array(capacity);
    this.velocity = new Uint8Array(capacity);
    this.program = new Uint8Array(capacity);
    this.startTick = new Float64Array(capacity);
    this.endTick = new Float64Array(capacity);
    this.part = new Int32Array(capacity);
  }

  /** The note ids of each part, in start order. */
  idsByPart(parts: number): Int32Array[] {
    const sizes = new Int32Array(parts);
    for (let i = 0; i < this.count; i++) sizes[this.part[i]]++;
    const lists = Array.from(sizes, (size) => new Int32Array(size));
    const filled = new Int32Array(parts);
    for (let i = 0; i < this.count; i++) {
      const p = this.part[i];
      lists[p][filled[p]++] = i;
    }
    return lists;
  }
}

/** One (track, channel) pair that has notes. */
interface Part {
  track: number;
  channel: number;
  name: string;
  program: number;
}

/**
 * Sustain-pedal state of the 16 channels of one track, reduced to what note-seq's
 * `apply_sustain_control_changes` can see: at one tick it handles every pedal-down before every
 * pedal-up, so a tick with any pedal-up (CC64 < 64) leaves the pedal up. The result per channel is
 * an alternating list [downTick, upTick, downTick, ...] with strictly rising ticks.
 */
class PedalTracker {
  readonly changes: number[][] = Array.from({ length: 16 }, () => []);
  private readonly down = new Uint8Array(16);
  private readonly pendingTick = new Float64Array(16).fill(-1);
  private readonly pendingOn = new Uint8Array(16);
  private readonly pendingOff = new Uint8Array(16);

  /** A CC64 event. */
  add(channel: number, tick: number, value: number): void {
    if (this.pendingTick[channel] !== tick) this.flush(channel);
    this.pendingTick[channel] = tick;
    if (value >= 64) this.pendingOn[channel] = 1;
    else this.pendingOff[channel] = 1;
  }

  /** Settle the pending tick of `channel`; call for every channel at the end of the track. */
  flush(channel: number): void {
    const tick = this.pendingTick[channel];
    if (tick < 0) return;
    const isDown = this.pendingOff[channel] ? 0 : this.pendingOn[channel];
    if (isDown !== this.down[channel]) {
      this.down[channel] = isDown;
      this.changes[channel].push(tick);
    }
    this.pendingTick[channel] = -1;
    this.pendingOn[channel] = 0;
    this.pendingOff[channel] = 0;
  }
}

/**
 * Sustain pedal with the result of note-seq's `apply_sustain_control_changes`, in linear time:
 * a note released while the pedal is down sounds on until the pedal goes up, or until the same key
 * is struck again, or (pedal never up) until `lastTick`, the file's last note or pedal event.
 * Unlike note-seq a note cut to zero length is kept, so every struck note stays a note.
 * `noteIds` are one part's notes in start order; `pedal` is its [down, up, down, ...] tick list.
 */
function applySustain(
  raw: RawNotes,
  noteIds: ArrayLike<number>,
  pedal: readonly number[],
  lastTick: number,
): void {
  const { endTick, startTick, pitch } = raw;
  const n = noteIds.length;
  // Start of the next note on the same key in this part (raw pairing already ends a note there).
  const nextSame = new Float64Array(n);
  const nextStartOfPitch = new Float64Array(128).fill(Infinity);
  for (let k = n - 1; k >= 0; k--) {
    const id = noteIds[k];
    nextSame[k] = nextStartOfPitch[pitch[id]];
    nextStartOfPitch[pitch[id]] = startTick[id];
  }
  // Cursor j: the last pedal change at or before the note's release (ends are nearly in order).
  let j = -1;
  const changes = pedal.length;
  for (let k = 0; k < n; k++) {
    const id = noteIds[k];
    const end = endTick[id];
    while (j + 1 < changes && pedal[j + 1] <= end) j++;
    while (j >= 0 && pedal[j] > end) j--;
    // Even index = pedal down: the release is held.
    if (j < 0 || (j & 1) === 1) continue;
    const up = j + 1 < changes ? pedal[j + 1] : Math.max(lastTick, end);
    endTick[id] = Math.max(end, Math.min(up, nextSame[k]));
  }
}

function badNote(track: number, tick: number): MidiFormatError {
  return new MidiFormatError(
    `corrupt MIDI data: unreadable note event in track ${track + 1} at tick ${tick}`,
  );
}

/** Key signature from a MIDI event (sharps -7..7, scale 0 major / 1 minor). */
function keySignatureOf(sharps: number, scale: number, time: number): KeySignature {
  const minor = scale === 1;
  return { time, key: keyFromSharps(sharps, minor), mode: minor ? 'minor' : 'major' };
}

/** Keep one event per time (the last), in time order. */
function lastPerTime<T extends { time: number }>(events: T[]): T[] {
  events.sort((a, b) => a.time - b.time);
  const out: T[] = [];
  for (const e of events) {
    if (out.length && out[out.length - 1].time === e.time) out[out.length - 1] = e;
    else out.push(e);
  }
  return out;
}

/**
 * Read a Standard MIDI File (type 0, 1 or 2) into a NoteSequence, with note-seq semantics:
 * every track and channel; one instrument per (track, channel) pair that has notes, named after its
 * track, with the program in force at its first note; channel 10 flagged as drums; tempo map, time and
 * key signatures; sustain pedal (CC64 >= 64) applied to note ends. A note-on with velocity 0 is a
 * note-off; a note-on for a pitch already sounding on that channel ends the earlier note; a note never
 * released ends at the end of its track. Every note-on with velocity > 0 gives exactly one note.
 * Throws `MidiFormatError` with a readable reason when the bytes are not a readable MIDI file.
 */
export function midiToNoteSequence(bytes: Uint8Array, source: Partial<SequenceSource> = {}): NoteSequence {
  checkChunks(bytes);
  let data: MidiData;
  try {
    data = parseMidi(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MidiFormatError(`corrupt MIDI data: ${reason}`);
  }
  let eventCount = 0;
  for (const events of data.tracks) eventCount += events.length;
  const raw = new RawNotes(eventCount);
  const parts: Part[] = [];
  /** Pedal changes per (track, channel) key (see `PedalTracker`). */
  const pedals = new Map<number, number[]>();
  const timeSignatures: TimeSignature[] = [];
  const keySignatures: KeySignature[] = [];
  const tempoChanges: { tick: number; us: number }[] = [];
  let lastPedalTick = 0;
  let title: string | undefined;

  const open = new Int32Array(16 * 128);
  const programs = new Uint8Array(16);
  const partOfChannel = new Int32Array(16);
  for (let t = 0; t < data.tracks.length; t++) {
    const events: MidiEvent[] = data.tracks[t];
    open.fill(-1);
    programs.fill(0);
    partOfChannel.fill(-1);
    const pedal = new PedalTracker();
    let trackName = '';
    let tick = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      tick += e.deltaTime;
      switch (e.type) {
        case 'noteOn': {
          // midi-file reads past a cut event as undefined, and a status byte where data should be.
          if (!(e.noteNumber < 128 && e.velocity < 128)) throw badNote(t, tick);
          const slot = (e.channel << 7) | e.noteNumber;
          const sounding = open[slot];
          if (sounding >= 0) raw.endTick[sounding] = tick;
          let part = partOfChannel[e.channel];
          if (part < 0) {
            part = parts.length;
            parts.push({
              track: t,
              channel: e.channel,
              name: trackName,
              program: programs[e.channel],
            });
            partOfChannel[e.channel] = part;
          }
          const id = raw.count++;
          raw.pitch[id] = e.noteNumber;
          raw.velocity[id] = e.velocity;
          raw.startTick[id] = tick;
          raw.endTick[id] = tick;
          raw.program[id] = programs[e.channel];
          raw.part[id] = part;
          open[slot] = id;
          break;
        }
        case 'noteOff': {
          if (!(e.noteNumber < 128)) throw badNote(t, tick);
          const slot = (e.channel << 7) | e.noteNumber;
          const sounding = open[slot];
          if (sounding >= 0) {
            raw.endTick[sounding] = tick;
            open[slot] = -1;
          }
          break;
        }
        case 'controller':
          if (e.controllerType === SUSTAIN_CC) {
            pedal.add(e.channel, tick, e.value);
            if (tick > lastPedalTick) lastPedalTick = tick;
          }
          break;
        case 'programChange':
          programs[e.channel] = e.programNumber & 127;
          break;
        case 'trackName':
          if (!trackName) trackName = e.text.trim();
          if (t === 0 && title === undefined && e.text.trim()) title = e.text.trim();
          break;
        case 'timeSignature':
          // Times are set once the whole tempo map is known.
          timeSignatures.push({ time: tick, numerator: e.numerator, denominator: e.denominator });
          break;
        case 'keySignature':
          keySignatures.push(keySignatureOf(e.key, e.scale, tick));
          break;
        case 'setTempo':
          if (e.microsecondsPerBeat > 0) tempoChanges.push({ tick, us: e.microsecondsPerBeat });
          break;
      }
    }
    if (!Number.isFinite(tick))
      throw new MidiFormatError(`corrupt MIDI: track ${t + 1} has unreadable event times`);
    for (let c = 0; c < 16; c++) {
      pedal.flush(c);
      if (pedal.changes[c].length) pedals.set(t * 16 + c, pedal.changes[c]);
    }
    // Notes never released end with their track.
    for (let s = 0; s < open.length; s++) if (open[s] >= 0) raw.endTick[open[s]] = tick;
    // A track name given after the first note still names the track's parts.
    for (let c = 0; c < 16; c++) {
      const part = partOfChannel[c];
      if (part >= 0 && !parts[part].name) parts[part].name = trackName;
    }
  }

  const clock = new TickClock(data.header, tempoChanges);
  for (const ts of timeSignatures) ts.time = clock.seconds(ts.time);
  for (const ks of keySignatures) ks.time = clock.seconds(ks.time);

  // Sustain; a pedal never lifted holds its notes to the file's last note or pedal event (note-seq).
  let lastEventTick = lastPedalTick;
  for (let i = 0; i < raw.count; i++) if (raw.endTick[i] > lastEventTick) lastEventTick = raw.endTick[i];
  if (pedals.size) {
    const ids = raw.idsByPart(parts.length);
    parts.forEach((part, p) => {
      const pedal = pedals.get(part.track * 16 + part.channel);
      if (pedal) applySustain(raw, ids[p], pedal, lastEventTick);
    });
  }

  const notes = buildNotes(
    raw,
    clock,
    parts.map((p) => p.channel === DRUM_CHANNEL),
  );
  let totalTime = 0;
  for (const note of notes) if (note.endTime > totalTime) totalTime = note.endTime;

  const instruments: InstrumentInfo[] = parts.map((p, i) => ({
    instrument: i,
    name: p.name,
    program: p.program,
    isDrum: p.channel === DRUM_CHANNEL,
    channel: p.channel,
  }));
  const ns: NoteSequence = {
    notes,
    tempos: clock.tempos,
    timeSignatures: lastPerTime(timeSignatures),
    keySignatures: lastPerTime(keySignatures),
    instruments,
    totalTime,
    source: { kind: 'midi', ...(title !== undefined ? { title } : {}), ...source },
  };
  return ns;
}

/** Note objects in the canonical order (start, then pitch, then file order). */
function buildNotes(raw: RawNotes, clock: TickClock, drumParts: readonly boolean[]): Note[] {
  const count = raw.count;
  const { startTick, pitch } = raw;
  const order = Array.from({ length: count }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) {
    const d = startTick[i] - startTick[i - 1];
    sorted = d > 0 || (d === 0 && pitch[i] >= pitch[i - 1]);
  }
  // Each track's notes are already in start order, so TimSort mostly merges runs: near linear.
  if (!sorted) order.sort((a, b) => startTick[a] - startTick[b] || pitch[a] - pitch[b] || a - b);
  const notes: Note[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const part = raw.part[i];
    notes[k] = {
      pitch: raw.pitch[i],
      velocity: raw.velocity[i],
      startTime: clock.seconds(raw.startTick[i]),
      endTime: clock.seconds(raw.endTick[i]),
      program: raw.program[i],
      instrument: part,
      isDrum: drumParts[part],
    };
  }
  return notes;
}

/**
 * Import one MIDI file's bytes. Never throws: an unreadable file or one without notes becomes an
 * error issue with the reason; a good file gives one MusicItem.
 */
export function importMidiBytes(bytes: Uint8Array, file: string): FileImport {
  try {
    const sequence = midiToNoteSequence(bytes, { kind: 'midi', path: file });
    if (!sequence.notes.length) {
      return {
        file,
        items: [],
        issues: [{ file, severity: 'error', reason: 'MIDI file has no notes' }],
      };
    }
    return { file, items: [{ sequence }], issues: [] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { file, items: [], issues: [{ file, severity: 'error', reason }] };
  }
}
