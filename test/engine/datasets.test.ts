import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openDataset,
  scanPaths,
  splitTokenLists,
  type Dataset,
} from '../../src/main/engine/datasets/index.ts';
import { parseCsvRecords } from '../../src/main/engine/datasets/csv.ts';
import { WorkerCrashError, WorkerPool } from '../../src/main/engine/datasets/worker_pool.ts';
import { HAS_SHARED_DATA, sharedData } from '../helpers/data.ts';

const MAESTRO_2004 = sharedData('maestro', '2004');
const NOTTINGHAM = sharedData('nottingham', 'ABC_original');

describe.skipIf(!HAS_SHARED_DATA)('datasets on real data', () => {
  let cacheDir: string;
  let cold: Dataset;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'continuo-cache-'));
    cold = await openDataset([MAESTRO_2004], { codec: 'performance', cacheDir });
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('imports MAESTRO 2004: 132 files, 815,032 notes, no errors, v1.0.0 split 117/6/9', () => {
    expect(cold.errors).toEqual([]);
    expect(cold.stats.files).toBe(132);
    expect(cold.stats.items).toBe(132);
    expect(cold.stats.notes).toBe(815_032);
    expect(cold.stats.split).toEqual({ train: 117, validation: 6, test: 9 });
    expect(cold.splitSource).toBe(sharedData('maestro', 'maestro-v1.0.0.csv'));
    expect(cold.stats.pitchRange!.min).toBeGreaterThanOrEqual(21);
    expect(cold.stats.pitchRange!.max).toBeLessThanOrEqual(108);
    expect(cold.stats.vocabSize).toBe(388);
    // 88 piano keys x on/off + 100 time shifts + 32 velocities of the 388 tokens.
    expect(cold.stats.vocabCoverage).toBeGreaterThan(0.75);
    expect(cold.stats.tokens).toBeGreaterThan(2 * 815_032);
    const test = splitTokenLists(cold, 'test');
    expect(test).toHaveLength(9);
    expect(cold.vocabulary.encode(test[0]).length).toBe(test[0].length);
    expect(cold.load.fromCache).toBe(0);
    expect(cold.load.parsed).toBe(132);
    expect(cold.load.workersStarted).toBe(Math.min(2, os.availableParallelism()));
  });

  it('agrees with the MAESTRO csv durations within 0.5 %', () => {
    const rows = parseCsvRecords(readFileSync(sharedData('maestro', 'maestro-v1.0.0.csv'), 'utf8'));
    const expected = rows
      .filter((row) => row.midi_filename.startsWith('2004/'))
      .reduce((sum, row) => sum + Number(row.duration), 0);
    expect(Math.abs(cold.stats.seconds - expected) / expected).toBeLessThan(0.005);
  });

  it('serves the second open from the cache, with the same figures', async () => {
    const warm = await openDataset([MAESTRO_2004], { codec: 'performance', cacheDir });
    expect(warm.load.fromCache).toBe(132);
    expect(warm.load.parsed).toBe(0);
    expect(warm.load.workersStarted).toBe(0);
    expect(warm.stats).toEqual(cold.stats);
    expect(warm.items.map((item) => item.tokens)).toEqual(cold.items.map((item) => item.tokens));
  });

  it('recovers from a corrupt cache entry and rewrites it', async () => {
    const entries = await listFiles(cacheDir);
    expect(entries.length).toBe(132);
    await writeFile(entries[0], '{"format":1,"items":[{"tok');
    await writeFile(entries[1], '');
    const again = await openDataset([MAESTRO_2004], { codec: 'performance', cacheDir });
    expect(again.load.corruptCache).toBe(2);
    expect(again.load.parsed).toBe(2);
    expect(again.load.fromCache).toBe(130);
    expect(again.stats).toEqual(cold.stats);
    const healed = await openDataset([MAESTRO_2004], { codec: 'performance', cacheDir });
    expect(healed.load.fromCache).toBe(132);
    expect((await readdir(path.dirname(entries[0]))).some((name) => name.endsWith('.tmp'))).toBe(false);
  });

  it('uses the split csv named by splitCsv (v2.0.0: 103/16/13)', async () => {
    const v2 = await openDataset([MAESTRO_2004], {
      codec: 'performance',
      cacheDir,
      splitCsv: sharedData('maestro', 'maestro-v2.0.0.csv'),
    });
    expect(v2.stats.split).toEqual({ train: 103, validation: 16, test: 13 });
  });

  it('imports Nottingham ABC_original with the abc codec, errors per tune', async () => {
    const abc = await openDataset([NOTTINGHAM], { codec: 'abc', cache: false });
    expect(abc.stats.files).toBe(14);
    expect(abc.stats.items).toBeGreaterThanOrEqual(Math.ceil(0.99 * 1037));
    expect(
      abc.stats.items + new Set(abc.errors.map((e) => `${e.file}#${e.item}`)).size,
    ).toBeGreaterThanOrEqual(1037);
    for (const error of abc.errors) {
      expect(error.item, `${error.file}: ${error.reason}`).toBeTypeOf('number');
      expect(error.reason.length).toBeGreaterThan(0);
    }
    // Hash split: deterministic, roughly 10 % validation, no test split.
    expect(abc.stats.split.test).toBe(0);
    expect(abc.stats.split.validation / abc.stats.items).toBeGreaterThan(0.05);
    expect(abc.stats.split.validation / abc.stats.items).toBeLessThan(0.15);
    expect(abc.stats.vocabSize).toBeGreaterThan(20);
    expect(abc.stats.vocabCoverage).toBeGreaterThan(0.99);
    const jigs = abc.items.filter((item) => item.rel === 'jigs.abc');
    expect(jigs.length).toBeGreaterThanOrEqual(330);
    expect(jigs[0].item).toBe(1);
  });

  it('scans deterministically and reports a missing path as an error entry', async () => {
    const scan = await scanPaths([NOTTINGHAM, '/no/such/folder']);
    expect(scan.files.map((file) => file.rel)).toEqual([...scan.files.map((file) => file.rel)].sort());
    expect(scan.files).toHaveLength(14);
    expect(scan.errors).toEqual([{ file: '/no/such/folder', reason: 'not found' }]);
  });

  it('stops and rejects when aborted', async () => {
    const controller = new AbortController();
    const opening = openDataset([MAESTRO_2004], {
      codec: 'performance',
      cache: false,
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done === 3) controller.abort();
      },
    });
    await expect(opening).rejects.toThrow();
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out.sort();
}

describe('worker pool', () => {
  it('turns a worker crash (out of memory, exit) into an error for that task and goes on', async () => {
    const pool = new WorkerPool<{ n: number }, { n: number }>({
      entry: new URL('./fixtures/crashing_worker.ts', import.meta.url),
      size: 2,
      maxHeapMb: 64,
    });
    const settled = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => pool.run({ n })));
    await pool.destroy();
    expect(settled.map((result) => (result.status === 'fulfilled' ? result.value.n : 'crash'))).toEqual([
      10,
      'crash',
      'crash',
      40,
      50,
    ]);
    const crash = settled[1] as PromiseRejectedResult;
    expect(crash.reason).toBeInstanceOf(WorkerCrashError);
    expect(String(crash.reason.message)).toMatch(/memory/);
  });
});
