import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, splitTokenLists } from '../../src/main/engine/datasets/index.ts';
import { exportTokenShards, type TokenExportManifest } from '../../src/main/engine/train/export_tokens.ts';
import { prepareTrainingData } from '../../src/main/engine/train/data.ts';
import { sharedData } from '../helpers/data.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'continuo-shards-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('token shards for training elsewhere', () => {
  it("writes NumPy int32 shards that numpy reads back as the trainer's token streams", async () => {
    const dataset = await openDataset([sharedData('nottingham', 'ABC_original', 'jigs.abc')], {
      codec: 'abc',
      cache: false,
    });
    const out = path.join(dir, 'jigs');
    const manifest = await exportTokenShards(dataset, out);
    const data = prepareTrainingData(
      dataset.codec,
      splitTokenLists(dataset, 'train'),
      splitTokenLists(dataset, 'validation'),
      3,
    );
    expect(manifest.vocabSize).toBe(data.vocabulary.size);
    expect(manifest.train.length).toBe(data.streams.length);
    const onDisk = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as TokenExportManifest;
    expect(onDisk).toEqual(manifest);
    // Debian's python3-numpy (installed by .ci/run) reads every shard.
    const script = [
      'import json, sys, numpy as np',
      'd = sys.argv[1]; m = json.load(open(d + "/manifest.json"))',
      'out = {}',
      'for s in m["train"] + m["validation"]:',
      '    a = np.load(d + "/" + s["file"])',
      '    assert a.dtype == np.int32 and a.ndim == 1 and a.shape[0] == s["tokens"], s',
      '    out[s["file"]] = [int(a.sum()), int(a.max()), a[:5].tolist()]',
      'print(json.dumps(out))',
    ].join('\n');
    const read = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script, out], { encoding: 'utf8' }),
    ) as Record<string, [number, number, number[]]>;
    const first = manifest.train[0];
    const ids = data.streams[0].ids;
    expect(read[first.file][2]).toEqual(Array.from(ids.subarray(0, 5)));
    expect(read[first.file][0]).toBe(ids.reduce((a, b) => a + b, 0));
    expect(Math.max(...Object.values(read).map((r) => r[1]))).toBeLessThan(manifest.vocabSize);
    const vocabulary = JSON.parse(await readFile(path.join(out, 'vocabulary.json'), 'utf8')) as {
      tokens: string[];
    };
    expect(vocabulary.tokens).toEqual([...data.vocabulary.tokens]);
  }, 120_000);
});
