/**
 * Where the model's notes sound: the chosen MIDI outputs (timestamped sends, on the output
 * channel) and/or the built-in piano (at the matching audio-clock time). Jam answers use it, and
 * so can any other player that wants its notes on the MIDI outputs.
 */
import { piano } from '../audio/piano.ts';
import type { NoteSink } from './answer_player.ts';
import type { MidiDevices } from './devices.svelte.ts';

/** Audio-clock seconds of a performance.now time (ms); the past becomes now. */
function audioTime(atMs: number): number | undefined {
  const Tone = piano.toneLib;
  if (!Tone) return undefined;
  return Tone.immediate() + Math.max(0, atMs - performance.now()) / 1000;
}

/** Runs a piano call; a failure of the built-in piano (e.g. Tone refusing a time) never stops MIDI output. */
function safely(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.warn('The built-in piano could not play a note:', error);
  }
}

/** A sink sending notes to the devices' chosen outputs and, when the settings say so, the piano. */
export function deviceSink(devices: MidiDevices): NoteSink {
  return {
    noteOn(pitch, velocity, atMs) {
      const channel = devices.settings.outputChannel - 1;
      devices.send([0x90 | channel, pitch & 0x7f, Math.min(127, Math.max(1, velocity))], atMs);
      if (devices.settings.piano) {
        const time = audioTime(atMs);
        if (time === undefined) void piano.start();
        else safely(() => piano.noteOn(pitch, velocity, time));
      }
    },
    noteOff(pitch, atMs) {
      const channel = devices.settings.outputChannel - 1;
      devices.send([0x80 | channel, pitch & 0x7f, 0], atMs);
      if (devices.settings.piano) {
        const time = audioTime(atMs);
        if (time !== undefined) safely(() => piano.noteOff(pitch, time));
      }
    },
  };
}
