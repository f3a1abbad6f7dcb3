import { describe, expect, it } from 'vitest';
import { NotesCodec } from '../../src/main/engine/codecs/notes/notes.ts';
import { parseShapeToken } from '../../src/main/engine/codecs/notes/chord_shapes.ts';
import {
  GrammarError,
  type GrammarOptions,
  type GrammarState,
} from '../../src/main/engine/codecs/grammar.ts';
import { constraintMask } from '../../src/main/engine/generate/constraints.ts';
import { Vocabulary } from '../../src/main/engine/codecs/vocabulary.ts';
import { TokenSampler } from '../../src/main/engine/generate/sampler.ts';
import { Rng } from '../../src/main/engine/random/rng.ts';

const codec = new NotesCodec();
// Every token the codec can write (a vocabulary built from data is a part of this one).
const vocabulary = new Vocabulary('notes', codec.version, codec.allTokens);

function randomRun(
  options: GrammarOptions,
  events: number,
  seed: string,
): { tokens: string[]; state: GrammarState } {
  const grammar = codec.grammar(vocabulary);
  const state = grammar.start([], options);
  const rng = new Rng(seed);
  const sampler = new TokenSampler();
  const logits = new Float32Array(vocabulary.size);
  const mask = new Uint8Array(vocabulary.size);
  const tokens: string[] = [];
  for (let i = 0; i < events || !state.canEnd(); i++) {
    for (let j = 0; j < logits.length; j++) logits[j] = rng.normal() * 3;
    if (options.allowedTokens) mask.set(options.allowedTokens);
    else mask.fill(1);
    state.restrict(mask);
    const id = sampler.sample(logits, { temperature: 1, mask, onEmptyMask: 'throw' }, rng);
    state.push(id);
    tokens.push(vocabulary.tokens[id]);
  }
  return { tokens, state };
}

/** An independent reading: each event's pitches and duration, and every rule broken. */
function read(tokens: readonly string[]): { notes: [number, number, number][]; problems: string[] } {
  const notes: [number, number, number][] = [];
  const problems: string[] = [];
  let step = 0;
  let pending: number[] | null = null;
  let shaped = false;
  let lastBass = -1;
  const startedNow = new Set<number>();
  for (const [i, token] of tokens.entries()) {
    const [kind, rest] = [token.slice(0, 2), token.slice(2)];
    if (kind === 'N_') {
      const pitch = Number(rest);
      if (pending) problems.push(`${i}: note before the last one's duration`);
      if (pitch <= lastBass) problems.push(`${i}: bass ${pitch} not above ${lastBass} on one step`);
      pending = [pitch];
      shaped = false;
      lastBass = pitch;
    } else if (kind === 'S_') {
      if (!pending || shaped) problems.push(`${i}: shape without its bass`);
      else pending.push(...(parseShapeToken(token) ?? []).map((iv) => (pending as number[])[0] + iv));
      shaped = true;
    } else if (kind === 'D_') {
      if (!pending) problems.push(`${i}: duration without a note`);
      for (const p of pending ?? []) {
        if (startedNow.has(p)) problems.push(`${i}: pitch ${p} twice on one step`);
        startedNow.add(p);
        notes.push([p, step, step + Number(rest)]);
      }
      pending = null;
    } else if (kind === 'T_') {
      if (pending) problems.push(`${i}: time moves between a note and its duration`);
      step += Number(rest);
      lastBass = -1;
      startedNow.clear();
    } else problems.push(`${i}: unexpected ${token}`);
  }
  if (pending) problems.push('ends between a note and its duration');
  notes.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);
  return { notes, problems };
}

const gridNotes = (tokens: readonly string[]): [number, number, number][] =>
  codec
    .decode(tokens)
    .sequence.notes.map((n): [number, number, number] => [
      n.pitch,
      n.quantizedStartStep ?? -1,
      n.quantizedEndStep ?? -1,
    ])
    .sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[2] - b[2]);

describe('notes grammar', () => {
  it('writes 5,000 random-logit tokens of well-formed notes and chords in the piano range', () => {
    const { tokens, state } = randomRun({}, 5000, 'notes-grammar');
    const { notes, problems } = read(tokens);
    expect(problems).toEqual([]);
    expect(state.canEnd()).toBe(true);
    expect(tokens.some((t) => t.startsWith('S_'))).toBe(true);
    expect(notes.every(([p]) => p >= 21 && p <= 108)).toBe(true);
    // The codec decodes the same notes, and encoding them again gives them back.
    expect(gridNotes(tokens)).toEqual(notes);
    expect(gridNotes(codec.encode({ sequence: codec.decode(tokens).sequence }))).toEqual(notes);
    const seconds = tokens.reduce((s, t) => s + (t.startsWith('T_') ? Number(t.slice(2)) * 0.125 : 0), 0);
    expect(state.progress()).toEqual({ seconds });
  });

  it('keeps every chord note in the range and key the constraints allow', () => {
    const gMajor = [7, 9, 11, 0, 2, 4, 6];
    // The constraint mask judges N_ tokens only (a shape's pitches depend on its bass); the grammar the rest.
    const { mask: allowedTokens } = constraintMask(vocabulary.tokens, codec, {
      key: 'G major',
      pitchRange: [55, 84],
    });
    const { tokens } = randomRun({ pitchRange: { low: 55, high: 84 }, allowedTokens }, 3000, 'scale');
    const { notes, problems } = read(tokens);
    expect(problems).toEqual([]);
    expect(notes.length).toBeGreaterThan(300);
    expect(notes.every(([p]) => p >= 55 && p <= 84 && gMajor.includes(p % 12))).toBe(true);
    expect(tokens.some((t) => t.startsWith('S_'))).toBe(true);
  });

  it('follows a prompt and refuses what cannot come next', () => {
    const id = (t: string): number => vocabulary.idOf(t) as number;
    const state = codec.grammar(vocabulary).start(['T_4', 'N_60', 'S_4.7', 'D_4', 'N_64'].map(id), {});
    expect(state.canEnd()).toBe(false);
    // Progress counts from the end of the prompt.
    expect(state.progress()).toEqual({ seconds: 0 });
    const mask = new Uint8Array(vocabulary.size).fill(1);
    state.restrict(mask);
    const allowed = vocabulary.tokens.filter((_, i) => mask[i] === 1);
    // After N_64: a duration, or a shape whose notes are not already struck on this step (67 is).
    expect(allowed).toContain('D_1');
    expect(allowed).toContain('S_5');
    expect(allowed).not.toContain('S_3');
    expect(allowed).not.toContain('T_1');
    expect(allowed.some((t) => t.startsWith('N_'))).toBe(false);
    expect(() => state.push(id('N_70'))).toThrow(GrammarError);
    state.push(id('D_2'));
    const next = new Uint8Array(vocabulary.size).fill(1);
    state.restrict(next);
    // The step's events rise by bass.
    expect(next[id('N_62')]).toBe(0);
    expect(next[id('N_65')]).toBe(1);
    expect(state.canEnd()).toBe(true);
  });
});
