/**
 * Seed capture. Always listening: every live event is kept (the last few minutes), and "use what
 * I just played" takes the last phrase — everything since the last silence of 2 s, up to 60 s —
 * without record having been pressed. Or record arm: an optional one-bar count-in, the metronome,
 * and everything played until stop. Either way the phrase, with its own timing, velocities and
 * pedal, becomes a seed track placed at the playhead, and the playhead moves to its end (where
 * "Continue from here" continues it).
 */
import { newTrack } from '../../../../shared/project/create.ts';
import type { LiveEvent } from './live_events.ts';
import type { LiveInput } from './live_input.svelte.ts';
import { Metronome } from './metronome.ts';
import { lastPhraseEvents, phraseFromEvents, phraseToTrackContent, type Phrase } from './phrase.ts';
import type { RecordingTarget } from './recording_target.ts';

/** A silence this long separates phrases ("use what I just played"), ms. */
export const PHRASE_SILENCE_MS = 2000;
/** Longest phrase "use what I just played" takes, ms. */
export const MAX_PHRASE_MS = 60_000;
/** How long the always-listening buffer reaches back, ms. */
const KEEP_MS = 5 * 60_000;

export type RecordState = 'idle' | 'counting' | 'recording';

export class SeedCapture {
  recordState = $state<RecordState>('idle');
  countIn = $state(true);
  metronomeOn = $state(true);
  /** What the last capture did, for a person. */
  notice = $state<string | undefined>(undefined);
  error = $state<string | undefined>(undefined);

  private heard: LiveEvent[] = [];
  private recorded: LiveEvent[] = [];
  private recordStartMs = 0;
  private recordTick = 0;
  private readonly metronome = new Metronome();
  private countTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    input: LiveInput,
    private readonly target: () => RecordingTarget | undefined,
  ) {
    input.onEvent((event) => this.hear(event));
  }

  /** Seconds of the last phrase heard (0 when none), for the button's label. */
  lastPhraseSeconds(): number {
    const events = lastPhraseEvents(this.heard, { silenceMs: PHRASE_SILENCE_MS, maxMs: MAX_PHRASE_MS });
    if (events.length === 0) return 0;
    return (events[events.length - 1].time - events[0].time) / 1000;
  }

  /** Takes the last phrase as the project's seed track. */
  useWhatIJustPlayed(): void {
    const events = lastPhraseEvents(this.heard, { silenceMs: PHRASE_SILENCE_MS, maxMs: MAX_PHRASE_MS });
    const phrase = phraseFromEvents(events, performance.now());
    if (phrase.notes.length === 0) {
      this.error =
        'Nothing played yet: play a phrase on a MIDI keyboard, with musical typing or on the keys below';
      return;
    }
    const target = this.target();
    if (!target) return;
    this.place(target, phrase, target.playheadTick, phrase.start, 'Played phrase');
  }

  /** Arms recording: after the count-in (if on) everything played is recorded until `stopRecording`. */
  async arm(): Promise<void> {
    const target = this.target();
    if (!target || this.recordState !== 'idle') return;
    this.error = undefined;
    const project = target.project;
    const tick = target.playheadTick;
    const tempo = [...project.tempos].reverse().find((t) => t.tick <= tick) ?? project.tempos[0];
    const meter =
      [...project.timeSignatures].reverse().find((ts) => ts.tick <= tick) ?? project.timeSignatures[0];
    const beatMs = (60_000 / (tempo?.qpm ?? 120)) * (4 / (meter?.denominator ?? 4));
    const beatsPerBar = meter?.numerator ?? 4;
    const countInMs = this.countIn ? beatsPerBar * beatMs : 0;
    const startMs = performance.now() + countInMs + (this.countIn ? 60 : 0);
    this.recordTick = tick;
    this.recordStartMs = startMs;
    this.recorded = [];
    if (this.countIn || this.metronomeOn)
      await this.metronome.start(startMs - countInMs, beatMs, beatsPerBar);
    if (this.countIn) {
      this.recordState = 'counting';
      this.countTimer = setTimeout(() => this.beginRecording(), Math.max(0, startMs - performance.now()));
    } else this.beginRecording();
  }

  /** Stops recording; what was played becomes a seed track at the armed playhead. */
  stopRecording(): void {
    clearTimeout(this.countTimer);
    this.metronome.stop();
    const state = this.recordState;
    this.recordState = 'idle';
    if (state !== 'recording') return;
    const phrase = phraseFromEvents(this.recorded, performance.now());
    this.recorded = [];
    const target = this.target();
    if (!target) return;
    if (phrase.notes.length === 0) {
      this.notice = 'Nothing was played while recording';
      return;
    }
    this.place(target, phrase, this.recordTick, this.recordStartMs, 'Recorded phrase');
  }

  private beginRecording(): void {
    if (!this.metronomeOn) this.metronome.stop();
    this.recordState = 'recording';
  }

  private hear(event: LiveEvent): void {
    this.heard.push(event);
    const cutoff = event.time - KEEP_MS;
    if (this.heard[0].time < cutoff) this.heard = this.heard.filter((e) => e.time >= cutoff);
    // Played during the count-in's last moments still counts from the downbeat on.
    if (
      this.recordState === 'recording' ||
      (this.recordState === 'counting' && event.time >= this.recordStartMs)
    )
      this.recorded.push(event);
  }

  /** The phrase as a new seed track; the playhead moves to its end. */
  private place(
    target: RecordingTarget,
    phrase: Phrase,
    atTick: number,
    originMs: number,
    name: string,
  ): void {
    const { notes, controllers } = phraseToTrackContent(phrase, {
      tempos: target.project.tempos,
      atTick,
      originMs,
    });
    const seeds = target.project.tracks.filter((track) => track.kind === 'seed').length;
    const track = newTrack('seed', name, seeds);
    target.apply({
      type: 'batch',
      label: name === 'Recorded phrase' ? 'Record phrase' : 'Use played phrase',
      edits: [
        { type: 'addTrack', track },
        { type: 'addNotes', trackId: track.id, notes },
        ...(controllers.length > 0
          ? [{ type: 'addControllers' as const, trackId: track.id, events: controllers }]
          : []),
      ],
    });
    target.playheadTick = notes.reduce((end, note) => Math.max(end, note.start + note.duration), atTick);
    const seconds = Math.round((phrase.end - phrase.start) / 100) / 10;
    this.notice = `${notes.length} notes (${seconds} s) became the seed track “${track.name}”`;
    this.error = undefined;
  }
}
