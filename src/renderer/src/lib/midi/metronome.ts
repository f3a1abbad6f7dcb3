/**
 * Clicks for the count-in and while recording, on the audio clock of the studio's piano
 * context (a short sine blip; the first beat of a bar higher).
 */
import { piano } from '../audio/piano.ts';

/** Schedules one click at an audio-clock time. */
function click(context: BaseAudioContext, destination: AudioNode, time: number, accent: boolean): void {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = accent ? 1760 : 1320;
  gain.gain.setValueAtTime(0.0001, time);
  gain.gain.exponentialRampToValueAtTime(accent ? 0.5 : 0.3, time + 0.002);
  gain.gain.exponentialRampToValueAtTime(0.0001, time + 0.05);
  oscillator.connect(gain).connect(destination);
  oscillator.start(time);
  oscillator.stop(time + 0.06);
}

/** A metronome running from a performance.now time (ms) at `beatMs` per beat. */
export class Metronome {
  private timer: ReturnType<typeof setInterval> | undefined;
  private nextBeat = 0;

  /** Starts clicking: beat 0 at `startMs`; accents every `beatsPerBar`. */
  async start(startMs: number, beatMs: number, beatsPerBar: number): Promise<void> {
    this.stop();
    const Tone = await piano.start();
    await Tone.start();
    const context = Tone.getContext().rawContext as AudioContext;
    this.nextBeat = 0;
    const schedule = (): void => {
      const horizon = performance.now() + 250;
      while (startMs + this.nextBeat * beatMs < horizon) {
        const atMs = startMs + this.nextBeat * beatMs;
        const time = context.currentTime + Math.max(0, atMs - performance.now()) / 1000;
        click(context, context.destination, time, this.nextBeat % beatsPerBar === 0);
        this.nextBeat += 1;
      }
    };
    schedule();
    this.timer = setInterval(schedule, 100);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
