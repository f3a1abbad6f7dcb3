/**
 * The MIDI ports (webmidi 3, the same code in Electron and the browser): access asked for
 * without sysex, inputs and outputs listed and followed as devices come and go, the choices
 * remembered by device name (settings.json through `settings.update`), so a keyboard unplugged
 * and plugged back in is chosen again, even after a restart.
 */
import { WebMidi, type Input, type MessageEvent, type Output } from 'webmidi';
import type { MidiSettings } from '../../../../shared/ipc/index.ts';

/** A port as the panel lists it. */
export interface PortView {
  id: string;
  name: string;
  manufacturer: string;
}

/** Where MIDI access stands. */
export type MidiAccessState = 'off' | 'asking' | 'ready' | 'unsupported' | 'refused' | 'failed';

/** What the devices remember when nothing was chosen yet: every input, no output, the piano on. */
export const DEFAULT_MIDI_SETTINGS: MidiSettings = {
  inputs: [],
  outputs: [],
  outputChannel: 1,
  inputChannel: 0,
  piano: true,
};

/** A raw message from an input: its bytes, its own timestamp (ms, performance.now timebase), the port. */
export type InputListener = (data: ArrayLike<number>, timestamp: number, portId: string) => void;

/** Options of `MidiDevices`. */
export interface MidiDevicesOptions {
  /** The remembered choices (undefined before the first). */
  remembered: MidiSettings | undefined;
  /** Saves changed choices. */
  remember: (settings: MidiSettings) => void;
}

/** The ports, the chosen ones and the routing settings. */
export class MidiDevices {
  state = $state<MidiAccessState>('off');
  /** Why access failed, for a person, with what to do. */
  message = $state<string | undefined>(undefined);
  inputs = $state<PortView[]>([]);
  outputs = $state<PortView[]>([]);
  settings = $state<MidiSettings>({ ...DEFAULT_MIDI_SETTINGS });
  /** True until the user first chooses inputs: then every input is played from. */
  allInputs = $state(true);
  /** Ports (by id) with recent traffic: the activity lights. */
  lit = $state<Record<string, boolean>>({});

  private adopted = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: the thru path reads these
  private readonly listeners = new Set<InputListener>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: the thru path reads these
  private readonly attached = new Map<string, { input: Input; handler: (event: MessageEvent) => void }>();
  /** Chosen outputs, kept outside reactive state so the thru path reads a plain array. */
  private chosenOutputs: Output[] = [];

  constructor(private readonly options: MidiDevicesOptions) {
    if (options.remembered) {
      this.settings = { ...options.remembered };
      this.allInputs = false;
      this.adopted = true;
    }
  }

  /** Takes the remembered choices (loaded after this object was made); the first choice wins. */
  adopt(remembered: MidiSettings | undefined): void {
    if (this.adopted) return;
    this.adopted = true;
    if (!remembered || !this.allInputs) return;
    this.settings = { ...remembered };
    this.allInputs = false;
    this.attach();
  }

  /** Asks for MIDI access (no sysex) and starts following the ports. Safe to call again after a refusal. */
  async enable(requestMIDIAccessFunction?: () => Promise<unknown>): Promise<void> {
    if (this.state === 'ready' || this.state === 'asking') return;
    if (!requestMIDIAccessFunction && !WebMidi.supported) {
      this.state = 'unsupported';
      this.message =
        'This browser has no Web MIDI: use Chromium, Chrome or Edge, or the Continuo app. Musical typing and the on-screen keyboard still play.';
      return;
    }
    this.state = 'asking';
    this.message = undefined;
    try {
      await WebMidi.enable({
        sysex: false,
        ...(requestMIDIAccessFunction ? { requestMIDIAccessFunction } : {}),
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const refused = name === 'SecurityError' || name === 'NotAllowedError';
      this.state = refused ? 'refused' : 'failed';
      this.message = refused
        ? 'MIDI is not allowed for this page yet. Allow MIDI in the browser (the icon in the address bar, or site settings), then press Connect MIDI. Musical typing and the on-screen keyboard play without it.'
        : `MIDI could not start: ${error instanceof Error ? error.message : String(error)}. Check the device and press Connect MIDI.`;
      return;
    }
    WebMidi.addListener('portschanged', () => this.refresh());
    this.state = 'ready';
    this.refresh();
  }

  /** Listens to every message of the chosen inputs; returns an unsubscribe. */
  onMessage(listener: InputListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The outputs played to (plain objects for the hot path). */
  get playOutputs(): readonly Output[] {
    return this.chosenOutputs;
  }

  isInputChosen(port: PortView): boolean {
    return this.allInputs || this.settings.inputs.includes(port.name);
  }

  isOutputChosen(port: PortView): boolean {
    return this.settings.outputs.includes(port.name);
  }

  /** Chooses or drops an input (by its name, so it is chosen again when it comes back). */
  chooseInput(port: PortView, chosen: boolean): void {
    const names = this.allInputs ? this.inputs.map((p) => p.name) : [...this.settings.inputs];
    this.allInputs = false;
    this.update({ inputs: toggled(names, port.name, chosen) });
  }

  chooseOutput(port: PortView, chosen: boolean): void {
    this.update({ outputs: toggled(this.settings.outputs, port.name, chosen) });
  }

  /** Changes routing settings and remembers them. */
  update(change: Partial<MidiSettings>): void {
    this.settings = { ...this.settings, ...change };
    // Until inputs are chosen, every input plays: remember those seen so far.
    const inputs = this.allInputs ? this.inputs.map((port) => port.name) : this.settings.inputs;
    this.options.remember({ ...$state.snapshot(this.settings), inputs });
    this.attach();
  }

  /** Sends bytes to every chosen output now, or at `time` (ms, performance.now timebase). */
  send(data: readonly number[], time?: number): void {
    for (const output of this.chosenOutputs) {
      try {
        output.send([...data], time === undefined ? undefined : { time });
        this.flash(output.id);
      } catch {
        // A port that vanished mid-send: the next refresh drops it.
      }
    }
  }

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- timers, never shown
  private readonly unlight = new Map<string, ReturnType<typeof setTimeout>>();

  /** Lights a port's activity light for a moment (after the message has gone on). */
  private flash(id: string): void {
    if (!this.lit[id]) this.lit = { ...this.lit, [id]: true };
    clearTimeout(this.unlight.get(id));
    this.unlight.set(
      id,
      setTimeout(() => {
        this.lit = { ...this.lit, [id]: false };
      }, 150),
    );
  }

  /** Re-reads the ports (after a hot-plug) and re-attaches the chosen ones. */
  private refresh(): void {
    this.inputs = WebMidi.inputs.map(view);
    this.outputs = WebMidi.outputs.map(view);
    this.attach();
  }

  private attach(): void {
    if (this.state !== 'ready') return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup
    const wanted = new Map(
      WebMidi.inputs.filter((input) => this.isInputChosen(view(input))).map((input) => [input.id, input]),
    );
    for (const [id, entry] of this.attached) {
      if (wanted.get(id) === entry.input) continue;
      entry.input.removeListener('midimessage', entry.handler);
      this.attached.delete(id);
    }
    for (const [id, input] of wanted) {
      if (this.attached.has(id)) continue;
      const handler = (event: MessageEvent): void => {
        for (const listener of this.listeners) listener(event.message.data, event.timestamp, id);
        this.flash(id);
      };
      input.addListener('midimessage', handler);
      this.attached.set(id, { input, handler });
    }
    this.chosenOutputs = WebMidi.outputs.filter((output) => this.isOutputChosen(view(output)));
  }
}

function view(port: Input | Output): PortView {
  return { id: port.id, name: port.name, manufacturer: port.manufacturer };
}

function toggled(names: readonly string[], name: string, chosen: boolean): string[] {
  const rest = names.filter((n) => n !== name);
  return chosen ? [...rest, name] : rest;
}
