/**
 * Plays an answer just in time: each note-on and note-off goes out a short look-ahead before it
 * is due (with its timestamp), never far ahead, so stopping leaves almost nothing scheduled —
 * and what is (note-ons already sent) gets its note-off at once. Chromium's MIDIOutput has no
 * `clear()`, so this is the only way to stop cleanly. The notes may grow while it plays (a
 * generation still streaming): a note whose end is not known yet sounds until it is.
 */
import { startTicker } from './ticker.ts';

/** A note to play (ms, performance.now timebase); `end` undefined until known. */
export interface ScheduledNote {
  pitch: number;
  velocity: number;
  start: number;
  end: number | undefined;
}

/** Where an answer sounds; times are ms in the performance.now timebase, possibly a little ahead. */
export interface NoteSink {
  noteOn(pitch: number, velocity: number, atMs: number): void;
  noteOff(pitch: number, atMs: number): void;
}

/** A note as it sounded (for recording); ends cut short when the answer was stopped. */
export interface SoundedNote {
  pitch: number;
  velocity: number;
  start: number;
  end: number;
}

/** How far ahead notes are sent, ms. */
export const LOOK_AHEAD_MS = 50;
/** How often the scheduler looks, ms. */
const TICK_MS = 10;

interface Slot {
  note: ScheduledNote;
  /** When its note-on was sent for (undefined: not yet). */
  onAt: number | undefined;
  /** When its note-off was sent for (undefined: not yet). */
  offAt: number | undefined;
}

export class AnswerPlayer {
  private slots: Slot[] = [];
  private stopTicker: (() => void) | undefined;
  private complete = false;
  private stopped = false;
  private readonly ended: Promise<void>;
  private resolveEnded: () => void = () => undefined;

  constructor(
    private readonly sink: NoteSink,
    private readonly lookAheadMs = LOOK_AHEAD_MS,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Starts playing (the notes may be given now or later). */
  start(): void {
    this.stopTicker ??= startTicker(TICK_MS, () => this.tick());
    this.tick();
  }

  /**
   * The notes so far (all of them, each time). A note is known by its pitch and start, so one
   * already sent keeps its slot and only its end changes; new ones join. `complete`: no more
   * will come, and every end is known.
   */
  setNotes(notes: readonly ScheduledNote[], complete: boolean): void {
    if (this.stopped) return;
    for (const note of notes) {
      const slot = this.slots.find(
        (known) => known.note.pitch === note.pitch && Math.abs(known.note.start - note.start) < 0.5,
      );
      if (slot) slot.note = { ...slot.note, end: note.end };
      else this.slots.push({ note: { ...note }, onAt: undefined, offAt: undefined });
    }
    this.complete = complete;
    this.tick();
  }

  /** Resolves when the last note has ended or the answer was stopped. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  get playing(): boolean {
    return this.stopTicker !== undefined && !this.stopped;
  }

  /** Stops now: a note-off for every note sent a note-on, nothing more sent. */
  stop(): void {
    if (this.stopped) return;
    const now = performance.now();
    for (const slot of this.slots) {
      if (slot.onAt === undefined || slot.offAt !== undefined) continue;
      // After its own note-on, which may still be a few ms ahead.
      const offAt = Math.max(now, slot.onAt + 1);
      slot.offAt = offAt;
      this.send(() => this.sink.noteOff(slot.note.pitch, offAt));
    }
    this.finish();
  }

  /** What sounded, with the ends it had (stopped notes end where they were cut). */
  sounded(): SoundedNote[] {
    return this.slots
      .filter((slot) => slot.onAt !== undefined)
      .map((slot) => ({
        pitch: slot.note.pitch,
        velocity: slot.note.velocity,
        start: slot.onAt ?? slot.note.start,
        end: slot.offAt ?? slot.note.end ?? performance.now(),
      }));
  }

  private tick(): void {
    if (this.stopped || !this.stopTicker) return;
    const now = performance.now();
    const horizon = now + this.lookAheadMs;
    // Note-offs first, so a note and a repeat of its pitch at the same moment stay in order.
    for (const slot of this.slots) {
      const end = slot.note.end;
      if (slot.onAt === undefined || slot.offAt !== undefined || end === undefined || end > horizon) continue;
      const offAt = Math.max(end, slot.onAt + 1, now);
      slot.offAt = offAt;
      this.send(() => this.sink.noteOff(slot.note.pitch, offAt));
    }
    for (const slot of this.slots) {
      if (slot.onAt !== undefined || slot.note.start > horizon) continue;
      const at = Math.max(slot.note.start, now);
      // A pitch still sounding ends where it is struck again.
      for (const other of this.slots) {
        if (other === slot || other.note.pitch !== slot.note.pitch) continue;
        if (other.onAt === undefined || other.offAt !== undefined) continue;
        const offAt = Math.max(at, other.onAt + 1);
        other.offAt = offAt;
        this.send(() => this.sink.noteOff(other.note.pitch, offAt));
      }
      slot.onAt = at;
      this.send(() => this.sink.noteOn(slot.note.pitch, slot.note.velocity, at));
    }
    if (this.complete && this.slots.every((slot) => slot.offAt !== undefined && slot.offAt <= now))
      this.finish();
  }

  /** One send; a failing sink never stalls the schedule (the note counts as sent). */
  private send(call: () => void): void {
    try {
      call();
    } catch (error) {
      console.warn('An answer note could not be sent:', error);
    }
  }

  private finish(): void {
    this.stopped = true;
    this.stopTicker?.();
    this.resolveEnded();
  }
}
