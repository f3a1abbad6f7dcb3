/**
 * The notes of a jam answer: the continuation part of what the engine generated (seed +
 * continuation), scheduled from the moment the answer starts, and how long an answer should be.
 */
import type { NoteWire } from '../../../../shared/ipc/index.ts';
import type { ScheduledNote } from './answer_player.ts';

/** What the jam is set to. */
export interface JamSettings {
  modelId: string | undefined;
  temperature: number;
  /** Key constraint, e.g. `C major`; undefined = none. */
  key: string | undefined;
  /** Answer as long as the call (clamped to 1..8 s), or always `answerSeconds`. */
  answerLength: 'phrase' | 'fixed';
  answerSeconds: number;
  /** Silence after which the model answers, ms. */
  silenceMs: number;
  whoStarts: 'musician' | 'model';
  /** Random seed of every answer (the same phrase gives the same answer). */
  randomSeed: number;
}

export const MIN_ANSWER_SECONDS = 1;
export const MAX_ANSWER_SECONDS = 8;
/** Notes starting this close before the seed's end still count as seed (codec time steps round). */
const SEED_END_SLACK_S = 0.006;

/** The continuation part of a generated sequence: notes starting at or after the seed's end. */
export function continuationOf(notes: readonly NoteWire[], seedEnd: number): NoteWire[] {
  return notes.filter((note) => note.startTime >= seedEnd - SEED_END_SLACK_S);
}

/**
 * A continuation as notes to play from `startMs`: its first note lands there (a leading rest is
 * dropped), ends known only when `complete` or already passed in the stream (`totalTime`).
 */
export function scheduleContinuation(
  continuation: readonly NoteWire[],
  totalTime: number,
  complete: boolean,
  startMs: number,
): ScheduledNote[] {
  if (continuation.length === 0) return [];
  const t0 = continuation[0].startTime;
  return continuation.map((note) => ({
    pitch: note.pitch,
    velocity: note.velocity,
    start: startMs + (note.startTime - t0) * 1000,
    end: complete || note.endTime < totalTime - 1e-6 ? startMs + (note.endTime - t0) * 1000 : undefined,
  }));
}

/** The answer length for a call of `phraseSeconds`. */
export function answerSecondsFor(settings: JamSettings, phraseSeconds: number): number {
  const wanted = settings.answerLength === 'phrase' ? phraseSeconds : settings.answerSeconds;
  return Math.round(Math.min(MAX_ANSWER_SECONDS, Math.max(MIN_ANSWER_SECONDS, wanted)) * 10) / 10;
}

