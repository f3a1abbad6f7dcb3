import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/main/engine/model/backend.ts';
import { parseModelMeta } from '../../src/main/engine/model/meta.ts';
import { loadModel } from '../../src/main/engine/model/serialize.ts';
import { HAS_SHARED_DATA, REPO_ROOT, sharedData } from '../helpers/data.ts';
import { tempDir } from '../helpers/train_fixtures.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'continuo.mjs');

function continuo(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(!HAS_SHARED_DATA)('continuo train / resume / eval', () => {
  let dir: string;
  let out: string;
  const jigs = sharedData('nottingham', 'ABC_original', 'jigs.abc');
  beforeAll(async () => {
    dir = await tempDir('train-cli');
    out = path.join(dir, 'jigs-model');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('train --json prints progress lines and a summary, and writes a loadable model folder', async () => {
    const run = continuo([
      'train',
      jigs,
      '--codec',
      'abc',
      '--preset',
      'sketch',
      '--epochs',
      '1',
      '--steps-per-epoch',
      '5',
      '--json',
      '--out',
      out,
      '--cache-dir',
      path.join(dir, 'cache'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    const progress = lines.filter((l) => l.type === 'progress' && l.phase !== 'loading');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const line of progress)
      for (const key of ['epoch', 'step', 'loss', 'valLoss', 'tokensPerSec', 'etaSeconds', 'backend'])
        expect(line).toHaveProperty(key);
    expect(progress.some((l) => typeof l.loss === 'number' && (l.loss as number) > 0)).toBe(true);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      status: 'completed',
      epochs: 1,
      step: 5,
      mainWeights: 'best',
    });
    expect(summary.valLoss as number).toBeGreaterThan(0);
    await initBackend('wasm');
    const { model, meta } = await loadModel(out);
    const parsed = parseModelMeta(meta);
    expect(model.config.layers).toEqual([128, 128]);
    expect(parsed.preset).toBe('sketch');
    expect(parsed.history).toHaveLength(1);
    model.dispose();
  });

  it('resume --epochs 2 continues the curve; eval --json prints the validation figures', async () => {
    const resumed = continuo([
      'resume',
      out,
      '--epochs',
      '2',
      '--json',
      '--cache-dir',
      path.join(dir, 'cache'),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({
      type: 'summary',
      status: 'completed',
      epochs: 2,
      step: 10,
    });
    const meta = parseModelMeta(JSON.parse(await readFile(path.join(out, 'meta.json'), 'utf8')));
    expect(meta.history.map((h) => h.step)).toEqual([5, 10]);

    const evaluated = continuo([
      'eval',
      '--model',
      out,
      jigs,
      '--json',
      '--cache-dir',
      path.join(dir, 'cache'),
    ]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const result = JSON.parse(evaluated.stdout);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['tokens', 'nllPerToken', 'perplexity', 'accuracy']),
    );
    expect(result.split).toBe('validation');
    expect(result.perplexity).toBeCloseTo(Math.exp(result.nllPerToken), 6);
    // Every validation window, not the 128 the training loop samples: close to, not equal to, the last valLoss.
    expect(Math.abs(result.nllPerToken - meta.history[1].valLoss!)).toBeLessThan(0.2);
  });

  it('usage errors exit 2; a missing model folder exits 1 with a clear message', () => {
    const unknown = continuo(['train', jigs, '--codec', 'abc', '--out', out, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
    const badNumber = continuo(['train', jigs, '--codec', 'abc', '--out', out, '--epochs', 'many']);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr).toMatch(/expected a positive integer/);
    const mixed = continuo([
      'train',
      jigs,
      '--codec',
      'abc',
      '--out',
      out,
      '--preset',
      'sketch',
      '--layers',
      '2',
    ]);
    expect(mixed.code).toBe(2);
    const missing = continuo(['eval', '--model', path.join(dir, 'nope'), jigs, '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/model\.json: cannot read model/);
    const noCheckpoint = continuo(['resume', path.join(dir, 'nope')]);
    expect(noCheckpoint.code).toBe(1);
    expect(noCheckpoint.stderr).toMatch(/meta\.json: cannot read model metadata/);
  });
});
