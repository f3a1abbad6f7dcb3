/**
 * Everything MIDI in one object that lives as long as the app (so devices, capture and a jam
 * survive switching sections): the devices, the live input path, seed capture, musical typing
 * and the jam. The MIDI panel and the jam panel show it.
 */
import type { ContinuoApi } from '../../../../shared/ipc/api.ts';
import type { SettingsModel } from '../settings.svelte.ts';
import { piano } from '../audio/piano.ts';
import { SeedCapture } from './capture.svelte.ts';
import { MidiDevices } from './devices.svelte.ts';
import { Jam } from './jam.svelte.ts';
import { panicMessages } from './live_events.ts';
import { LiveInput, type LiveSource } from './live_input.svelte.ts';
import { percentile } from './latency.ts';
import { routePlaybackToOutputs } from './playback_output.svelte.ts';
import type { RecordingTarget } from './recording_target.ts';
import {
  DEFAULT_TYPING_OCTAVE,
  DEFAULT_TYPING_VELOCITY,
  stepTyping,
  typingAction,
  type TypingState,
} from './typing.ts';

export class MidiStudio {
  readonly devices: MidiDevices;
  readonly input: LiveInput;
  readonly capture: SeedCapture;
  readonly jam: Jam;
  /** Musical typing on (off by default, so the editor's one-key shortcuts keep working). */
  typingOn = $state(false);
  typing = $state<TypingState>({ octave: DEFAULT_TYPING_OCTAVE, velocity: DEFAULT_TYPING_VELOCITY });
  /** What the last panic did. */
  panicNotice = $state<string | undefined>(undefined);

  private target: RecordingTarget | undefined;
  /** Typed keys held down, by key code, and the pitch each plays. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  private readonly typed = new Map<string, number>();

  constructor(
    api: ContinuoApi,
    private readonly settings: SettingsModel,
  ) {
    this.devices = new MidiDevices({
      remembered: settings.settings.midi,
      remember: (midi) => settings.save({ midi }),
    });
    this.input = new LiveInput(this.devices);
    this.capture = new SeedCapture(this.input, () => this.target);
    this.jam = new Jam(api, this.devices, this.input, () => this.target);
    // Lives as long as the app, as the studio does.
    routePlaybackToOutputs(this.devices);
    void piano.start();
  }

  /** The project recording goes into (the Compose screen's session). */
  setTarget(target: RecordingTarget | undefined): void {
    this.target = target;
  }

  /** Asks for MIDI access once the remembered choices are loaded. */
  async enable(requestMIDIAccessFunction?: () => Promise<unknown>): Promise<void> {
    if (!this.settings.loaded) await this.settings.load();
    this.devices.adopt(this.settings.settings.midi);
    await this.devices.enable(requestMIDIAccessFunction);
  }

  /** Plays a note-on or note-off from the on-screen keyboard or typing, timed now (or at `time`). */
  play(
    kind: 'noteOn' | 'noteOff',
    pitch: number,
    source: LiveSource,
    velocity = this.typing.velocity,
    time = performance.now(),
  ): void {
    void piano.toneLib?.start();
    if (kind === 'noteOn') this.input.play({ kind, pitch, velocity, time }, source);
    else this.input.play({ kind, pitch, time }, source);
  }

  /** Musical typing, keydown: returns true when the key was used (the caller stops it going further). */
  keyDown(event: KeyboardEvent): boolean {
    if (!this.typingOn || event.ctrlKey || event.metaKey || event.altKey) return false;
    const action = typingAction(event.code, this.typing);
    if (!action) return false;
    if (event.repeat) return true;
    if (action.kind === 'note') {
      if (this.typed.has(event.code)) return true;
      this.typed.set(event.code, action.pitch);
      this.play('noteOn', action.pitch, 'typing', this.typing.velocity, event.timeStamp);
    } else this.typing = stepTyping(this.typing, action);
    return true;
  }

  keyUp(event: KeyboardEvent): boolean {
    const pitch = this.typed.get(event.code);
    if (pitch === undefined) return false;
    this.typed.delete(event.code);
    this.play('noteOff', pitch, 'typing', 0, event.timeStamp);
    return true;
  }

  /** Releases every typed key (the window lost focus, or typing was switched off). */
  releaseTyped(): void {
    for (const pitch of this.typed.values()) this.play('noteOff', pitch, 'typing');
    this.typed.clear();
  }

  /** Panic: all-notes-off and reset-controllers on every channel of every chosen output; the piano falls silent. */
  panic(): void {
    this.jam.stop();
    const outputs = this.devices.playOutputs.length;
    for (const message of panicMessages()) this.devices.send(message);
    piano.releaseAll();
    this.panicNotice =
      outputs > 0
        ? `Sent all-notes-off and reset-controllers on 16 channels of ${outputs} output${outputs === 1 ? '' : 's'}`
        : 'The piano was silenced (no MIDI output chosen)';
  }

  /** Figures for tests and the benchmark (window.__continuoMidi). */
  probe(): MidiProbe {
    const output = this.input.latency.list('output');
    const pianoSamples = this.input.latency.list('piano');
    return {
      state: this.devices.state,
      latency: {
        output,
        piano: pianoSamples,
        outputP95: percentile(output, 95),
        pianoP95: percentile(pianoSamples, 95),
      },
      jam: {
        state: this.jam.state,
        calls: this.jam.calls,
        answers: this.jam.answers,
        last: $state.snapshot(this.jam.last),
        inspect: this.jam.inspect(),
      },
      tracks: (this.target?.project.tracks ?? []).map((track) => ({
        name: track.name,
        kind: track.kind,
        notes: track.notes.map((n) => ({
          pitch: n.pitch,
          velocity: n.velocity,
          start: n.start,
          duration: n.duration,
        })),
        controllers: track.controllers.map((c) => ({ ...c })),
      })),
      tempos: (this.target?.project.tempos ?? []).map((t) => ({ ...t })),
      playheadTick: this.target?.playheadTick ?? 0,
    };
  }

  clearLatency(): void {
    this.input.latency.clear();
  }
}

/** What `probe()` reports. */
export interface MidiProbe {
  state: string;
  latency: { output: number[]; piano: number[]; outputP95: number; pianoP95: number };
  jam: { state: string; calls: number; answers: number; last: unknown; inspect: Record<string, unknown> };
  tracks: {
    name: string;
    kind: string;
    notes: { pitch: number; velocity: number; start: number; duration: number }[];
    controllers: { tick: number; controller: number; value: number }[];
  }[];
  tempos: { tick: number; qpm: number }[];
  playheadTick: number;
}

let studio: MidiStudio | undefined;

/** The app's one MIDI studio (made on first use). */
export function midiStudio(api: ContinuoApi, settings: SettingsModel): MidiStudio {
  if (!studio) {
    const created = new MidiStudio(api, settings);
    studio = created;
    (globalThis as { __continuoMidi?: unknown }).__continuoMidi = {
      probe: () => created.probe(),
      clearLatency: () => created.clearLatency(),
    };
  }
  return studio;
}
