/**
 * Plays the project. A lookahead scheduler (after Chris Wilson's "A Tale of Two Clocks")
 * places every note-on, note-off and metronome click on the audio clock a few hundred
 * milliseconds ahead, following the tempo map and the loop region; the playhead is read back
 * from the same clock each frame, so it moves with the sound rather than with a timer.
 *
 * Each play gets its own voices on a bus of its own: pausing fades that bus out and drops it,
 * so nothing already scheduled can sound afterwards.
 */
import { untrack } from 'svelte';
import type * as ToneModule from 'tone';
import { barAtTick, barStartTick, secondsToTicks, ticksToSeconds } from '../../../../shared/project/time.ts';
import type { TickRange } from '../../../../shared/project/seed.ts';
import type { Edit, Project, TempoEvent, Ticks } from '../../../../shared/project/types.ts';
import { piano, samplerVoice, synthVoice, type PianoVoice, type ToneLib } from './piano.ts';
import { audibleEndTick, clicksIn, notesStartingIn } from './schedule.ts';
import { renderOffline, type RenderStats } from './offline.ts';
import { exposeTestHooks } from './test_hooks.ts';
import {
  externalNoteSink,
  JustInTimeSender,
  type ExternalNoteEvent,
  type ExternalNoteSink,
} from './external_notes.ts';

/** What the player needs of the project session (ProjectSession has it). */
export interface PlaybackSession {
  readonly project: Project;
  playheadTick: Ticks;
  loop: TickRange | undefined;
  apply(edit: Edit): void;
}

/** How far ahead of the audio clock events are scheduled (seconds). */
const LOOKAHEAD_S = 0.25;
/** How often the scheduler tops the lookahead up (ms); the timing itself is the audio clock's. */
const PUMP_MS = 40;
/** Delay between pressing Play and the first sound, so the first events are not late. */
const START_DELAY_S = 0.06;
/** How long playback runs on after the last note ends before it stops by itself (seconds). */
const END_TAIL_S = 0.6;
/** Bars a new loop region spans. */
const NEW_LOOP_BARS = 4;
/** Slowest and fastest tempo the BPM field accepts. */
export const MIN_QPM = 20;
export const MAX_QPM = 400;

/** A stretch of playback: from `audioTime` on, the project plays from `tick` up to `endTick`. */
interface Segment {
  audioTime: number;
  tick: Ticks;
  /** Where it stops (the loop end), Infinity when it runs on. */
  endTick: Ticks;
  tempos: readonly TempoEvent[];
  /** Seconds of `tick` in `tempos`. */
  startSeconds: number;
  /** The loop it was made for, to notice a change. */
  loop: TickRange | undefined;
}

/** One play's voices, on a bus that pause fades out. */
interface PlayBus {
  Tone: ToneLib;
  gain: ToneModule.Gain;
  synth: PianoVoice;
  sampler: PianoVoice | undefined;
  click: ToneModule.Synth;
  /** The voice that sounds each held pitch. */
  held: Map<number, PianoVoice>;
}

/** An event to put on the audio clock. */
type PlayEvent =
  | { time: number; kind: 'off'; pitch: number }
  | { time: number; kind: 'on'; pitch: number; velocity: number }
  | { time: number; kind: 'click'; accent: boolean };

export class ProjectPlayer {
  playing = $state(false);
  /** Where playback is (ticks, fractional while playing); follows session.playheadTick when stopped. */
  positionTick = $state(0);
  /** Clicks every beat, accented on the first of each bar. */
  metronome = $state(false);
  /** True once the sampled piano plays (false while the light synth stands in). */
  pianoLoaded = $state(false);
  /** Why the samples could not be loaded, if so. */
  pianoError = $state<string | undefined>(undefined);
  /** Why playback could not start, if so. */
  error = $state<string | undefined>(undefined);

  private startedAt: Ticks = 0;
  private segments: Segment[] = [];
  private horizonTime = 0;
  private horizonTick: Ticks = 0;
  private pendingOffs: { time: number; pitch: number }[] = [];
  private bus: PlayBus | undefined;
  /** This play's notes going to the external sink (the MIDI outputs), if one is set. */
  private external: { sink: ExternalNoteSink; sender: JustInTimeSender } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private frame: number | undefined;
  /** The playhead tick the player wrote last, to tell its own writes from a click on the ruler. */
  private written: Ticks | undefined;
  private endCache: { project: Project; end: Ticks } | undefined;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly session: PlaybackSession) {
    this.positionTick = session.playheadTick;
    this.disposers.push(
      $effect.root(() => {
        $effect(() => {
          const tick = this.session.playheadTick;
          untrack(() => this.followPlayhead(tick));
        });
      }),
    );
    const syncPiano = (): void => {
      this.pianoLoaded = piano.loaded;
      this.pianoError = piano.loadError;
      if (piano.loaded) this.addSampler();
    };
    this.disposers.push(piano.onLoadChange(syncPiano));
    void piano.whenLoaded().then(syncPiano);
    this.disposers.push(
      exposeTestHooks({
        playheadSeconds: () => ticksToSeconds(this.session.project.tempos, this.positionTick),
        pianoLoaded: () => piano.loaded,
        pianoLoadMs: () => piano.loadMs,
        playing: () => this.playing,
        renderOffline: (fromTick?: number, toTick?: number) => this.renderOffline(fromTick, toTick),
      }),
    );
  }

  /** The loop region is on (session.loop is set). */
  get loop(): boolean {
    return this.session.loop !== undefined;
  }

  /** Turns the loop on (a region of 4 bars from the playhead's bar, unless one is set) or off. */
  set loop(on: boolean) {
    if (!on) {
      this.session.loop = undefined;
      return;
    }
    if (this.session.loop) return;
    const { timeSignatures } = this.session.project;
    const bar = barAtTick(timeSignatures, this.positionTick).bar;
    this.session.loop = {
      startTick: barStartTick(timeSignatures, bar),
      endTick: barStartTick(timeSignatures, bar + NEW_LOOP_BARS),
    };
  }

  /** The tempo (quarter notes per minute) in force at the playhead. */
  get tempoAtPosition(): number {
    return tempoIndexAt(this.session.project.tempos, this.positionTick).qpm;
  }

  /** Sets the tempo in force at the playhead (one undo step); other tempo changes stay. */
  setTempo(qpm: number): void {
    if (!Number.isFinite(qpm)) return;
    const value = Math.round(Math.min(MAX_QPM, Math.max(MIN_QPM, qpm)) * 100) / 100;
    const tempos = this.session.project.tempos.length
      ? this.session.project.tempos.map((t) => ({ ...t }))
      : [{ tick: 0, qpm: value }];
    const current = tempoIndexAt(tempos, this.positionTick);
    if (current.qpm === value && this.session.project.tempos.length) return;
    tempos[current.index] = { tick: tempos[current.index].tick, qpm: value };
    this.session.apply({ type: 'setTempos', tempos });
  }

  /** Starts playing from the playhead. */
  async play(): Promise<void> {
    if (this.playing) return;
    this.playing = true;
    this.error = undefined;
    let Tone: ToneLib;
    try {
      Tone = await piano.start();
      await Tone.start();
    } catch (error) {
      this.playing = false;
      this.error = `Playback could not start: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    if (!this.playing) return; // paused while Tone loaded
    let from = Math.max(0, this.positionTick);
    const loop = this.session.loop;
    if (loop && from >= loop.endTick) from = loop.startTick;
    this.startedAt = from;
    this.bus = this.newBus(Tone);
    this.begin(Tone.getContext().rawContext.currentTime + START_DELAY_S, from);
    this.pump();
    this.timer = setInterval(() => this.pump(), PUMP_MS);
    this.frame = requestAnimationFrame(() => this.onFrame());
  }

  /** Stops where it is. */
  pause(): void {
    if (!this.playing) return;
    const tick = this.bus ? this.positionAt(this.audioNow()) : this.positionTick;
    this.halt();
    this.setPosition(Math.round(tick));
  }

  /** Play or pause (the Space key). */
  toggle(): void {
    if (this.playing) this.pause();
    else void this.play();
  }

  /** Stops and returns to where play started (to the start when already stopped there). */
  stop(): void {
    const wasPlaying = this.playing;
    this.halt();
    this.setPosition(wasPlaying || this.positionTick !== this.startedAt ? this.startedAt : 0);
  }

  /** Moves the playhead (playing on from there when playing). */
  seek(tick: Ticks): void {
    const target = Math.max(0, Math.round(tick));
    this.setPosition(target);
    if (!this.playing || !this.bus) return;
    const Tone = this.bus.Tone;
    this.fadeOut(this.bus);
    this.stopExternal();
    this.bus = this.newBus(Tone);
    this.startedAt = target;
    this.begin(this.audioNow() + START_DELAY_S, target);
    this.pump();
  }

  /** Renders the audible project from `fromTick` to `toTick` offline (default: all of it). */
  async renderOffline(fromTick = 0, toTick?: Ticks): Promise<RenderStats> {
    const Tone = await piano.start();
    await piano.whenLoaded();
    const project = this.session.project;
    return renderOffline(Tone, project, piano.sampleBuffers, fromTick, toTick ?? audibleEndTick(project));
  }

  /** Stops playing and drops the test hooks and listeners. */
  dispose(): void {
    this.halt();
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private followPlayhead(tick: Ticks): void {
    if (tick === this.written) return;
    this.written = undefined;
    if (this.playing && this.bus) this.seek(tick);
    else this.positionTick = tick;
  }

  private setPosition(tick: Ticks): void {
    this.positionTick = tick;
    this.written = tick;
    this.session.playheadTick = tick;
  }

  private halt(): void {
    this.playing = false;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    if (this.bus) this.fadeOut(this.bus);
    this.bus = undefined;
    this.stopExternal();
    this.pendingOffs = [];
  }

  /** Ends the external notes of this play: nothing more sent, a note-off for each one sounding. */
  private stopExternal(): void {
    this.external?.sender.stop();
    this.external = undefined;
  }

  /** Hands the note events to the external sink (set, changed or cleared at any time), in performance.now ms. */
  private emitExternal(events: readonly PlayEvent[]): void {
    const sink = externalNoteSink();
    if (sink !== this.external?.sink) {
      this.stopExternal();
      if (sink) this.external = { sink, sender: new JustInTimeSender(sink) };
    }
    if (!this.external) return;
    const offsetMs = performance.now() - this.audioNow() * 1000;
    const notes: ExternalNoteEvent[] = [];
    for (const event of events) {
      const atMs = Math.max(event.time, this.audioNow()) * 1000 + offsetMs;
      if (event.kind === 'on') notes.push({ kind: 'on', pitch: event.pitch, velocity: event.velocity, atMs });
      else if (event.kind === 'off') notes.push({ kind: 'off', pitch: event.pitch, atMs });
    }
    this.external.sender.add(notes);
  }

  private audioNow(): number {
    return this.bus ? this.bus.Tone.getContext().rawContext.currentTime : 0;
  }

  private newBus(Tone: ToneLib): PlayBus {
    const gain = new Tone.Gain(1);
    const out = piano.outputNode;
    if (out) gain.connect(out);
    else gain.toDestination();
    const samples = piano.sampleBuffers;
    const click = new Tone.Synth({
      oscillator: { type: 'square' },
      envelope: { attack: 0.001, decay: 0.04, sustain: 0, release: 0.02 },
    }).connect(gain);
    click.volume.value = -14;
    return {
      Tone,
      gain,
      synth: synthVoice(Tone, gain),
      sampler: samples ? samplerVoice(Tone, samples, gain) : undefined,
      click,
      // Bookkeeping for the scheduler, never shown: not reactive state.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      held: new Map(),
    };
  }

  /** Samples loaded mid-play: later notes of this play use them. */
  private addSampler(): void {
    const bus = this.bus;
    const samples = piano.sampleBuffers;
    if (bus && !bus.sampler && samples) bus.sampler = samplerVoice(bus.Tone, samples, bus.gain);
  }

  private fadeOut(bus: PlayBus): void {
    const now = bus.Tone.getContext().rawContext.currentTime;
    bus.gain.gain.cancelScheduledValues(now);
    bus.gain.gain.setValueAtTime(bus.gain.gain.getValueAtTime(now), now);
    bus.gain.gain.linearRampToValueAtTime(0, now + 0.04);
    setTimeout(() => {
      bus.synth.dispose();
      bus.sampler?.dispose();
      bus.click.dispose();
      bus.gain.dispose();
    }, 500);
  }

  private segmentFrom(audioTime: number, tick: Ticks): Segment {
    const { project, loop } = this.session;
    const tempos = project.tempos;
    const looping = loop && loop.endTick > loop.startTick && tick < loop.endTick;
    return {
      audioTime,
      tick,
      endTick: looping ? loop.endTick : Infinity,
      tempos,
      startSeconds: ticksToSeconds(tempos, tick),
      loop,
    };
  }

  private begin(audioTime: number, tick: Ticks): void {
    this.segments = [this.segmentFrom(audioTime, tick)];
    this.horizonTime = audioTime;
    this.horizonTick = tick;
    this.pendingOffs = [];
  }

  private tickAt(segment: Segment, audioTime: number): Ticks {
    const seconds = segment.startSeconds + Math.max(0, audioTime - segment.audioTime);
    return Math.min(segment.endTick, secondsToTicks(segment.tempos, seconds));
  }

  private timeOf(segment: Segment, tick: Ticks): number {
    return segment.audioTime + ticksToSeconds(segment.tempos, tick) - segment.startSeconds;
  }

  /** The tick sounding at an audio time. */
  private positionAt(audioTime: number): Ticks {
    let segment = this.segments[0];
    if (!segment) return this.positionTick;
    for (const s of this.segments) if (s.audioTime <= audioTime) segment = s;
    return this.tickAt(segment, audioTime);
  }

  /** Schedules everything up to the lookahead. */
  private pump(): void {
    const bus = this.bus;
    if (!this.playing || !bus) return;
    const now = this.audioNow();
    const until = now + LOOKAHEAD_S;
    const { project, loop } = this.session;
    let segment = this.segments[this.segments.length - 1];
    // A tempo or loop edit while playing: go on from the horizon under the new map.
    if (segment.tempos !== project.tempos || segment.loop !== loop) {
      segment = this.segmentFrom(this.horizonTime, this.horizonTick);
      this.segments.push(segment);
    }
    const events: PlayEvent[] = [];
    while (this.horizonTime < until) {
      const segmentEnd = segment.endTick === Infinity ? Infinity : this.timeOf(segment, segment.endTick);
      const to = Math.min(until, segmentEnd);
      const toTick = to === segmentEnd ? segment.endTick : this.tickAt(segment, to);
      for (const note of notesStartingIn(project, this.horizonTick, toTick)) {
        events.push({
          time: this.timeOf(segment, note.start),
          kind: 'on',
          pitch: note.pitch,
          velocity: note.velocity,
        });
        this.pendingOffs.push({
          time: Math.min(this.timeOf(segment, note.end), segmentEnd),
          pitch: note.pitch,
        });
      }
      if (this.metronome) {
        for (const click of clicksIn(project, this.horizonTick, toTick))
          events.push({ time: this.timeOf(segment, click.tick), kind: 'click', accent: click.accent });
      }
      const due = this.pendingOffs.filter((off) => off.time <= to);
      this.pendingOffs = this.pendingOffs.filter((off) => off.time > to);
      for (const off of due) events.push({ time: off.time, kind: 'off', pitch: off.pitch });
      this.horizonTime = to;
      this.horizonTick = toTick;
      if (to < segmentEnd) break;
      // The loop end: round again from its start.
      const restart = this.session.loop?.startTick ?? segment.endTick;
      segment = this.segmentFrom(segmentEnd, restart);
      this.segments.push(segment);
      this.horizonTick = restart;
    }
    if (this.segments.length > 4) this.segments.splice(0, this.segments.length - 4);
    this.emit(bus, events);
    // The end of the music (its last release rung out): stop there, unless looping or counting in.
    if (!this.session.loop && !this.metronome) {
      const heard = ticksToSeconds(project.tempos, this.positionAt(now));
      if (heard >= ticksToSeconds(project.tempos, this.endTick(project)) + END_TAIL_S) this.pause();
    }
  }

  private emit(bus: PlayBus, events: PlayEvent[]): void {
    const order = { off: 0, click: 1, on: 2 };
    events.sort((a, b) => a.time - b.time || order[a.kind] - order[b.kind]);
    for (const event of events) {
      const time = Math.max(event.time, this.audioNow());
      if (event.kind === 'click') {
        bus.click.triggerAttackRelease(event.accent ? 1760 : 1175, 0.03, time, event.accent ? 1 : 0.6);
      } else if (event.kind === 'on') {
        const voice = bus.sampler ?? bus.synth;
        bus.held.get(event.pitch)?.noteOff(event.pitch, time);
        voice.noteOn(event.pitch, event.velocity, time);
        bus.held.set(event.pitch, voice);
      } else {
        bus.held.get(event.pitch)?.noteOff(event.pitch, time);
        bus.held.delete(event.pitch);
      }
    }
    this.emitExternal(events);
  }

  /** Where the audible music ends (cached per project). */
  private endTick(project: Project): Ticks {
    if (this.endCache?.project !== project) this.endCache = { project, end: audibleEndTick(project) };
    return this.endCache.end;
  }

  private onFrame(): void {
    if (!this.playing || !this.bus) return;
    const raw = this.bus.Tone.getContext().rawContext as { currentTime: number; outputLatency?: number };
    // What is heard now left the scheduler `outputLatency` ago.
    const tick = this.positionAt(raw.currentTime - (raw.outputLatency ?? 0));
    this.positionTick = tick;
    this.written = Math.round(tick);
    this.session.playheadTick = this.written;
    this.frame = requestAnimationFrame(() => this.onFrame());
  }
}

/** The tempo event in force at a tick, and its index. */
function tempoIndexAt(tempos: readonly TempoEvent[], tick: Ticks): { index: number; qpm: number } {
  let index = 0;
  for (let i = 0; i < tempos.length; i++) if (tempos[i].tick <= tick) index = i;
  return { index, qpm: tempos[index]?.qpm ?? 120 };
}
