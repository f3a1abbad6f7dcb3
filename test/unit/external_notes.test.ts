import { describe, expect, it } from 'vitest';
import { JustInTimeSender, type ExternalNoteSink } from '../../src/renderer/src/lib/audio/external_notes.ts';

/** A sink that records each call with the (fake) time it was made. */
function recordingSink(clock: { now: number }) {
  const calls: { kind: 'on' | 'off'; pitch: number; atMs: number; calledAt: number }[] = [];
  let ticker: (() => void) | undefined;
  let running = false;
  const sink: ExternalNoteSink = {
    noteOn: (pitch, _velocity, atMs) => calls.push({ kind: 'on', pitch, atMs, calledAt: clock.now }),
    noteOff: (pitch, atMs) => calls.push({ kind: 'off', pitch, atMs, calledAt: clock.now }),
    startTicker: (_ms, onTick) => {
      ticker = onTick;
      running = true;
      return () => (running = false);
    },
  };
  const advance = (ms: number): void => {
    for (let step = 0; step < ms; step += 10) {
      clock.now += 10;
      if (running) ticker?.();
    }
  };
  return { sink, calls, advance, isRunning: () => running };
}

describe('JustInTimeSender', () => {
  it('sends each event only within the look-ahead, with its own timestamp, in order', () => {
    const clock = { now: 1000 };
    const { sink, calls, advance } = recordingSink(clock);
    const sender = new JustInTimeSender(sink, { lookAheadMs: 50, now: () => clock.now });
    sender.add([
      { kind: 'on', pitch: 60, velocity: 90, atMs: 1020 },
      { kind: 'off', pitch: 60, atMs: 1200 },
      { kind: 'on', pitch: 64, velocity: 80, atMs: 1200 },
      { kind: 'off', pitch: 64, atMs: 1400 },
    ]);
    expect(calls).toEqual([{ kind: 'on', pitch: 60, atMs: 1020, calledAt: 1000 }]);
    advance(400);
    expect(calls.map(({ kind, pitch, atMs }) => ({ kind, pitch, atMs }))).toEqual([
      { kind: 'on', pitch: 60, atMs: 1020 },
      { kind: 'off', pitch: 60, atMs: 1200 },
      { kind: 'on', pitch: 64, atMs: 1200 },
      { kind: 'off', pitch: 64, atMs: 1400 },
    ]);
    for (const call of calls) {
      expect(call.atMs - call.calledAt).toBeLessThanOrEqual(50);
      expect(call.atMs).toBeGreaterThanOrEqual(call.calledAt);
    }
    expect(sender.pending).toBe(0);
  });

  it('stop drops what is not sent and ends every sounding note after its note-on; nothing is sent afterwards', () => {
    const clock = { now: 0 };
    const { sink, calls, advance, isRunning } = recordingSink(clock);
    const sender = new JustInTimeSender(sink, { lookAheadMs: 50, now: () => clock.now });
    sender.add([
      { kind: 'on', pitch: 60, velocity: 90, atMs: 10 },
      { kind: 'on', pitch: 67, velocity: 90, atMs: 140 },
      { kind: 'off', pitch: 60, atMs: 500 },
      { kind: 'off', pitch: 67, atMs: 500 },
      { kind: 'on', pitch: 72, velocity: 90, atMs: 600 },
      { kind: 'off', pitch: 72, atMs: 700 },
    ]);
    advance(100); // 67 is sent (due at 140, now 100), its note-on 40 ms ahead
    sender.stop();
    expect(isRunning()).toBe(false);
    const ons = calls.filter((c) => c.kind === 'on');
    const offs = calls.filter((c) => c.kind === 'off');
    expect(ons.map((c) => c.pitch)).toEqual([60, 67]);
    expect(offs.map((c) => c.pitch).sort()).toEqual([60, 67]);
    for (const off of offs) {
      const on = ons.find((c) => c.pitch === off.pitch);
      expect(off.atMs).toBeGreaterThan(on?.atMs ?? Infinity);
    }
    const count = calls.length;
    advance(1000);
    sender.add([{ kind: 'on', pitch: 50, velocity: 90, atMs: clock.now }]);
    sender.tick();
    expect(calls.length).toBe(count);
    expect(sender.pending).toBe(0);
  });

  it('pairs every note-on with one note-off: a repeated pitch is ended before it is struck again', () => {
    const clock = { now: 0 };
    const { sink, calls, advance } = recordingSink(clock);
    const sender = new JustInTimeSender(sink, { lookAheadMs: 50, now: () => clock.now });
    // Two overlapping notes of one pitch, added in two batches (as the player's pumps do), and a stray off.
    sender.add([
      { kind: 'on', pitch: 60, velocity: 90, atMs: 100 },
      { kind: 'off', pitch: 62, atMs: 150 },
    ]);
    sender.add([
      { kind: 'on', pitch: 60, velocity: 70, atMs: 200 },
      { kind: 'off', pitch: 60, atMs: 300 },
      { kind: 'off', pitch: 60, atMs: 400 },
    ]);
    advance(500);
    expect(calls.map(({ kind, pitch, atMs }) => [kind, pitch, atMs])).toEqual([
      ['on', 60, 100],
      ['off', 60, 200],
      ['on', 60, 200],
      ['off', 60, 300],
    ]);
  });

  it('sends late events at once (never in the past) and survives a failing sink', () => {
    const clock = { now: 1000 };
    const { sink, calls } = recordingSink(clock);
    let fail = true;
    const flaky: ExternalNoteSink = {
      ...sink,
      noteOn: (pitch, velocity, atMs) => {
        if (fail) {
          fail = false;
          throw new Error('port gone');
        }
        sink.noteOn(pitch, velocity, atMs);
      },
    };
    const sender = new JustInTimeSender(flaky, { lookAheadMs: 50, now: () => clock.now });
    sender.add([
      { kind: 'on', pitch: 60, velocity: 90, atMs: 900 },
      { kind: 'on', pitch: 62, velocity: 90, atMs: 950 },
    ]);
    expect(calls).toEqual([{ kind: 'on', pitch: 62, atMs: 1000, calledAt: 1000 }]);
    expect(sender.pending).toBe(0);
  });
});
