import { describe, expect, it } from 'vitest';
import { AnswerPlayer, type NoteSink } from '../../src/renderer/src/lib/midi/answer_player.ts';
import {
  answerSecondsFor,
  continuationOf,
  scheduleContinuation,
  type JamSettings,
} from '../../src/renderer/src/lib/midi/answer_notes.ts';
import type { NoteWire } from '../../src/shared/ipc/index.ts';

const note = (pitch: number, startTime: number, endTime: number): NoteWire => ({
  pitch,
  velocity: 80,
  startTime,
  endTime,
  program: 0,
  instrument: 0,
  isDrum: false,
});

function recordingSink(): NoteSink & {
  log: { kind: 'on' | 'off'; pitch: number; at: number; sentAt: number }[];
} {
  const log: { kind: 'on' | 'off'; pitch: number; at: number; sentAt: number }[] = [];
  return {
    log,
    noteOn: (pitch, _velocity, at) => log.push({ kind: 'on', pitch, at, sentAt: performance.now() }),
    noteOff: (pitch, at) => log.push({ kind: 'off', pitch, at, sentAt: performance.now() }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('answer notes', () => {
  it('keeps the continuation and schedules it from the start, leading rest dropped', () => {
    const all = [note(60, 0, 0.5), note(62, 0.995, 1.2), note(64, 1.3, 1.6), note(65, 1.5, 2)];
    const continuation = continuationOf(all, 1);
    expect(continuation.map((n) => n.pitch)).toEqual([62, 64, 65]);
    const scheduled = scheduleContinuation(continuation, 2, false, 1000);
    expect(scheduled[0].start).toBe(1000);
    expect(scheduled[1].start).toBeCloseTo(1305, 6);
    // The last note reaches the stream's end: its end is not known yet.
    expect(scheduled[2].end).toBeUndefined();
    expect(scheduleContinuation(continuation, 2, true, 1000)[2].end).toBeCloseTo(2005, 6);
  });

  it('answers about as long as the phrase, 1 to 8 s', () => {
    const settings = { answerLength: 'phrase', answerSeconds: 3 } as JamSettings;
    expect(answerSecondsFor(settings, 0.3)).toBe(1);
    expect(answerSecondsFor(settings, 4.26)).toBe(4.3);
    expect(answerSecondsFor(settings, 30)).toBe(8);
    expect(answerSecondsFor({ ...settings, answerLength: 'fixed' }, 30)).toBe(3);
  });
});

describe('AnswerPlayer', () => {
  it('sends each note just in time, never more than the look-ahead early', async () => {
    const sink = recordingSink();
    const player = new AnswerPlayer(sink, 30);
    const t = performance.now();
    player.start();
    player.setNotes(
      [
        { pitch: 60, velocity: 90, start: t, end: t + 60 },
        { pitch: 62, velocity: 90, start: t + 150, end: t + 200 },
      ],
      true,
    );
    await player.whenEnded();
    expect(sink.log.map((e) => `${e.kind}${e.pitch}`)).toEqual(['on60', 'off60', 'on62', 'off62']);
    for (const entry of sink.log) expect(entry.at - entry.sentAt).toBeLessThanOrEqual(30 + 1);
    expect(player.sounded().map((n) => n.pitch)).toEqual([60, 62]);
  });

  it('stops cleanly: every note sent gets its note-off, nothing later is sent', async () => {
    const sink = recordingSink();
    const player = new AnswerPlayer(sink, 50);
    const t = performance.now();
    player.start();
    player.setNotes(
      [
        { pitch: 60, velocity: 90, start: t, end: undefined },
        { pitch: 64, velocity: 90, start: t + 20, end: t + 1000 },
        { pitch: 67, velocity: 90, start: t + 400, end: t + 500 },
      ],
      false,
    );
    await sleep(60);
    player.stop();
    await player.whenEnded();
    await sleep(450);
    const ons = sink.log.filter((e) => e.kind === 'on').map((e) => e.pitch);
    const offs = sink.log.filter((e) => e.kind === 'off').map((e) => e.pitch);
    expect(ons).toEqual([60, 64]);
    expect(offs.sort()).toEqual([60, 64]);
    for (const on of sink.log.filter((e) => e.kind === 'on')) {
      const off = sink.log.find((e) => e.kind === 'off' && e.pitch === on.pitch);
      expect(off!.at).toBeGreaterThan(on.at);
    }
  });

  it('ends a pitch where it is struck again', async () => {
    const sink = recordingSink();
    const player = new AnswerPlayer(sink, 50);
    const t = performance.now();
    player.start();
    player.setNotes(
      [
        { pitch: 60, velocity: 90, start: t, end: t + 100 },
        { pitch: 60, velocity: 90, start: t + 50, end: t + 80 },
      ],
      true,
    );
    await player.whenEnded();
    expect(sink.log.map((e) => `${e.kind}${e.pitch}`)).toEqual(['on60', 'off60', 'on60', 'off60']);
  });
});
