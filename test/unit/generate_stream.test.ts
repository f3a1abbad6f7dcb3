/** Streaming and cancelling generation, lengths, and writing outputs. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateStream,
  TokenGenerator,
  type GenerationEvent,
} from '../../src/main/engine/generate/generator.ts';
import { lengthCounter, parseLength, secondsPerBar } from '../../src/main/engine/generate/length.ts';
import { createCodec } from '../../src/main/engine/codecs/registry.ts';
import {
  decodeVariation,
  numberedPaths,
  StreamingDecoder,
  writeOutputs,
} from '../../src/main/engine/generate/outputs.ts';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { randomModel } from './generate_fixtures.ts';

describe('streaming generation', () => {
  // 2 x 256 so that a long run takes a noticeable time.
  const generator = new TokenGenerator(randomModel('performance', [256, 256], [], 3));

  it('delivers events while the run is still going, in order, through an async iterator', async () => {
    const stream = generateStream(generator, { length: '3000t', rngSeed: 1, variations: 2, sliceMs: 4 });
    let settled = false;
    void stream.result.then(() => (settled = true));
    const events: GenerationEvent[] = [];
    let beforeEnd = 0;
    for await (const event of stream) {
      events.push(event);
      if (!settled) beforeEnd++;
    }
    const result = await stream.result;
    expect(events).toHaveLength(6000);
    expect(beforeEnd).toBeGreaterThan(3000);
    for (const v of [0, 1]) {
      const mine = events.filter((e) => e.variation === v);
      expect(mine.map((e) => e.index)).toEqual(mine.map((_, i) => i));
      expect(mine.map((e) => e.token)).toEqual(result.variations[v].tokens);
    }
  });

  it('an AbortSignal stops the run promptly and keeps what was made', async () => {
    const controller = new AbortController();
    const stream = generateStream(generator, {
      length: '100000t',
      rngSeed: 2,
      signal: controller.signal,
      sliceMs: 4,
    });
    let seen = 0;
    let abortedAt = 0;
    for await (const event of stream) {
      void event;
      if (++seen === 200) {
        abortedAt = performance.now();
        controller.abort();
      }
    }
    const result = await stream.result;
    const stopMs = performance.now() - abortedAt;
    expect(result.aborted).toBe(true);
    expect(result.variations[0].stop).toBe('aborted');
    expect(result.tokens).toBeLessThan(5000);
    expect(result.variations[0].tokens.length).toBe(result.tokens);
    expect(stopMs).toBeLessThan(100);
  });

  it('a callback sees each token at once and can abort from inside', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const result = await generator.generate({
      length: '5000t',
      rngSeed: 3,
      signal: controller.signal,
      onEvent: (e) => {
        seen.push(e.token);
        if (seen.length === 50) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(seen).toHaveLength(50);
    expect(result.variations[0].tokens).toEqual(seen);
  });
  it('overlapping runs on one generator do not disturb each other', async () => {
    const options = { length: '1500t', rngSeed: 9, sliceMs: 1 } as const;
    const [a, b] = await Promise.all([
      generator.generate({ ...options, variations: 2 }),
      generator.generate({ ...options, variations: 2, seedTokens: ['ON_70', 'SHIFT_10'] }),
    ]);
    const aloneA = await generator.generate({ ...options, variations: 2 });
    const aloneB = await generator.generate({ ...options, variations: 2, seedTokens: ['ON_70', 'SHIFT_10'] });
    expect(a.variations).toEqual(aloneA.variations);
    expect(b.variations).toEqual(aloneB.variations);
  });
});

describe('generation length', () => {
  it('parses tokens, seconds and bars and rejects bad syntax', () => {
    expect(parseLength('200t')).toEqual({ unit: 'tokens', value: 200 });
    expect(parseLength('30s')).toEqual({ unit: 'seconds', value: 30 });
    expect(parseLength('1.5s')).toEqual({ unit: 'seconds', value: 1.5 });
    expect(parseLength('16bars')).toEqual({ unit: 'bars', value: 16 });
    expect(parseLength('4 bar')).toEqual({ unit: 'bars', value: 4 });
    for (const bad of ['', '30', 's', '10 parsecs', '1.5t', '0bars', '-3s']) {
      expect(() => parseLength(bad), bad).toThrow(/Bad length/);
    }
  });

  it('counts decoded time for performance, bar lines for ABC', () => {
    const perf = lengthCounter({ unit: 'seconds', value: 1 }, createCodec('performance').lengths, {
      qpm: 120,
      meter: [4, 4],
    });
    expect(perf.add('ON_60')).toBe(false);
    expect(perf.add('SHIFT_50')).toBe(false);
    expect(perf.add('SHIFT_50')).toBe(true);
    // 2 bars of 3/4 at 120 qpm = 3 s.
    expect(secondsPerBar({ qpm: 120, meter: [3, 4] })).toBe(1.5);
    const bars = lengthCounter({ unit: 'bars', value: 2 }, createCodec('notes').lengths, {
      qpm: 120,
      meter: [3, 4],
    });
    expect(bars.add('T_16')).toBe(false); // 16 sixteenths at 120 = 2 s
    expect(bars.add('T_7')).toBe(false);
    expect(bars.add('T_1')).toBe(true);
    const abc = lengthCounter({ unit: 'bars', value: 2 }, createCodec('abc').lengths, {
      qpm: 120,
      meter: [6, 8],
    });
    expect(['d', '2', '|', 'e', ':|'].map((t) => abc.add(t))).toEqual([false, false, false, false, true]);
    // 6 s of 6/8 at Q:1/4=120 = 4 bars.
    const abcSeconds = lengthCounter({ unit: 'seconds', value: 6 }, createCodec('abc').lengths, {
      qpm: 120,
      meter: [6, 8],
    });
    expect(['|', '|', '|'].map((t) => abcSeconds.add(t))).toEqual([false, false, false]);
    expect(abcSeconds.add('||')).toBe(true);
  });

  it('stops a performance model at the requested decoded time', async () => {
    const generator = new TokenGenerator(randomModel('performance', [32, 32], [], 5));
    const result = await generator.generate({ length: '3s', rngSeed: 4, variations: 3 });
    for (const v of result.variations) {
      expect(v.stop).toBe('length');
      const shift = (t: string) => (t.startsWith('SHIFT_') ? Number(t.slice(6)) : 0);
      // The shift that reaches 3 s ends the music; only note endings (the grammar finishing) follow.
      let steps = 0;
      const reach = v.tokens.findIndex((t) => (steps += shift(t)) >= 300);
      expect(reach).toBeGreaterThanOrEqual(0);
      expect(steps - shift(v.tokens[reach])).toBeLessThan(300);
      for (const t of v.tokens.slice(reach + 1))
        expect(t, v.tokens.slice(reach).join(' ')).toMatch(/^(OFF_\d+|SHIFT_1)$/);
    }
  });
});

describe('generation outputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-gen-out-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('numbers the files of several variations', () => {
    expect(numberedPaths('/x/out.mid', 1)).toEqual(['/x/out.mid']);
    expect(numberedPaths('/x/out.mid', 3)).toEqual(['/x/out-1.mid', '/x/out-2.mid', '/x/out-3.mid']);
  });

  it('writes each variation as MIDI that reads back with the same notes, and nothing else', async () => {
    const model = randomModel('performance', [32, 32], [], 6);
    const generator = new TokenGenerator(model);
    const seedTokens = ['VEL_20', 'ON_60', 'SHIFT_50', 'OFF_60', 'ON_64', 'SHIFT_50', 'OFF_64'];
    const result = await generator.generate({
      seedTokens,
      length: '4s',
      rngSeed: 1,
      variations: 2,
      pitchRange: [40, 90],
    });
    const decoded = result.variations.map((v) => decodeVariation(model.codec, v));
    const paths = await writeOutputs(path.join(dir, 'out.mid'), decoded);
    expect(paths).toEqual([path.join(dir, 'out-1.mid'), path.join(dir, 'out-2.mid')]);
    expect((await readdir(dir)).sort()).toEqual(['out-1.mid', 'out-2.mid']);
    for (const [i, file] of paths.entries()) {
      const back = midiToNoteSequence(new Uint8Array(await readFile(file)));
      const full = decoded[i].full.sequence;
      expect(back.notes.length).toBe(full.notes.length);
      expect(back.notes.map((n) => n.pitch).sort()).toEqual(full.notes.map((n) => n.pitch).sort());
      // The seed's two notes come first; the continuation alone leaves them out.
      expect(full.notes.slice(0, 2).map((n) => n.pitch)).toEqual([60, 64]);
      expect(decoded[i].continuation.sequence.notes.length).toBeLessThanOrEqual(full.notes.length - 2);
    }
    const only = await writeOutputs(path.join(dir, 'cont.mid'), decoded.slice(0, 1), {
      continuationOnly: true,
    });
    expect(only).toEqual([path.join(dir, 'cont.mid')]);
    await expect(writeOutputs(path.join(dir, 'out.wav'), decoded)).rejects.toThrow(/\.mid, \.midi or \.abc/);
  });
});

describe('StreamingDecoder', () => {
  it('shows a variation as notes while it streams, ending equal to the final decode', async () => {
    const model = randomModel('performance', [32, 32], [], 8);
    const generator = new TokenGenerator(model);
    const seedTokens = ['ON_60', 'SHIFT_20', 'OFF_60'];
    let decoder: StreamingDecoder | undefined;
    const counts: number[] = [];
    const result = await generator.generate({
      seedTokens,
      // The prefix arrives before the first event, so a live view can decode from the start.
      onPrimed: ({ prefix }) => (decoder = new StreamingDecoder(model.codec, prefix, 2)),
      length: '400t',
      variations: 2,
      rngSeed: 5,
      pitchRange: [50, 70],
      onEvent: (event) => {
        decoder?.add(event);
        if (event.variation === 0 && event.index % 100 === 99)
          counts.push(decoder?.decode(0).full.sequence.notes.length ?? -1);
      },
    });
    const live: StreamingDecoder | undefined = decoder;
    if (!live) throw new Error('onPrimed was not called');
    expect(counts).toHaveLength(4);
    expect(counts[3]).toBeGreaterThan(counts[0]);
    for (const v of [0, 1]) {
      expect(live.tokensOf(v)).toEqual(result.variations[v].tokens);
      expect(live.decode(v).full.sequence).toEqual(
        decodeVariation(model.codec, result.variations[v]).full.sequence,
      );
    }
    expect(() => live.add({ variation: 0, index: 7, token: 'ON_60' })).toThrow(/expected token 400/);
  });
});
