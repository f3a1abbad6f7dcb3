/**
 * What a musician plays, as the live input path carries it: notes and controller changes, each
 * at the moment it happened (ms, `performance.now()` timebase: a MIDI event's own timestamp,
 * or the key press's for musical typing and the on-screen keyboard).
 */

/** A key pressed (velocity 1..127). */
export interface LiveNoteOn {
  kind: 'noteOn';
  pitch: number;
  velocity: number;
  time: number;
}

/** A key released. */
export interface LiveNoteOff {
  kind: 'noteOff';
  pitch: number;
  time: number;
}

/** A controller change (64 = sustain pedal). */
export interface LiveControl {
  kind: 'control';
  controller: number;
  value: number;
  time: number;
}

export type LiveEvent = LiveNoteOn | LiveNoteOff | LiveControl;

/** The sustain pedal's controller number. */
export const SUSTAIN = 64;

/** A channel message from a MIDI input as a live event and its channel (0..15); other messages give undefined. */
export function parseChannelMessage(
  data: ArrayLike<number>,
  time: number,
): { event: LiveEvent; channel: number } | undefined {
  if (data.length < 3) return undefined;
  const status = data[0] & 0xf0;
  const channel = data[0] & 0x0f;
  const a = data[1] & 0x7f;
  const b = data[2] & 0x7f;
  if (status === 0x90 && b > 0) return { event: { kind: 'noteOn', pitch: a, velocity: b, time }, channel };
  if (status === 0x80 || status === 0x90) return { event: { kind: 'noteOff', pitch: a, time }, channel };
  if (status === 0xb0) return { event: { kind: 'control', controller: a, value: b, time }, channel };
  return undefined;
}

/** The bytes of a live event on a channel (0..15). */
export function channelMessage(event: LiveEvent, channel: number): number[] {
  const ch = channel & 0x0f;
  if (event.kind === 'noteOn') return [0x90 | ch, event.pitch & 0x7f, event.velocity & 0x7f];
  if (event.kind === 'noteOff') return [0x80 | ch, event.pitch & 0x7f, 0];
  return [0xb0 | ch, event.controller & 0x7f, event.value & 0x7f];
}

/** Panic: all-notes-off (CC123), all-sound-off (CC120) and reset-all-controllers (CC121) on all 16 channels. */
export function panicMessages(): number[][] {
  const out: number[][] = [];
  for (let ch = 0; ch < 16; ch++) {
    out.push([0xb0 | ch, 123, 0], [0xb0 | ch, 120, 0], [0xb0 | ch, 121, 0]);
  }
  return out;
}
