import type { NoteSequence } from '../../../../shared/music/note_sequence.ts';
import { MAX_WIRE_NOTES, type NoteSequenceWire, type NoteWire } from '../../../../shared/ipc/index.ts';

/**
 * Decoded music as the IPC contract carries it: only the contract's fields, numbers clamped
 * into range, at most MAX_WIRE_NOTES notes. A decoder's stray field or a rounding slip must not
 * make an event break the contract (it would be dropped and the UI would wait forever).
 */

const clamp = (x: number, lo: number, hi: number): number =>
  Math.min(hi, Math.max(lo, Number.isFinite(x) ? x : lo));
const midi7 = (x: number): number => Math.round(clamp(x, 0, 127));
const time = (x: number): number => clamp(x, 0, 1e6);

/** The wire form of some notes. */
export function wireNotes(notes: NoteSequence['notes']): NoteWire[] {
  return notes.slice(0, MAX_WIRE_NOTES).map((note) => ({
    pitch: midi7(note.pitch),
    velocity: midi7(note.velocity),
    startTime: time(note.startTime),
    endTime: Math.max(time(note.startTime), time(note.endTime)),
    program: midi7(note.program),
    instrument: Math.round(clamp(note.instrument, 0, 1000)),
    isDrum: Boolean(note.isDrum),
  }));
}

/** The wire form of a whole sequence. */
export function wireSequence(ns: NoteSequence): NoteSequenceWire {
  const notes = wireNotes(ns.notes);
  const last = notes.reduce((end, note) => Math.max(end, note.endTime), 0);
  return {
    notes,
    tempos: ns.tempos.slice(0, 1000).map((t) => ({ time: time(t.time), qpm: clamp(t.qpm, 1, 10_000) })),
    timeSignatures: ns.timeSignatures
      .slice(0, 1000)
      .filter((t) => t.numerator > 0 && t.denominator > 0)
      .map((t) => ({
        time: time(t.time),
        numerator: Math.round(t.numerator),
        denominator: Math.round(t.denominator),
      })),
    keySignatures: ns.keySignatures
      .slice(0, 1000)
      .map((k) => ({ time: time(k.time), key: Math.round(clamp(k.key, 0, 11)), mode: k.mode })),
    instruments: ns.instruments.slice(0, 256).map((i) => ({
      instrument: Math.round(clamp(i.instrument, 0, 1e6)),
      name: i.name.slice(0, 200),
      program: midi7(i.program),
      isDrum: i.isDrum,
      ...(i.channel !== undefined ? { channel: Math.round(clamp(i.channel, 0, 15)) } : {}),
    })),
    totalTime: Math.max(time(ns.totalTime), last),
    source: {
      kind: 'generated',
      ...(ns.source.title ? { title: ns.source.title.slice(0, 500) } : {}),
    },
  };
}
