/**
 * Renders part of a project offline (Tone.Offline) with the piano, faster than real time: for
 * a check that the sampler really sounds, and for a future "bounce to audio".
 */
import { ticksToSeconds } from '../../../../shared/project/time.ts';
import type { Project, Ticks } from '../../../../shared/project/types.ts';
import { samplerVoice, synthVoice, type ToneLib } from './piano.ts';
import { notesStartingIn } from './schedule.ts';

/** Longest offline render, in seconds (a check, not a bounce of a whole concert). */
const MAX_RENDER_SECONDS = 120;
/** Time after the last note-off for the release to ring out. */
const TAIL_SECONDS = 1.5;

/** What an offline render gave. */
export interface RenderStats {
  /** True when the sampled piano played (false: the fallback synth). */
  usedSamples: boolean;
  notes: number;
  seconds: number;
  sampleRate: number;
  /** Largest absolute sample value. */
  peak: number;
  /** Root mean square over every channel. */
  rms: number;
}

/** Renders the audible notes starting in [fromTick, toTick) and measures the result. */
export async function renderOffline(
  Tone: ToneLib,
  project: Project,
  samples: ReadonlyMap<string, AudioBuffer> | undefined,
  fromTick: Ticks,
  toTick: Ticks,
): Promise<RenderStats> {
  const notes = notesStartingIn(project, fromTick, toTick);
  const origin = ticksToSeconds(project.tempos, fromTick);
  const at = (tick: Ticks): number => ticksToSeconds(project.tempos, tick) - origin;
  let end = 0;
  for (const note of notes) end = Math.max(end, at(note.end));
  const seconds = Math.min(MAX_RENDER_SECONDS, end + TAIL_SECONDS);
  const buffer = await Tone.Offline((context) => {
    const voice = samples
      ? samplerVoice(Tone, samples, context.destination)
      : synthVoice(Tone, context.destination);
    const events = notes.flatMap((note) => [
      { time: at(note.start), on: true, note },
      { time: at(note.end), on: false, note },
    ]);
    events.sort((a, b) => a.time - b.time || Number(a.on) - Number(b.on));
    for (const event of events) {
      if (event.time > seconds) continue;
      if (event.on) voice.noteOn(event.note.pitch, event.note.velocity, event.time);
      else voice.noteOff(event.note.pitch, event.time);
    }
  }, seconds);
  const channels = buffer.toArray();
  const list = Array.isArray(channels) ? channels : [channels];
  let peak = 0;
  let sum = 0;
  let count = 0;
  for (const data of list) {
    for (const value of data) {
      peak = Math.max(peak, Math.abs(value));
      sum += value * value;
    }
    count += data.length;
  }
  return {
    usedSamples: samples !== undefined,
    notes: notes.length,
    seconds,
    sampleRate: buffer.sampleRate,
    peak,
    rms: count ? Math.sqrt(sum / count) : 0,
  };
}
