/**
 * The one path every live note takes — from a MIDI input, musical typing or the on-screen
 * keyboard: it sounds at once (thru to the chosen outputs and the built-in piano, synchronously,
 * before anything else sees it; never through the model, the engine or IPC), then goes to the
 * listeners (capture, recording, jam). The pedal holds the built-in piano's notes as a piano's would.
 */
import { piano } from '../audio/piano.ts';
import type { MidiDevices } from './devices.svelte.ts';
import { channelMessage, parseChannelMessage, SUSTAIN, type LiveEvent } from './live_events.ts';
import { LatencyLog } from './latency.ts';
import { PEDAL_DOWN_FROM } from '../../../../shared/music/sustain.ts';

/** Where a live event came from. */
export type LiveSource = 'midi' | 'typing' | 'screen';

/** Pitches the built-in piano should hear released, with the pedal taken into account. */
class PianoPedal {
  private down = false;
  private readonly held = new Set<number>();
  private readonly sustained = new Set<number>();

  noteOn(pitch: number): void {
    this.held.add(pitch);
    this.sustained.delete(pitch);
  }

  /** True when the piano should release the note now (false: the pedal holds it). */
  noteOff(pitch: number): boolean {
    this.held.delete(pitch);
    if (!this.down) return true;
    this.sustained.add(pitch);
    return false;
  }

  /** Pitches to release now (the pedal came up). */
  pedal(down: boolean): number[] {
    this.down = down;
    if (down) return [];
    const released = [...this.sustained];
    this.sustained.clear();
    return released;
  }
}

export class LiveInput {
  /** Pitches sounding now (for the on-screen keyboard). */
  // Replaced whole on each change (never mutated), so a plain Set is reactive enough.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  sounding = $state<ReadonlySet<number>>(new Set());
  pedalDown = $state(false);

  readonly latency = new LatencyLog();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: the live path
  private readonly listeners = new Set<(event: LiveEvent, source: LiveSource) => void>();
  private readonly pedal = new PianoPedal();

  constructor(private readonly devices: MidiDevices) {
    devices.onMessage((data, timestamp) => this.onMidi(data, timestamp));
  }

  /** Listens to every live event after it has sounded; returns an unsubscribe. */
  onEvent(listener: (event: LiveEvent, source: LiveSource) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Plays one event: thru first, then the listeners. */
  play(event: LiveEvent, source: LiveSource): void {
    this.thru(event);
    if (event.kind === 'noteOn' || event.kind === 'noteOff') {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaces `sounding` whole
      const next = new Set(this.sounding);
      if (event.kind === 'noteOn') next.add(event.pitch);
      else next.delete(event.pitch);
      this.sounding = next;
    } else if (event.controller === SUSTAIN) this.pedalDown = event.value >= PEDAL_DOWN_FROM;
    for (const listener of this.listeners) listener(event, source);
  }

  private onMidi(data: ArrayLike<number>, timestamp: number): void {
    const parsed = parseChannelMessage(data, timestamp);
    if (!parsed) return;
    const filter = this.devices.settings.inputChannel;
    if (filter !== 0 && parsed.channel !== filter - 1) return;
    this.play(parsed.event, 'midi');
  }

  /** Sounds an event at once on the chosen outputs and the built-in piano. */
  private thru(event: LiveEvent): void {
    const outputs = this.devices.playOutputs;
    if (outputs.length > 0) {
      this.devices.send(channelMessage(event, this.devices.settings.outputChannel - 1));
      if (event.kind === 'noteOn') this.latency.add('output', performance.now() - event.time);
    }
    if (!this.devices.settings.piano) return;
    const Tone = piano.toneLib;
    if (!Tone) {
      void piano.start();
      return;
    }
    try {
      this.pianoThru(event, Tone.immediate());
    } catch (error) {
      // The piano must never hold up the listeners (capture, jam) or the outputs.
      console.warn('The built-in piano could not play a live note:', error);
    }
  }

  /** `now` is the audio clock now (`immediate()`): live notes skip Tone's look-ahead. */
  private pianoThru(event: LiveEvent, now: number): void {
    if (event.kind === 'noteOn') {
      this.pedal.noteOn(event.pitch);
      piano.noteOn(event.pitch, event.velocity, now);
      this.latency.add('piano', performance.now() - event.time);
    } else if (event.kind === 'noteOff') {
      if (this.pedal.noteOff(event.pitch)) piano.noteOff(event.pitch, now);
    } else if (event.controller === SUSTAIN) {
      for (const pitch of this.pedal.pedal(event.value >= PEDAL_DOWN_FROM)) piano.noteOff(pitch, now);
    }
  }
}
