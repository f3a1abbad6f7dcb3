/**
 * The project's playback on the chosen MIDI outputs: while an output is chosen, the player's
 * notes also go there (on the output channel), sent just in time by the player's
 * JustInTimeSender. The built-in piano is not touched here: the player sounds it itself.
 */
import { setExternalNoteSink, type ExternalNoteSink } from '../audio/external_notes.ts';
import type { MidiDevices } from './devices.svelte.ts';
import { startTicker } from './ticker.ts';

/** A sink sending notes to the devices' chosen outputs only. */
export function outputOnlySink(devices: MidiDevices): ExternalNoteSink {
  return {
    noteOn(pitch, velocity, atMs) {
      const channel = devices.settings.outputChannel - 1;
      devices.send([0x90 | channel, pitch & 0x7f, Math.min(127, Math.max(1, Math.round(velocity)))], atMs);
    },
    noteOff(pitch, atMs) {
      const channel = devices.settings.outputChannel - 1;
      devices.send([0x80 | channel, pitch & 0x7f, 0], atMs);
    },
    // A worker ticker: playback keeps reaching the outputs while the window is in the background.
    startTicker,
  };
}

/** Sets the player's external sink whenever an output is chosen and present; returns a stop function. */
export function routePlaybackToOutputs(devices: MidiDevices): () => void {
  const sink = outputOnlySink(devices);
  const dispose = $effect.root(() => {
    $effect(() => {
      const chosen = devices.outputs.some((port) => devices.isOutputChosen(port));
      setExternalNoteSink(chosen ? sink : undefined);
    });
  });
  return () => {
    dispose();
    setExternalNoteSink(undefined);
  };
}
