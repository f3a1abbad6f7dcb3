import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAbcText } from '../../src/main/engine/music/abc/index.ts';
import {
  dispatch,
  GenerationStartPayloadSchema,
  NoteSequenceSchema,
  TrainingSampleSchema,
  type GeneratedVariation,
  type GenerationFinished,
  type NoteSequenceWire,
  type TrainingSample,
} from '../../src/shared/ipc/index.ts';
import { sliceByTime } from '../../src/shared/music/sequences.ts';
import { sharedData } from '../helpers/data.ts';
import { startStudioHarness, type StudioHarness } from '../helpers/studio_harness.ts';

/**
 * Through the host core and a real engine process: a sample after each training epoch, and
 * generation seeded by a generated phrase (as notes, as ABC text, or a time slice of it).
 */

let studio: StudioHarness;
let modelId = '';
let samples: TrainingSample[] = [];

beforeAll(async () => {
  studio = await startStudioHarness('continuo-seed-samples-');
});

afterAll(async () => {
  await studio.close();
});

const settings = { temperature: 1, topK: 0, topP: 1, variations: 2, randomSeed: 5 } as const;

let lastJobId = '';

async function generate(payload: Record<string, unknown>): Promise<GeneratedVariation[]> {
  const { jobId } = await studio.call('generation.start', { modelId, ...settings, ...payload });
  lastJobId = jobId;
  const done = (await studio.eventFor('generation.finished', jobId, 60_000)) as GenerationFinished;
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
    const imported = await studio.call('datasets.import', {
      paths: [sharedData('nottingham', 'ABC_cleaned', 'jigs.abc')],
      codec: 'abc',
      name: 'jigs',
    });
    expect(await studio.eventFor('datasets.finished', imported.jobId)).toMatchObject({ outcome: 'done' });
    const started = await studio.call('training.start', {
      datasetId: imported.datasetId,
      name: 'Jigs sketch',
      architecture: { kind: 'preset', preset: 'sketch' },
      epochs: 2,
      stepsPerEpoch: 15,
      batchSize: 16,
    });
    modelId = started.modelId;
    const finished = await studio.eventFor('training.finished', started.jobId, 120_000);
    expect(finished).toMatchObject({ outcome: 'done', saved: true });
    const finishedAt = studio.events.findIndex((e) => e.event === 'training.finished');
    const sampleEvents = studio.events
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
    const streamed = studio.events.filter(
      (e) => e.event === 'generation.event' && e.payload.jobId === lastJobId,
    );
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
      dispatch(studio.core.handlers, 'generation.start', { modelId, ...settings, length: '1bars', seed });
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
    const { jobId } = await studio.call('generation.start', {
      modelId,
      ...settings,
      length: '1bars',
      seed: { kind: 'abc', text: 'just some words' },
    });
    const failed = (await studio.eventFor('generation.finished', jobId, 30_000)) as GenerationFinished;
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(/seed/i);
  }, 60_000);
});
