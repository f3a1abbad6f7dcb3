import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateModel,
  resumeTraining,
  startTrainingProcess,
  trainModel,
  type TrainModelOptions,
} from '../../src/main/engine/train/index.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';
import { tempDir, writeSyntheticAbc } from '../helpers/train_fixtures.ts';

function tiny(paths: string[], outDir: string): TrainModelOptions {
  return {
    paths,
    codec: 'abc',
    outDir,
    architecture: { layers: [16], dropout: 0 },
    seqLen: 16,
    batchSize: 4,
    epochs: 1,
    stepsPerEpoch: 2,
    transpose: 0,
    backend: 'wasm',
    cache: false,
  };
}

describe('training and evaluation: bad input gives clear errors, never a crash', () => {
  let dir: string;
  let abc: string;
  let model: string;
  beforeAll(async () => {
    dir = await tempDir('train-bad');
    abc = await writeSyntheticAbc(dir, 60);
    model = path.join(dir, 'model');
    await trainModel(tiny([abc], model));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a model folder with a missing or truncated weights file', async () => {
    const broken = path.join(dir, 'broken');
    await trainModel(tiny([abc], broken));
    await truncate(path.join(broken, 'weights.bin'), 100);
    await expect(evaluateModel(broken, [abc], { backend: 'wasm', cache: false })).rejects.toThrow(
      /weight lstm_0\/kernel lies outside weights\.bin \(100 bytes\)/,
    );
    await rm(path.join(broken, 'weights.bin'));
    await expect(evaluateModel(broken, [abc], { backend: 'wasm', cache: false })).rejects.toThrow(
      /weights\.bin: cannot read weights/,
    );
    await expect(evaluateModel(path.join(dir, 'nowhere'), [abc], { backend: 'wasm' })).rejects.toThrow(
      /model\.json: cannot read model/,
    );
  });

  it('resume without a checkpoint, with a damaged checkpoint, or with a damaged meta.json', async () => {
    const folder = path.join(dir, 'resume-broken');
    await trainModel(tiny([abc], folder));
    await truncate(path.join(folder, 'checkpoint', 'weights.bin'), 10);
    await expect(resumeTraining(folder).done).rejects.toThrow(
      /checkpoint[/\\]weights\.bin: .*not a whole number of floats/,
    );
    await rm(path.join(folder, 'checkpoint'), { recursive: true });
    await expect(resumeTraining(folder).done).rejects.toThrow(/no training checkpoint found, cannot resume/);
    await writeFile(path.join(folder, 'meta.json'), '{"name": 3');
    await expect(resumeTraining(folder).done).rejects.toThrow(/meta\.json: cannot read model metadata/);
  });

  it('an empty dataset, in process and through the training process', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await writeFile(path.join(empty, 'nothing.abc'), '% no tunes here\n');
    await expect(trainModel(tiny([empty], path.join(dir, 'out-empty')))).rejects.toThrow(
      /No music found in .*nothing to train on/,
    );
    const run = startTrainingProcess({ kind: 'train', options: tiny([empty], path.join(dir, 'out-empty2')) });
    await expect(run.done).rejects.toThrow(/No music found/);
  });

  it('bad hyper-parameters are refused before anything is written', async () => {
    await expect(trainModel({ ...tiny([abc], path.join(dir, 'x')), seqLen: 0 })).rejects.toThrow(
      /Sequence length must be/,
    );
    await expect(trainModel({ ...tiny([abc], path.join(dir, 'x')), learningRate: -1 })).rejects.toThrow(
      /Learning rate/,
    );
    await expect(trainModel({ ...tiny([abc], path.join(dir, 'x')), seqLen: 4000 })).rejects.toThrow(
      /fewer than one window/,
    );
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it.skipIf(!HAS_SHARED_DATA)(
    'eval on music with tokens outside the vocabulary counts and skips them',
    async () => {
      // The model knows the 16 tokens of the synthetic tune; the Nottingham jigs use many more.
      const jigs = sharedData('nottingham', 'ABC_cleaned', 'jigs.abc');
      const result = await evaluateModel(model, [jigs], { backend: 'wasm', cache: false, maxWindows: 16 });
      expect(result.unknownTokens).toBeGreaterThan(1000);
      expect(result.tokens).toBeGreaterThan(0);
      expect(Number.isFinite(result.nllPerToken)).toBe(true);
      const meta = JSON.parse(await readFile(path.join(model, 'meta.json'), 'utf8'));
      expect(meta.vocabSize).toBeLessThan(30);
    },
  );
});
