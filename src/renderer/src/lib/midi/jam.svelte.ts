/**
 * Jam mode: call and response with a model. The musician plays; after a silence (all keys and
 * the pedal up, 600 ms by default) the model answers with a continuation about as long as the
 * phrase, played at once to the outputs and the piano; playing over an answer stops it (note-offs
 * sent) and starts a new call. The answer is generated speculatively from the moment the silence
 * begins (same seed and random seed as a final call would use), so it can start as the silence
 * ends; a superseded generation is cancelled. Calls and answers are recorded into the project as
 * two tracks, in time.
 */
import type { ContinuoApi } from '../../../../shared/ipc/api.ts';
import type {
  GenerationEvent,
  GenerationFinished,
  NoteWire,
  PayloadOf,
} from '../../../../shared/ipc/index.ts';
import { newGenerationId, newTrack } from '../../../../shared/project/create.ts';
import type { TrackId, Ticks } from '../../../../shared/project/types.ts';
import { EarlyEvents, errorText } from '../early_events.ts';
import { AnswerPlayer } from './answer_player.ts';
import {
  answerIsDetermined,
  answerNoteLimit,
  answerSecondsFor,
  continuationOf,
  scheduleContinuation,
  settledContinuation,
  type JamSettings,
} from './answer_notes.ts';
import type { MidiDevices } from './devices.svelte.ts';
import type { LiveEvent } from './live_events.ts';
import type { LiveInput } from './live_input.svelte.ts';
import {
  phraseFromEvents,
  phraseToSeed,
  phraseToTrackContent,
  SilenceTracker,
  type Phrase,
} from './phrase.ts';
import type { RecordingTarget } from './recording_target.ts';
import { deviceSink } from './routing.ts';
import { startTicker } from './ticker.ts';

export type { JamSettings };

export const DEFAULT_JAM_SETTINGS: JamSettings = {
  modelId: undefined,
  temperature: 1,
  key: undefined,
  answerLength: 'phrase',
  answerSeconds: 4,
  silenceMs: 600,
  whoStarts: 'musician',
  randomSeed: 1,
};

/** Tempo the seed is given at (performance models ignore it; bar-based lengths are not used). */
const SEED_QPM = 120;
/** How far into a silence the answer starts being generated, ms (at most a third of the silence). */
const SPECULATE_AFTER_MS = 120;
/** A note of an answer sounds at most this long past the answer's length, seconds. */
const ANSWER_RING_OUT_S = 1;

export type JamState = 'off' | 'listening' | 'thinking' | 'answering';

/** One generation of an answer, speculative until its silence completes. */
interface Answer {
  payload: PayloadOf<'generation.start'>;
  /** Seed length, seconds (0 without a seed). */
  seedEnd: number;
  jobId: string | undefined;
  cancelled: boolean;
  /** Latest notes (seed + continuation, seconds) and the time they reach. */
  notes: NoteWire[];
  totalTime: number;
  finished: GenerationFinished | undefined;
  /** Set when it plays. */
  player: AnswerPlayer | undefined;
  /** Where its first note lands (ms). */
  startMs: number | undefined;
  /** The earliest it may start (the end of its silence), ms. */
  dueMs: number | undefined;
  /** Most notes it plays; once that many are settled the generation is stopped. */
  noteLimit: number;
  /** True once its notes are all known (finished, or the note limit reached). */
  complete: boolean;
  /** True when the note limit stopped it. */
  limited: boolean;
  /** Its length, seconds (notes end at most a second after it). */
  seconds: number;
}

/** What the last answer was, for the panel and for tests. */
export interface AnswerReport {
  payload: PayloadOf<'generation.start'>;
  /** The engine's whole result (seed + continuation), seconds. */
  engineNotes: NoteWire[];
  /** The continuation that was played, seconds as the engine gave them (the first `noteLimit` at most). */
  continuation: NoteWire[];
  /** True when the note limit cut the generation short (the continuation is the start of the engine's). */
  limited: boolean;
  /** When its first note sounded (ms, performance.now timebase). */
  startMs: number | undefined;
  /** End of the silence it answered (ms); undefined when the model started. */
  silenceEndMs: number | undefined;
}

export class Jam {
  settings = $state<JamSettings>({ ...DEFAULT_JAM_SETTINGS });
  state = $state<JamState>('off');
  error = $state<string | undefined>(undefined);
  calls = $state(0);
  answers = $state(0);
  last = $state<AnswerReport | undefined>(undefined);

  private events: LiveEvent[] = [];
  private tracker = new SilenceTracker();
  private silenceEndsAt: number | undefined;
  /** When to start answering speculatively (a little into the silence), ms. */
  private speculateAt: number | undefined;
  private speculative: Answer | undefined;
  private playing: Answer | undefined;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  private readonly byJob = new Map<string, Answer>();
  private readonly early = new EarlyEvents<GenerationEvent | GenerationFinished>();
  private origin: { ms: number; tick: Ticks; calls: TrackId; answers: TrackId } | undefined;
  private stopTicker: (() => void) | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly api: ContinuoApi,
    private readonly devices: MidiDevices,
    private readonly input: LiveInput,
    private readonly target: () => RecordingTarget | undefined,
  ) {
    api.on('generation.event', (event) => this.onGenerationEvent(event));
    api.on('generation.finished', (finished) => this.onFinished(finished));
  }

  /** Where the answer in hand stands (for tests and the benchmark). */
  inspect(): Record<string, unknown> {
    const answer = this.playing ?? this.speculative;
    return {
      playing: this.playing !== undefined,
      speculative: this.speculative !== undefined,
      jobId: answer?.jobId,
      notes: answer?.notes.length,
      seedEnd: answer?.seedEnd,
      finished: answer?.finished?.outcome,
      complete: answer?.complete,
      noteLimit: answer?.noteLimit,
      hasPlayer: answer?.player !== undefined,
      playerPlaying: answer?.player?.playing,
      dueMs: answer?.dueMs,
      startMs: answer?.startMs,
      silenceEndsAt: this.silenceEndsAt,
    };
  }

  /** Starts jamming: two new tracks at the playhead, listening (or the model plays first). */
  start(): void {
    if (this.state !== 'off') return;
    const target = this.target();
    if (!target) {
      this.error = 'Open a project first: the jam is recorded into it';
      return;
    }
    if (!this.settings.modelId) {
      this.error = 'Choose a model to jam with';
      return;
    }
    this.error = undefined;
    const calls = newTrack('user', 'Jam: you');
    const answers = {
      ...newTrack('take', 'Jam: model'),
      take: { generationId: newGenerationId(), variation: 0, quality: 'Jam answers' },
    };
    target.apply({
      type: 'batch',
      label: 'Start jam',
      edits: [
        { type: 'addTrack', track: calls },
        { type: 'addTrack', track: answers },
      ],
    });
    this.origin = { ms: performance.now(), tick: target.playheadTick, calls: calls.id, answers: answers.id };
    this.events = [];
    this.tracker = new SilenceTracker();
    this.silenceEndsAt = undefined;
    this.speculateAt = undefined;
    this.calls = 0;
    this.answers = 0;
    this.state = 'listening';
    this.stopListening = this.input.onEvent((event) => this.onLive(event));
    this.stopTicker = startTicker(5, () => this.tick());
    if (this.settings.whoStarts === 'model') {
      const answer = this.generate(undefined, this.settings.answerSeconds);
      answer.dueMs = performance.now();
      this.playing = answer;
      this.state = 'thinking';
    }
  }

  /** Stops the jam: the answer stops (note-offs), nothing more is generated. */
  stop(): void {
    if (this.state === 'off') return;
    this.interrupt();
    this.discard(this.speculative);
    this.speculative = undefined;
    if (this.events.some((event) => event.kind === 'noteOn'))
      this.recordCall(phraseFromEvents(this.events, performance.now()));
    this.events = [];
    this.stopListening?.();
    this.stopTicker?.();
    this.stopListening = undefined;
    this.stopTicker = undefined;
    this.state = 'off';
  }

  private onLive(event: LiveEvent): void {
    if (this.playing) this.interrupt();
    this.events.push(event);
    const wasSilent = this.tracker.silent;
    this.tracker.add(event);
    if (this.tracker.silent && !wasSilent) {
      this.silenceEndsAt = event.time + this.settings.silenceMs;
      // Not at once: the gaps between detached notes would each start (and cancel) a generation.
      this.speculateAt = event.time + Math.min(SPECULATE_AFTER_MS, this.settings.silenceMs / 3);
    } else if (!this.tracker.silent) {
      this.speculateAt = undefined;
      this.silenceEndsAt = undefined;
      this.discard(this.speculative);
      this.speculative = undefined;
    }
    if (this.state !== 'listening') this.state = 'listening';
  }

  private tick(): void {
    const now = performance.now();
    if (this.speculateAt !== undefined && now >= this.speculateAt) {
      this.speculateAt = undefined;
      this.speculate();
    }
    if (this.silenceEndsAt !== undefined && now >= this.silenceEndsAt) {
      const at = this.silenceEndsAt;
      this.silenceEndsAt = undefined;
      this.onSilence(at);
    }
    const answer = this.playing;
    if (answer && !answer.player) this.tryPlay(answer);
  }

  /** The silence completed: the call is over; its (speculative) answer becomes the answer. */
  private onSilence(at: number): void {
    if (!this.events.some((event) => event.kind === 'noteOn')) return;
    const phrase = phraseFromEvents(this.events, at);
    this.recordCall(phrase);
    this.events = [];
    this.speculateAt = undefined;
    const answer = this.speculative ?? this.generate(phrase, (phrase.end - phrase.start) / 1000);
    this.speculative = undefined;
    answer.dueMs = at;
    this.playing = answer;
    this.state = 'thinking';
    this.tryPlay(answer);
  }

  /** Starts the answer on the phrase so far (all keys are up: the silence has begun). */
  private speculate(): void {
    this.discard(this.speculative);
    const phrase = phraseFromEvents(this.events, performance.now());
    this.speculative =
      phrase.notes.length > 0 ? this.generate(phrase, (phrase.end - phrase.start) / 1000) : undefined;
  }

  private generate(phrase: Phrase | undefined, phraseSeconds: number): Answer {
    const settings = this.settings;
    const answerSeconds = answerSecondsFor(settings, phraseSeconds);
    const seed = phrase ? phraseToSeed(phrase, SEED_QPM) : undefined;
    const payload: PayloadOf<'generation.start'> = {
      modelId: settings.modelId ?? '',
      ...(seed ? { seed: { kind: 'sequence' as const, sequence: seed } } : {}),
      temperature: settings.temperature,
      topK: 0,
      topP: 1,
      length: `${answerSeconds}s`,
      variations: 1,
      ...(settings.key ? { key: settings.key } : {}),
      randomSeed: settings.randomSeed,
    };
    const answer: Answer = {
      payload,
      seedEnd: seed?.totalTime ?? 0,
      jobId: undefined,
      cancelled: false,
      notes: [],
      totalTime: 0,
      finished: undefined,
      player: undefined,
      startMs: undefined,
      dueMs: undefined,
      noteLimit: answerNoteLimit(phrase?.notes.length ?? 0, phraseSeconds, answerSeconds),
      complete: false,
      limited: false,
      seconds: answerSeconds,
    };
    this.api.request('generation.start', payload).then(
      ({ jobId }) => {
        answer.jobId = jobId;
        this.byJob.set(jobId, answer);
        if (answer.cancelled) void this.cancelJob(jobId);
        for (const event of this.early.take(jobId)) {
          if ('outcome' in event) this.onFinished(event);
          else this.onGenerationEvent(event);
        }
      },
      (error: unknown) => {
        if (answer.cancelled) return;
        this.error = `The model could not answer: ${errorText(error)}`;
        if (this.playing === answer) this.endAnswer(answer);
      },
    );
    return answer;
  }

  /** Drops a superseded answer: its generation is cancelled. */
  private discard(answer: Answer | undefined): void {
    if (!answer || answer.cancelled) return;
    answer.cancelled = true;
    if (answer.jobId && !answer.finished) void this.cancelJob(answer.jobId);
  }

  private async cancelJob(jobId: string): Promise<void> {
    try {
      await this.api.request('jobs.cancel', { jobId });
    } catch {
      // It finished meanwhile.
    }
  }

  private onGenerationEvent(event: GenerationEvent): void {
    const answer = this.byJob.get(event.jobId);
    if (!answer) {
      this.early.add(event);
      return;
    }
    if (answer.complete || event.variation !== 0) return;
    answer.notes = event.notes;
    answer.totalTime = event.totalTime;
    const settled = settledContinuation(
      continuationOf(answer.notes, answer.seedEnd),
      answer.totalTime,
      false,
      answer.noteLimit,
    );
    if (answerIsDetermined(settled, answer.totalTime, answer.noteLimit)) {
      // Enough notes: the rest would not be played, so the generation stops here.
      answer.complete = true;
      answer.limited = true;
      if (answer.jobId) void this.cancelJob(answer.jobId);
    }
    this.feed(answer);
  }

  private onFinished(finished: GenerationFinished): void {
    const answer = this.byJob.get(finished.jobId);
    if (!answer) {
      this.early.add(finished);
      return;
    }
    this.byJob.delete(finished.jobId);
    answer.finished = finished;
    const result = finished.variations[0];
    if (!answer.complete && result) {
      answer.notes = result.sequence.notes;
      answer.totalTime = result.sequence.totalTime;
    }
    if (finished.outcome === 'failed' && !answer.cancelled)
      this.error = finished.message ?? 'The model could not answer';
    answer.complete = true;
    this.feed(answer);
  }

  /** New notes for an answer: playing ones get them, a due one may start. */
  private feed(answer: Answer): void {
    if (answer !== this.playing) return;
    if (!answer.player) {
      this.tryPlay(answer);
      return;
    }
    this.updatePlayer(answer);
  }

  /** Plays an answer once it is due and has notes (or ends it when it has none). */
  private tryPlay(answer: Answer): void {
    if (answer.player || answer.dueMs === undefined || answer !== this.playing) return;
    const now = performance.now();
    if (now < answer.dueMs) return;
    const continuation = this.settled(answer);
    if (continuation.length === 0) {
      if (answer.complete) this.endAnswer(answer);
      return;
    }
    answer.startMs = Math.max(answer.dueMs, now);
    answer.player = new AnswerPlayer(deviceSink(this.devices));
    answer.player.start();
    this.updatePlayer(answer);
    this.state = 'answering';
    void answer.player.whenEnded().then(() => this.endAnswer(answer));
  }

  private updatePlayer(answer: Answer): void {
    if (!answer.player || answer.startMs === undefined) return;
    const complete = answer.complete;
    const endBy = answer.startMs + (answer.seconds + ANSWER_RING_OUT_S) * 1000;
    answer.player.setNotes(
      scheduleContinuation(this.settled(answer), answer.totalTime, complete, answer.startMs, endBy),
      complete,
    );
  }

  /** The notes of an answer that are known for good (see `settledContinuation`). */
  private settled(answer: Answer): NoteWire[] {
    return settledContinuation(
      continuationOf(answer.notes, answer.seedEnd),
      answer.totalTime,
      answer.complete,
      answer.noteLimit,
    );
  }

  /** The musician plays over the answer: it stops at once and its generation is cancelled. */
  private interrupt(): void {
    const answer = this.playing;
    if (!answer) return;
    this.discard(answer);
    answer.player?.stop();
    this.endAnswer(answer);
  }

  /** An answer is over (played out, stopped or empty): what sounded goes into the project. */
  private endAnswer(answer: Answer): void {
    if (this.playing !== answer) return;
    this.playing = undefined;
    const sounded = answer.player?.sounded() ?? [];
    if (sounded.length > 0) {
      this.recordAnswer({
        notes: sounded,
        controls: [],
        start: sounded[0].start,
        end: Math.max(...sounded.map((n) => n.end)),
      });
    }
    this.last = {
      payload: answer.payload,
      engineNotes: answer.notes,
      continuation: this.settled(answer),
      limited: answer.limited,
      startMs: answer.startMs,
      silenceEndMs: answer.payload.seed ? answer.dueMs : undefined,
    };
    if (this.state !== 'off') this.state = 'listening';
  }

  private recordCall(phrase: Phrase): void {
    this.calls += 1;
    this.record(phrase, 'calls', 'Jam: your phrase');
  }

  private recordAnswer(phrase: Phrase): void {
    this.answers += 1;
    this.record(phrase, 'answers', 'Jam: model answer');
  }

  private record(phrase: Phrase, which: 'calls' | 'answers', label: string): void {
    const target = this.target();
    const origin = this.origin;
    if (!target || !origin || phrase.notes.length === 0) return;
    const trackId = origin[which];
    if (!target.project.tracks.some((track) => track.id === trackId)) return;
    const { notes, controllers } = phraseToTrackContent(phrase, {
      tempos: target.project.tempos,
      atTick: origin.tick,
      originMs: origin.ms,
    });
    target.apply({
      type: 'batch',
      label,
      edits: [
        { type: 'addNotes', trackId, notes },
        ...(controllers.length > 0
          ? [{ type: 'addControllers' as const, trackId, events: controllers }]
          : []),
      ],
    });
  }
}
