import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioCore, type StudioCore } from '../../src/main/app/studio_core.ts';
import { forkLauncher } from '../../src/main/engine/host/engine_process.ts';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import {
  dispatch,
  GenerationStartPayloadSchema,
  NoteSequenceSchema,
  TrainingSampleSchema,
  type EventName,
  type GeneratedVariation,
  type GenerationFinished,
  type Method,
  type NoteSequenceWire,
  type ResultOf,
  type TrainingSample,
} from '../../src/shared/ipc/index.ts';
import { sliceByTime } from '../../src/shared/music/sequences.ts';
import { sharedData } from '../helpers/data.ts';

/**
 * Through the host core and a real engine process: a sample after each training epoch, and
 * generation seeded by a generated phrase (as notes, as ABC text, or a time slice of it).
 */

let dataDir: string;
let core: StudioCore;
const events: Array<{ event: EventName; payload: Record<string, unknown> }> = [];
let modelId = '';
let samples: TrainingSample[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-seed-samples-'));
  core = await startStudioCore({
    version: '9.9.9',
    transport: 'websocket',
    dataDir,
    launcher: forkLauncher(),
    broadcast: (event, payload) => events.push({ event, payload: payload as Record<string, unknown> }),
  });
});

afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call<M extends Method>(method: M, payload: unknown): Promise<ResultOf<M>> {
  const response = await dispatch(core.handlers, method, payload);
  if (!response.ok) throw new Error(`${method}: ${response.error.code}: ${response.error.message}`);
  return response.result as ResultOf<M>;
}

async function eventFor(
  event: EventName,
  jobId: string,
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = events.find((e) => e.event === event && e.payload.jobId === jobId);
    if (hit) return hit.payload;
    if (Date.now() > end) throw new Error(`no ${event} event for ${jobId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const settings = { temperature: 1, topK: 0, topP: 1, variations: 2, randomSeed: 5 } as const;

let lastJobId = '';

async function generate(payload: Record<string, unknown>): Promise<GeneratedVariation[]> {
  const { jobId } = await call('generation.start', { modelId, ...settings, ...payload });
  lastJobId = jobId;
  const done = (await eventFor('generation.finished', jobId, 60_000)) as GenerationFinished;
  expect(done.outcome, done.message).toBe('done');
  return done.variations;
}

const pitches = (sequence: NoteSequenceWire, n = Infinity): number[] =>
  [...sequence.notes]
    .sort((a, b) => a.startTime - b.startTime || a.pitch - b.pitch)
    .slice(0, n)
    .map((note) => note.pitch);

describe('epoch samples and seeds from generated phrases', () => {
  it('sends a decodable sample after each epoch, before the run ends', async () => {
    const imported = await call('datasets.import', {
      paths: [sharedData('nottingham', 'ABC_cleaned', 'jigs.abc')],
      codec: 'abc',
      name: 'jigs',
    });
    expect(await eventFor('datasets.finished', imported.jobId)).toMatchObject({ outcome: 'done' });
    const started = await call('training.start', {
      datasetId: imported.datasetId,
      name: 'Jigs sketch',
      architecture: { kind: 'preset', preset: 'sketch' },
      epochs: 2,
      stepsPerEpoch: 15,
      batchSize: 16,
    });
    modelId = started.modelId;
    const finished = await eventFor('training.finished', started.jobId, 120_000);
    expect(finished).toMatchObject({ outcome: 'done', saved: true });
    const finishedAt = events.findIndex((e) => e.event === 'training.finished');
    const sampleEvents = events
      .map((e, i) => ({ ...e, i }))
      .filter((e) => e.event === 'training.sample' && e.payload.jobId === started.jobId);
    expect(sampleEvents.map((e) => e.payload.epoch)).toEqual([1, 2]);
    expect(sampleEvents.every((e) => e.i < finishedAt)).toBe(true);
    samples = sampleEvents.map((e) => TrainingSampleSchema.parse(e.payload));
    for (const sample of samples) {
      expect(sample.modelId).toBe(modelId);
      expect(sample.length).toBe('4bars');
      expect(sample.abc).toMatch(/^X:/m);
      // The ABC text and the notes agree: the text parses back to the same pitches.
      const reparsed = parseAbcText(sample.abc ?? '', 'sample.abc').items[0];
      expect(reparsed).toBeDefined();
      expect(sample.sequence.notes.length).toBeGreaterThan(0);
      expect(pitches(reparsed.sequence as NoteSequenceWire)).toEqual(pitches(sample.sequence));
      console.log(
        `epoch ${sample.epoch} sample: ${sample.sequence.notes.length} notes in ${sample.ms.toFixed(0)} ms`,
      );
    }
  }, 180_000);

  it('continues a variation given as notes, as ABC text, or a time slice of it', async () => {
    const [first] = await generate({ length: '4bars' });
    expect(first.abc).toMatch(/^X:/m);

    // ABC text seed: the new variations start with the seed's notes.
    const fromAbc = await generate({ seed: { kind: 'abc', text: first.abc }, length: '2bars' });
    for (const variation of fromAbc) {
      expect(variation.sequence.notes.length).toBeGreaterThan(first.sequence.notes.length);
      expect(pitches(variation.sequence, first.sequence.notes.length)).toEqual(pitches(first.sequence));
    }
    // Streamed notes decode with the prefix the generator primed (the seed comes first in them too).
    const streamed = events.filter((e) => e.event === 'generation.event' && e.payload.jobId === lastJobId);
    expect(streamed.length).toBeGreaterThan(0);
    for (const event of streamed) {
      const notes = event.payload.notes as NoteSequenceWire['notes'];
      expect(notes.length).toBeGreaterThanOrEqual(first.sequence.notes.length);
      expect(pitches({ notes } as NoteSequenceWire, first.sequence.notes.length)).toEqual(
        pitches(first.sequence),
      );
    }

    // Notes seed, sliced to its first 2 seconds (an ABC model gets them written as ABC).
    const slice = sliceByTime(first.sequence, 0, 2) as NoteSequenceWire;
    const payload = { modelId, ...settings, seed: { kind: 'sequence', sequence: slice }, length: '2bars' };
    expect(GenerationStartPayloadSchema.safeParse(payload).success).toBe(true);
    const fromNotes = await generate({ seed: { kind: 'sequence', sequence: slice }, length: '2bars' });
    const seedPitches = pitches(slice);
    for (const variation of fromNotes) {
      expect(pitches(variation.sequence, seedPitches.length)).toEqual(seedPitches);
      expect(variation.sequence.notes.length).toBeGreaterThan(seedPitches.length);
    }
    // A range that clips notes: durations the model never saw become the nearest ones it knows.
    const clipped = sliceByTime(first.sequence, 0.3, 1.7) as NoteSequenceWire;
    const fromClipped = await generate({ seed: { kind: 'sequence', sequence: clipped }, length: '1bars' });
    expect(fromClipped[0].sequence.notes.length).toBeGreaterThan(0);
  }, 120_000);

  it('refuses malformed seeds with typed errors', async () => {
    const good = NoteSequenceSchema.parse(samples[0].sequence);
    const bad = async (seed: unknown): Promise<unknown> =>
      dispatch(core.handlers, 'generation.start', { modelId, ...settings, length: '1bars', seed });
    // A note with a pitch out of range, a note ending before it starts, no notes, an unknown kind.
    const outOfRange = { ...good, notes: [{ ...good.notes[0], pitch: 200 }] };
    const backwards = { ...good, notes: [{ ...good.notes[0], startTime: 2, endTime: 1 }] };
    for (const seed of [
      { kind: 'sequence', sequence: outOfRange },
      { kind: 'sequence', sequence: backwards },
      { kind: 'sequence', sequence: { ...good, notes: [] } },
      { kind: 'sequence', sequence: { notes: good.notes } },
      { kind: 'abc', text: '' },
      { kind: 'midi', bytes: [] },
    ]) {
      expect(await bad(seed)).toMatchObject({ ok: false, error: { code: 'bad_payload' } });
    }
    // Well-formed ABC text that holds no tune: the generation fails with a clear message.
    const { jobId } = await call('generation.start', {
      modelId,
      ...settings,
      length: '1bars',
      seed: { kind: 'abc', text: 'just some words' },
    });
    const failed = (await eventFor('generation.finished', jobId, 30_000)) as GenerationFinished;
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(/seed/i);
  }, 60_000);
});
