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
/**
 * A streamed note counts as settled this long before the stream's end: a note just struck is
 * closed a codec step (10 ms) ahead, so the stream's end can run a step past its current time.
 */
const SETTLE_MARGIN_S = 0.025;

/** The continuation part of a generated sequence: notes starting at or after the seed's end. */
export function continuationOf(notes: readonly NoteWire[], seedEnd: number): NoteWire[] {
  return notes.filter((note) => note.startTime >= seedEnd - SEED_END_SLACK_S);
}

/**
 * The part of a streamed continuation that is settled: while the stream runs, only notes starting
 * before its current time (later tokens can add no note before that; the end of the stream can
 * run a codec step ahead, hence a margin), at most `limit` of them;
 * when complete, all of them up to `limit`.
 */
export function settledContinuation(
  continuation: readonly NoteWire[],
  totalTime: number,
  complete: boolean,
  limit: number,
): NoteWire[] {
  const settled = complete
    ? continuation
    : continuation.filter((note) => note.startTime < totalTime - SETTLE_MARGIN_S);
  return settled.slice(0, limit);
}

/** True when the first `limit` notes are settled and all ended: the answer needs no more tokens. */
export function answerIsDetermined(settled: readonly NoteWire[], totalTime: number, limit: number): boolean {
  return settled.length >= limit && settled.every((note) => note.endTime < totalTime - SETTLE_MARGIN_S);
}

/** Most notes an answer plays: about three times the call's note rate over the answer's length (8..128). */
export function answerNoteLimit(phraseNotes: number, phraseSeconds: number, answerSeconds: number): number {
  if (phraseNotes === 0) return 48;
  const rate = phraseNotes / Math.max(0.5, phraseSeconds);
  return Math.min(128, Math.max(8, Math.ceil(rate * answerSeconds * 3)));
}

/**
 * Settled continuation notes as notes to play from `startMs`: the first lands there (a leading
 * rest is dropped); an end is known when `complete` or already passed in the stream (`totalTime`).
 */
export function scheduleContinuation(
  settled: readonly NoteWire[],
  totalTime: number,
  complete: boolean,
  startMs: number,
  /** No note sounds past this (ms): a held note ends with the answer. */
  endByMs = Infinity,
): ScheduledNote[] {
  if (settled.length === 0) return [];
  const t0 = settled[0].startTime;
  return settled.map((note) => {
    const start = startMs + (note.startTime - t0) * 1000;
    const known = complete || note.endTime < totalTime - SETTLE_MARGIN_S;
    const end = known ? startMs + (note.endTime - t0) * 1000 : undefined;
    const cut = Math.max(start + 1, endByMs);
    // An end not known yet is at most the cut (a later, known end replaces it before it is due).
    const bounded = end === undefined ? (Number.isFinite(cut) ? cut : undefined) : Math.min(end, cut);
    return { pitch: note.pitch, velocity: note.velocity, start, end: bounded };
  });
}

/** The answer length for a call of `phraseSeconds`. */
export function answerSecondsFor(settings: JamSettings, phraseSeconds: number): number {
  const wanted = settings.answerLength === 'phrase' ? phraseSeconds : settings.answerSeconds;
  return Math.round(Math.min(MAX_ANSWER_SECONDS, Math.max(MIN_ANSWER_SECONDS, wanted)) * 10) / 10;
}
