import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { loadModel } from '../../src/main/engine/model/serialize.ts';
import {
  readCheckpoint,
  resumeTraining,
  startTraining,
  startTrainingProcess,
  type TrainModelOptions,
} from '../../src/main/engine/train/index.ts';
import { tempDir, writeSyntheticAbc } from '../helpers/train_fixtures.ts';

/** A small run that still exercises every random stream: dropout, transposition, windows. */
function options(abc: string, outDir: string): TrainModelOptions {
  return {
    paths: [abc],
    codec: 'abc',
    outDir,
    architecture: { layers: [32], dropout: 0.2 },
    seqLen: 16,
    batchSize: 8,
    epochs: 2,
    stepsPerEpoch: 10,
    learningRate: 1e-2,
    warmupSteps: 3,
    transpose: 2,
    seed: 11,
    backend: 'wasm',
    cache: false,
    progressIntervalMs: 0,
  };
}

/** The latest weights of a run (the checkpoint's; the main weights are the best epoch's). */
async function checkpointWeights(dir: string): Promise<Buffer> {
  return readFile(path.join(dir, 'checkpoint', 'weights.bin'));
}

describe('training checkpoints (wasm)', () => {
  let dir: string;
  let abc: string;
  let straight: string;
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await tempDir('train-ckpt');
    abc = await writeSyntheticAbc(dir, 120);
    straight = path.join(dir, 'straight');
    const result = await startTraining(options(abc, straight)).done;
    expect(result).toMatchObject({ status: 'completed', epochs: 2, step: 20 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('1 epoch + stop + resume gives exactly the weights, optimiser state and curve of 2 epochs straight', async () => {
    const out = path.join(dir, 'stopped-at-epoch');
    const first = startTraining(options(abc, out), { onEpoch: () => first.stop() });
    expect(await first.done).toMatchObject({ status: 'stopped', epochs: 1, step: 10 });
    const second = await resumeTraining(out).done;
    expect(second).toMatchObject({ status: 'completed', epochs: 2, step: 20 });
    expect((await checkpointWeights(out)).equals(await checkpointWeights(straight))).toBe(true);
    expect(
      (await readFile(path.join(out, 'checkpoint', 'optimizer.bin'))).equals(
        await readFile(path.join(straight, 'checkpoint', 'optimizer.bin')),
      ),
    ).toBe(true);
    const a = (await readCheckpoint(straight))!.state;
    const b = (await readCheckpoint(out))!.state;
    // Timing figures differ; the learning curve and the random streams must not.
    const curve = (h: typeof a.history) =>
      h.map(({ epoch, step, loss, valLoss, valAccuracy }) => [epoch, step, loss, valLoss, valAccuracy]);
    expect(curve(b.history)).toEqual(curve(a.history));
    expect(b.samplerRng).toEqual(a.samplerRng);
    expect(b.dropoutRng).toEqual(a.dropoutRng);
    expect(
      (await readFile(path.join(out, 'weights.bin'))).equals(
        await readFile(path.join(straight, 'weights.bin')),
      ),
    ).toBe(true);
  });

  it('resumes exactly from a checkpoint whose optimiser slots are in another order (older versions: dense first)', async () => {
    const out = path.join(dir, 'reordered-slots');
    const first = startTraining(options(abc, out), { onEpoch: () => first.stop() });
    expect(await first.done).toMatchObject({ status: 'stopped', epochs: 1, step: 10 });
    const ckpt = path.join(out, 'checkpoint');
    const state = JSON.parse(await readFile(path.join(ckpt, 'state.json'), 'utf8')) as {
      optimizer: { slots: string[] };
    };
    const bin = await readFile(path.join(ckpt, 'optimizer.bin'));
    const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.length / 4);
    const loaded = (await readCheckpoint(out))!.optimizer!;
    const sizes = loaded.slots.map((s) => s.m.length);
    expect(state.optimizer.slots).toEqual(loaded.slots.map((s) => s.weight));
    // Rewrite it with the slots reversed: first moments, then second moments, slot by slot.
    const order = sizes.map((_, i) => sizes.length - 1 - i);
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    const reordered = new Float32Array(floats.length);
    let at = 0;
    for (const half of [0, total])
      for (const i of order) {
        reordered.set(floats.subarray(half + starts[i], half + starts[i] + sizes[i]), at);
        at += sizes[i];
      }
    state.optimizer.slots = order.map((i) => state.optimizer.slots[i]);
    await writeFile(path.join(ckpt, 'state.json'), JSON.stringify(state));
    await writeFile(path.join(ckpt, 'optimizer.bin'), new Uint8Array(reordered.buffer));
    expect((await readCheckpoint(out))!.optimizer!.slots.map((s) => s.weight)).toEqual(
      loaded.slots.map((s) => s.weight),
    );
    expect(await resumeTraining(out).done).toMatchObject({ status: 'completed', epochs: 2, step: 20 });
    expect((await checkpointWeights(out)).equals(await checkpointWeights(straight))).toBe(true);
  });

  it('a stop in the middle of an epoch writes a checkpoint there, and resuming trains nothing twice', async () => {
    const out = path.join(dir, 'stopped-mid-epoch');
    const steps: number[] = [];
    const first = startTraining(options(abc, out), {
      onProgress: (p) => {
        if (p.phase === 'training' && p.loss !== null) steps.push(p.step);
        if (p.step === 13) first.stop();
      },
    });
    expect(await first.done).toMatchObject({ status: 'stopped', epochs: 1, step: 13 });
    expect((await readCheckpoint(out))!.state).toMatchObject({ step: 13, epoch: 1, stepInEpoch: 3 });
    const second = resumeTraining(
      out,
      { progressIntervalMs: 0 },
      {
        onProgress: (p) => {
          if (p.phase === 'training' && p.loss !== null) steps.push(p.step);
        },
      },
    );
    expect(await second.done).toMatchObject({ status: 'completed', step: 20 });
    // Each step reported once across the two sessions.
    expect(steps).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await checkpointWeights(out)).equals(await checkpointWeights(straight))).toBe(true);
  });

  it('a training process killed with SIGKILL mid-epoch leaves a loadable checkpoint, and resume finishes the run exactly', async () => {
    const out = path.join(dir, 'killed');
    let killedAt = -1;
    const run = startTrainingProcess(
      { kind: 'train', options: { ...options(abc, out), checkpointMinutes: 0.0005 } },
      {
        onProgress: (p) => {
          if (p.step >= 6 && killedAt < 0) {
            killedAt = p.step;
            process.kill(run.pid!, 'SIGKILL');
          }
        },
      },
    );
    await expect(run.done).rejects.toThrow(/training process ended unexpectedly: killed by SIGKILL/);
    expect(killedAt).toBeGreaterThanOrEqual(6);
    const checkpoint = await readCheckpoint(out);
    expect(checkpoint).not.toBeNull();
    expect(checkpoint!.state.step).toBeLessThanOrEqual(killedAt + 1);
    expect(checkpoint!.state.step).toBeGreaterThan(0);
    const { model } = await loadModel(out);
    model.dispose();
    const resumed = await resumeTraining(out).done;
    expect(resumed).toMatchObject({ status: 'completed', epochs: 2, step: 20 });
    expect((await checkpointWeights(out)).equals(await checkpointWeights(straight))).toBe(true);
    expect((await readdir(out)).filter((n) => n.includes('.tmp-') || n.startsWith('.staging'))).toEqual([]);
  });

  it('finds the previous checkpoint when a kill fell between the two renames of a checkpoint write', async () => {
    const out = path.join(dir, 'between-renames');
    await mkdir(out);
    await cp(path.join(straight, 'checkpoint'), path.join(out, 'checkpoint'), { recursive: true });
    await rename(path.join(out, 'checkpoint'), path.join(out, 'checkpoint.old-123-456-abc'));
    const found = await readCheckpoint(out);
    expect(found?.state.step).toBe(20);
    expect(found?.optimizer?.iterations).toBe(20);
  });
});
