/**
 * Playback's notes for somewhere outside the built-in audio (the MIDI outputs), sent just in
 * time: the player schedules its own audio 250 ms ahead, but a MIDI output cannot take back what
 * it was sent (Chromium's MIDIOutput has no `clear()`), so each event goes out only a short
 * look-ahead before it is due, with its timestamp. Stopping drops what is not sent yet and sends
 * a note-off for every note-on already sent, so nothing is left scheduled or hanging.
 *
 * The MIDI studio sets the sink (`setExternalNoteSink`); this module knows nothing of MIDI.
 */

/** Where playback's notes go; times are ms in the performance.now timebase, possibly a little ahead. */
export interface ExternalNoteSink {
  noteOn(pitch: number, velocity: number, atMs: number): void;
  noteOff(pitch: number, atMs: number): void;
  /** How to tick (e.g. a worker ticker that is not throttled in the background); setInterval by default. */
  startTicker?: (intervalMs: number, onTick: () => void) => () => void;
}

/** One event for the sink. */
export type ExternalNoteEvent =
  | { kind: 'on'; pitch: number; velocity: number; atMs: number }
  | { kind: 'off'; pitch: number; atMs: number };

/** How far ahead events are sent, ms. */
export const EXTERNAL_LOOK_AHEAD_MS = 50;
/** How often the sender looks, ms. */
const TICK_MS = 10;

export interface JustInTimeOptions {
  lookAheadMs?: number;
  tickMs?: number;
  /** The clock (performance.now by default; tests give their own). */
  now?: () => number;
}

function intervalTicker(intervalMs: number, onTick: () => void): () => void {
  const timer = setInterval(onTick, intervalMs);
  return () => clearInterval(timer);
}

export class JustInTimeSender {
  private queue: ExternalNoteEvent[] = [];
  /** Pitches sounding on the sink, and when their note-on was sent for. */
  private readonly sounding = new Map<number, number>();
  private stopTicker: (() => void) | undefined;
  private stopped = false;
  private readonly lookAheadMs: number;
  private readonly tickMs: number;
  private readonly now: () => number;

  constructor(
    private readonly sink: ExternalNoteSink,
    options: JustInTimeOptions = {},
  ) {
    this.lookAheadMs = options.lookAheadMs ?? EXTERNAL_LOOK_AHEAD_MS;
    this.tickMs = options.tickMs ?? TICK_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** Queues events (any order); they are sent when due within the look-ahead. */
  add(events: readonly ExternalNoteEvent[]): void {
    if (this.stopped || events.length === 0) return;
    // Note-offs before note-ons at the same moment, so a repeated pitch stays in order.
    this.queue = [...this.queue, ...events.map((event) => ({ ...event }))].sort(
      (a, b) => a.atMs - b.atMs || (a.kind === 'off' ? 0 : 1) - (b.kind === 'off' ? 0 : 1),
    );
    this.stopTicker ??= (this.sink.startTicker ?? intervalTicker)(this.tickMs, () => this.tick());
    this.tick();
  }

  /** Events queued and not sent yet. */
  get pending(): number {
    return this.queue.length;
  }

  /** Sends what is due within the look-ahead (the ticker calls it; tests may too). */
  tick(): void {
    if (this.stopped) return;
    const now = this.now();
    const horizon = now + this.lookAheadMs;
    let sent = 0;
    while (sent < this.queue.length && this.queue[sent].atMs <= horizon) {
      this.send(this.queue[sent], now);
      sent++;
    }
    if (sent > 0) this.queue = this.queue.slice(sent);
  }

  /** Stops: nothing more is sent except a note-off for every note still sounding. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicker?.();
    this.stopTicker = undefined;
    this.queue = [];
    const now = this.now();
    for (const [pitch, onAt] of this.sounding)
      this.call(() => this.sink.noteOff(pitch, Math.max(now, onAt + 1)));
    this.sounding.clear();
  }

  private send(event: ExternalNoteEvent, now: number): void {
    const at = Math.max(event.atMs, now);
    const onAt = this.sounding.get(event.pitch);
    if (event.kind === 'off') {
      // Only a sounding pitch gets a note-off: each note-on is paired with exactly one.
      if (onAt === undefined) return;
      this.sounding.delete(event.pitch);
      this.call(() => this.sink.noteOff(event.pitch, Math.max(at, onAt + 1)));
      return;
    }
    // A pitch struck again while sounding ends first (as the built-in piano does).
    if (onAt !== undefined) this.call(() => this.sink.noteOff(event.pitch, Math.max(at, onAt + 1)));
    const startAt = onAt === undefined ? at : Math.max(at, onAt + 1);
    this.sounding.set(event.pitch, startAt);
    this.call(() => this.sink.noteOn(event.pitch, event.velocity, startAt));
  }

  /** One call to the sink; a failing sink never stalls the schedule. */
  private call(send: () => void): void {
    try {
      send();
    } catch (error) {
      console.warn('A playback note could not be sent:', error);
    }
  }
}

let current: ExternalNoteSink | undefined;

/** Sets (or clears) where playback's notes also go; the player picks it up at once. */
export function setExternalNoteSink(sink: ExternalNoteSink | undefined): void {
  current = sink;
}

/** The sink set now, if any. */
export function externalNoteSink(): ExternalNoteSink | undefined {
  return current;
}
