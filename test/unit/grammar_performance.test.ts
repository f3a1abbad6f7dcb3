import { describe, expect, it } from 'vitest';
import {
  PERFORMANCE_VOCABULARY,
  PerformanceCodec,
  parsePerformanceToken,
} from '../../src/main/engine/codecs/performance/performance.ts';
import {
  PerformanceGrammar,
  type ClosableGrammarState,
} from '../../src/main/engine/codecs/performance/performance_grammar.ts';
import { GrammarError } from '../../src/main/engine/codecs/grammar.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { TokenSampler } from '../../src/main/engine/generate/sampler.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';

const vocabulary = new Vocabulary('performance', 1, PERFORMANCE_VOCABULARY);
const grammar = new PerformanceGrammar(vocabulary);
const codec = new PerformanceCodec();

/** Samples `events` tokens from random logits under the grammar, then closes the piece. */
function randomRun(state: ClosableGrammarState, events: number, seed: string): string[] {
  const rng = new Rng(seed);
  const sampler = new TokenSampler();
  const logits = new Float32Array(vocabulary.size);
  const mask = new Uint8Array(vocabulary.size);
  const tokens: string[] = [];
  const draw = (restrict: (m: Uint8Array) => void): void => {
    for (let i = 0; i < logits.length; i++) logits[i] = rng.normal() * 3;
    mask.fill(1);
    restrict(mask);
    const id = sampler.sample(logits, { temperature: 1, mask, onEmptyMask: 'throw' }, rng);
    state.push(id);
    tokens.push(vocabulary.tokens[id]);
  };
  for (let i = 0; i < events; i++) draw((m) => state.restrict(m));
  while (!state.canEnd()) draw((m) => state.restrictToFinish(m));
  return tokens;
}

interface PlayedNote {
  pitch: number;
  start: number;
  end: number;
}

/** An independent reading of the events: the notes, and every rule the grammar promises. */
function play(tokens: readonly string[]): { notes: PlayedNote[]; problems: string[]; maxPolyphony: number } {
  const open = new Map<number, number>();
  const notes: PlayedNote[] = [];
  const problems: string[] = [];
  let step = 0;
  let maxPolyphony = 0;
  for (const [i, token] of tokens.entries()) {
    const event = parsePerformanceToken(token);
    if (!event) problems.push(`${i}: unknown ${token}`);
    else if (event.kind === 'shift') step += event.value;
    else if (event.kind === 'on') {
      if (event.value < 21 || event.value > 108) problems.push(`${i}: pitch ${event.value} outside 21-108`);
      if (open.has(event.value)) problems.push(`${i}: ${token} while it sounds`);
      open.set(event.value, step);
      maxPolyphony = Math.max(maxPolyphony, open.size);
    } else if (event.kind === 'off') {
      const start = open.get(event.value);
      if (start === undefined) problems.push(`${i}: ${token} without NOTE_ON`);
      else {
        if (start === step) problems.push(`${i}: ${token} on the step of its NOTE_ON`);
        notes.push({ pitch: event.value, start, end: step });
        open.delete(event.value);
      }
    }
  }
  for (const pitch of open.keys()) problems.push(`pitch ${pitch} still sounds at the end`);
  notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  return { notes, problems, maxPolyphony };
}

describe('performance grammar', () => {
  it('keeps 10,000 random-logit events in range, every NOTE_OFF after its NOTE_ON, nothing sounding at the end', () => {
    const state = grammar.start([], {});
    const tokens = randomRun(state, 10_000, 'perf-grammar');
    const { notes, problems } = play(tokens);
    expect(problems).toEqual([]);
    expect(notes.length).toBeGreaterThan(500);
    expect(state.canEnd()).toBe(true);
    // The codec decodes the same notes.
    const decoded = codec.decode(tokens).sequence.notes.map((n) => ({
      pitch: n.pitch,
      start: Math.round(n.startTime * 100),
      end: Math.round(n.endTime * 100),
    }));
    expect(decoded).toEqual(notes);
  });

  it('caps polyphony and note length, and honours a narrower range', () => {
    const state = grammar.start([], {
      pitchRange: { low: 60, high: 72 },
      maxPolyphony: 3,
      maxNoteSeconds: 0.5,
    });
    const tokens = randomRun(state, 4000, 'caps');
    const { notes, problems, maxPolyphony } = play(tokens);
    expect(problems.filter((p) => !p.includes('outside 21-108'))).toEqual([]);
    expect(notes.length).toBeGreaterThan(100);
    expect(maxPolyphony).toBe(3);
    expect(Math.max(...notes.map((n) => n.end - n.start))).toBeLessThanOrEqual(50);
    expect(notes.every((n) => n.pitch >= 60 && n.pitch <= 72)).toBe(true);
    // Time moves on while notes sound: the cap is reached and forces the NOTE_OFFs.
    expect(notes.some((n) => n.end - n.start === 50)).toBe(true);
  });

  it('follows a played prompt leniently and ends the notes it left sounding', () => {
    const prompt = ['VEL_20', 'ON_10', 'ON_60', 'SHIFT_50', 'ON_60', 'OFF_70', 'SHIFT_100', 'SHIFT_100'];
    const state = grammar.start(
      prompt.map((t) => vocabulary.idOf(t) as number),
      { maxNoteSeconds: 2 },
    );
    expect(state.canEnd()).toBe(false);
    // Progress counts from the end of the prompt.
    expect(state.progress()).toEqual({ seconds: 0 });
    const mask = new Uint8Array(vocabulary.size).fill(1);
    state.restrict(mask);
    const allowed = [...mask.keys()].filter((id) => mask[id] === 1).map((id) => vocabulary.tokens[id]);
    // ON_10 has sounded 2.5 s, over the cap: it must end before time moves on.
    expect(allowed).toContain('OFF_10');
    expect(allowed).toContain('OFF_60');
    expect(allowed.some((t) => t.startsWith('SHIFT_'))).toBe(false);
    expect(allowed).not.toContain('OFF_70');
    expect(allowed).not.toContain('ON_10');
    expect(() => state.push(vocabulary.idOf('SHIFT_1') as number)).toThrow(GrammarError);
    const rest = randomRun(state, 200, 'prompt');
    // The prompt's own oddities (a re-strike, a stray NOTE_OFF) are the musician's; the rest is clean.
    const generated = play([...prompt, ...rest]).problems.filter(
      (p) => !/^\d+:/.test(p) || Number(p.split(':')[0]) >= prompt.length,
    );
    expect(generated).toEqual([]);
  });

  it('clones independently', () => {
    const state = grammar.start([vocabulary.idOf('ON_60') as number], {});
    const copy = state.clone();
    copy.push(vocabulary.idOf('SHIFT_5') as number);
    copy.push(vocabulary.idOf('OFF_60') as number);
    expect(copy.canEnd()).toBe(true);
    expect(state.canEnd()).toBe(false);
    expect(state.progress()).toEqual({ seconds: 0 });
  });
});

describe('performance grammar with constraints', () => {
  it('only writes a VELOCITY when an allowed NOTE_ON can follow', () => {
    // Only C major pitches 60..72 may start: the rest of the ONs are removed by the constraints.
    const allowedTokens = new Uint8Array(vocabulary.size).fill(1);
    for (let p = 0; p < 128; p++)
      if (p < 60 || p > 72 || ![0, 2, 4, 5, 7, 9, 11].includes(p % 12))
        allowedTokens[vocabulary.idOf(`ON_${p}`) as number] = 0;
    const state = grammar.start([], { allowedTokens, maxPolyphony: 8 });
    const rng = new Rng('constrained');
    const sampler = new TokenSampler();
    const logits = new Float32Array(vocabulary.size);
    const mask = new Uint8Array(vocabulary.size);
    const tokens: string[] = [];
    for (let i = 0; i < 3000 || !state.canEnd(); i++) {
      for (let j = 0; j < logits.length; j++) logits[j] = rng.normal() * 3;
      mask.set(allowedTokens);
      if (i < 3000) state.restrict(mask);
      else state.restrictToFinish(mask);
      const id = sampler.sample(logits, { temperature: 1, mask, onEmptyMask: 'throw' }, rng);
      state.push(id);
      tokens.push(vocabulary.tokens[id]);
    }
    const { notes, problems } = play(tokens);
    expect(problems).toEqual([]);
    expect(notes.length).toBeGreaterThan(100);
    expect(
      notes.every((n) => n.pitch >= 60 && n.pitch <= 72 && [0, 2, 4, 5, 7, 9, 11].includes(n.pitch % 12)),
    ).toBe(true);
  });
});
