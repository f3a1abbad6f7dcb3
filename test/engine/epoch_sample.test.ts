import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { generateEpochSample } from '../../src/main/engine/generate/epoch_sample.ts';
import { startTraining, type EpochWeights } from '../../src/main/engine/train/index.ts';
import { NoteSequenceSchema } from '../../src/shared/ipc/index.ts';
import { wireSequence } from '../../src/main/engine/host/studio/wire_music.ts';
import { sharedData } from '../helpers/data.ts';
import { tempDir } from '../helpers/train_fixtures.ts';

/** The trainer hands each epoch's weights to `onEpoch`; a short sample is generated from them. */

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('epoch samples', () => {
  it('gives each epoch its own weights, and an 8 s sample of notes from them, the same every time', async () => {
    const outDir = await tempDir('epoch-sample');
    dirs.push(outDir);
    const epochs: Array<{ epoch: number; weights: EpochWeights }> = [];
    const handle = startTraining(
      {
        paths: ['ashover1.mid', 'ashover2.mid', 'ashover3.mid', 'ashover4.mid'].map((f) =>
          sharedData('nottingham', 'MIDI', f),
        ),
        codec: 'notes',
        outDir,
        architecture: { layers: [32], dropout: 0 },
        epochs: 2,
        stepsPerEpoch: 3,
        batchSize: 4,
        seqLen: 32,
        cache: false,
      },
      { onEpoch: (metrics, weights) => weights && epochs.push({ epoch: metrics.epoch, weights }) },
    );
    await handle.done;
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const [first, second] = epochs;
    // Copies: the second epoch's training did not change what the first handed over.
    const name = Object.keys(first.weights.weights)[0];
    expect(first.weights.weights[name].data).not.toEqual(second.weights.weights[name].data);

    for (const { epoch, weights } of epochs) {
      const sample = await generateEpochSample(weights, epoch);
      expect(sample.length).toBe('8s');
      expect(sample.abc).toBeNull();
      expect(sample.sequence.notes.length).toBeGreaterThan(0);
      // It stops once 8 s have passed; the last notes may ring on a little.
      expect(sample.sequence.totalTime).toBeLessThan(16);
      // What goes over IPC passes the contract's schema.
      expect(NoteSequenceSchema.safeParse(wireSequence(sample.sequence)).success).toBe(true);
      const again = await generateEpochSample(weights, epoch);
      expect(again.sequence.notes).toEqual(sample.sequence.notes);
      console.log(`notes model, epoch ${epoch}: ${sample.tokens} tokens, ${sample.ms.toFixed(0)} ms`);
    }
  }, 60_000);
});
