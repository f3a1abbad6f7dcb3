import { describe, expect, it } from 'vitest';
import { applySustain } from '../../src/shared/music/sustain.ts';
import type { LiveEvent } from '../../src/renderer/src/lib/midi/live_events.ts';
import {
  channelMessage,
  panicMessages,
  parseChannelMessage,
} from '../../src/renderer/src/lib/midi/live_events.ts';
import {
  lastPhraseEvents,
  phraseFromEvents,
  phraseToSeed,
  phraseToTrackContent,
} from '../../src/renderer/src/lib/midi/phrase.ts';
import { stepTyping, typingAction } from '../../src/renderer/src/lib/midi/typing.ts';
import { percentile } from '../../src/renderer/src/lib/midi/latency.ts';

const on = (pitch: number, velocity: number, time: number): LiveEvent => ({
  kind: 'noteOn',
  pitch,
  velocity,
  time,
});
const off = (pitch: number, time: number): LiveEvent => ({ kind: 'noteOff', pitch, time });
const pedal = (value: number, time: number): LiveEvent => ({ kind: 'control', controller: 64, value, time });

describe('applySustain', () => {
  it('holds released notes until the pedal rises', () => {
    const notes = [
      { pitch: 60, start: 0, end: 1 },
      { pitch: 64, start: 2, end: 3 },
    ];
    const out = applySustain(notes, [
      { time: 0.5, down: true },
      { time: 1.5, down: false },
    ]);
    expect(out).toEqual([
      { pitch: 60, start: 0, end: 1.5 },
      { pitch: 64, start: 2, end: 3 },
    ]);
    expect(notes[0].end).toBe(1); // a copy
  });

  it('ends a sustained note where its pitch is struck again', () => {
    const out = applySustain(
      [
        { pitch: 60, start: 0, end: 0.5 },
        { pitch: 60, start: 1, end: 1.2 },
      ],
      [
        { time: 0, down: true },
        { time: 3, down: false },
      ],
    );
    expect(out.map((n) => n.end)).toEqual([1, 3]);
  });

  it('keeps notes held past a pedal change and extends to the end when the pedal never rises', () => {
    const out = applySustain(
      [
        { pitch: 60, start: 0, end: 2 },
        { pitch: 62, start: 0.2, end: 0.4 },
      ],
      [
        { time: 0.1, down: true },
        { time: 1, down: false },
        { time: 1.5, down: true },
      ],
    );
    expect(out.map((n) => n.end)).toEqual([2, 1]);
  });
});

describe('MIDI messages', () => {
  it('parses note on/off (velocity 0 is off) and control changes with their channel', () => {
    expect(parseChannelMessage([0x93, 60, 100], 5)).toEqual({ event: on(60, 100, 5), channel: 3 });
    expect(parseChannelMessage([0x90, 60, 0], 6)).toEqual({ event: off(60, 6), channel: 0 });
    expect(parseChannelMessage([0x8f, 61, 40], 7)).toEqual({ event: off(61, 7), channel: 15 });
    expect(parseChannelMessage([0xb0, 64, 127], 8)).toEqual({ event: pedal(127, 8), channel: 0 });
    expect(parseChannelMessage([0xf8], 9)).toBeUndefined();
    expect(parseChannelMessage([0xe0, 0, 64], 9)).toBeUndefined();
  });

  it('writes events on a channel, and panic on all 16', () => {
    expect(channelMessage(on(60, 90, 0), 2)).toEqual([0x92, 60, 90]);
    expect(channelMessage(off(60, 0), 15)).toEqual([0x8f, 60, 0]);
    const panic = panicMessages();
    for (let ch = 0; ch < 16; ch++) {
      expect(panic).toContainEqual([0xb0 | ch, 123, 0]);
      expect(panic).toContainEqual([0xb0 | ch, 121, 0]);
    }
  });
});

describe('phrases', () => {
  it('pairs notes, ends a re-struck pitch, closes held notes and drops stray note-offs', () => {
    const phrase = phraseFromEvents(
      [off(50, 0), on(60, 100, 10), on(60, 90, 50), off(60, 80), on(62, 70, 90)],
      200,
    );
    expect(phrase.notes).toEqual([
      { pitch: 60, velocity: 100, start: 10, end: 50 },
      { pitch: 60, velocity: 90, start: 50, end: 80 },
      { pitch: 62, velocity: 70, start: 90, end: 200 },
    ]);
  });

  it('takes everything since the last silence of 2 s (pedal down is not silence), up to 60 s', () => {
    const events = [
      on(60, 100, 0),
      off(60, 100),
      on(62, 100, 3000), // 2.9 s of silence before: a new phrase
      off(62, 3100),
      pedal(127, 3200),
      pedal(0, 5500), // the pedal held: no silence between 3100 and 5500
      on(64, 100, 6000),
      off(64, 6100),
    ];
    const phrase = lastPhraseEvents(events, { silenceMs: 2000, maxMs: 60_000 });
    expect(phrase[0]).toEqual(on(62, 100, 3000));
    expect(phrase).toHaveLength(6);
    const capped = lastPhraseEvents(events, { silenceMs: 2000, maxMs: 1000 });
    expect(capped.map((e) => e.time)).toEqual([5500, 6000, 6100]);
  });

  it('places a phrase in ticks through the tempo map and keeps velocity and pedal', () => {
    const phrase = phraseFromEvents(
      [on(60, 100, 1000), pedal(127, 1100), off(60, 1500), pedal(0, 2000)],
      2000,
    );
    const { notes, controllers } = phraseToTrackContent(phrase, {
      tempos: [{ tick: 0, qpm: 60 }],
      atTick: 480,
    });
    expect(
      notes.map(({ pitch, velocity, start, duration }) => ({ pitch, velocity, start, duration })),
    ).toEqual([{ pitch: 60, velocity: 100, start: 480, duration: 240 }]);
    expect(controllers).toEqual([
      { tick: 528, controller: 64, value: 127 },
      { tick: 960, controller: 64, value: 0 },
    ]);
  });

  it('makes a seed with the pedal applied, from 0 s', () => {
    const phrase = phraseFromEvents(
      [on(60, 100, 1000), pedal(127, 1100), off(60, 1500), pedal(0, 2000)],
      2000,
    );
    const seed = phraseToSeed(phrase, 120);
    expect(seed.notes.map((n) => [n.pitch, n.velocity, n.startTime, n.endTime])).toEqual([[60, 100, 0, 1]]);
    expect(seed.totalTime).toBe(1);
    expect(seed.source.kind).toBe('recorded');
  });
});

describe('musical typing', () => {
  it('maps the home row to white keys and the row above to black keys', () => {
    const state = { octave: 4, velocity: 96 };
    const pitches = [
      'KeyA',
      'KeyW',
      'KeyS',
      'KeyE',
      'KeyD',
      'KeyF',
      'KeyT',
      'KeyG',
      'KeyY',
      'KeyH',
      'KeyU',
      'KeyJ',
      'KeyK',
      'KeyO',
      'KeyL',
      'KeyP',
    ].map((code) => typingAction(code, state));
    expect(pitches.map((a) => (a?.kind === 'note' ? a.pitch : -1))).toEqual(
      Array.from({ length: 16 }, (_, i) => 60 + i),
    );
    expect(typingAction('KeyQ', state)).toBeUndefined();
  });

  it('shifts octave with Z/X and velocity with C/V, within range', () => {
    let state = { octave: 4, velocity: 96 };
    state = stepTyping(state, typingAction('KeyX', state));
    expect(state.octave).toBe(5);
    for (let i = 0; i < 20; i++) state = stepTyping(state, typingAction('KeyZ', state));
    expect(state.octave).toBe(0);
    for (let i = 0; i < 20; i++) state = stepTyping(state, typingAction('KeyV', state));
    expect(state.velocity).toBe(127);
    for (let i = 0; i < 20; i++) state = stepTyping(state, typingAction('KeyC', state));
    expect(state.velocity).toBe(1);
  });
});

describe('percentile', () => {
  it('is the nearest-rank percentile', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([], 95)).toBeNaN();
  });
});
