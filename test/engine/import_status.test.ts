import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioHarness, type StudioHarness } from '../helpers/studio_harness.ts';

/** Imports that bring nothing in fail with their reasons and make no dataset; partial ones say how much failed. */

const TUNE =
  'X:1\nT:Test reel\nM:4/4\nL:1/8\nK:D\n|:DFAd fdAF|GBdg bgdB|AFDF A2dc|1 d2f2 d4:|2 d2f2 d2z2|]\n';

let harness: StudioHarness;
let dir: string;

async function importPaths(paths: string[], codec: 'abc' | 'performance') {
  const { jobId } = await harness.call('datasets.import', { paths, codec });
  return harness.eventFor('datasets.finished', jobId, 60_000);
}

beforeAll(async () => {
  harness = await startStudioHarness('continuo-import-status-');
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-import-files-'));
  writeFileSync(path.join(dir, 'empty.mid'), '');
  mkdirSync(path.join(dir, 'no-music'));
  writeFileSync(path.join(dir, 'no-music', 'notes.txt'), 'not music');
  mkdirSync(path.join(dir, 'mixed'));
  writeFileSync(path.join(dir, 'mixed', 'reel.abc'), TUNE);
  writeFileSync(path.join(dir, 'mixed', 'broken.mid'), 'MThd but not really');
}, 60_000);

afterAll(async () => {
  await harness.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('import status', () => {
  it.each([
    ['a path that does not exist', () => path.join(dir, 'missing'), /not found/],
    ['a zero-byte file', () => path.join(dir, 'empty.mid'), /empty file \(0 bytes\)/],
    [
      'a folder with no music files',
      () => path.join(dir, 'no-music'),
      /no \.mid, \.midi or \.abc files here/,
    ],
  ])('%s fails with the reason and makes no dataset', async (_what, target, reason) => {
    const finished = await importPaths([target()], 'performance');
    expect(finished).toMatchObject({ outcome: 'failed' });
    expect(finished['message']).toMatch(/^Nothing was imported.*no dataset was made\. Check the path/);
    const reasons = finished['reasons'] as Array<{ file: string; reason: string }>;
    expect(reasons.map((r) => r.reason).join(' ')).toMatch(reason);
    expect((await harness.call('datasets.list', {})).datasets).toEqual([]);
  });

  it('an import where some files fail keeps the rest and says how many failed', async () => {
    const finished = await importPaths([path.join(dir, 'mixed')], 'abc');
    expect(finished).toMatchObject({ outcome: 'done', failedFiles: 1, failedItems: 0 });
    expect(finished['message']).toMatch(/^1 file failed: the rest is in the dataset/);
    const [dataset] = (await harness.call('datasets.list', {})).datasets;
    expect(dataset).toMatchObject({ codec: 'abc', errorCount: 1, stats: { items: 1 } });
    await harness.call('datasets.remove', { id: dataset.id });
  });

  it('datasets.inspect counts MIDI and ABC files and names unreadable paths', async () => {
    const missing = path.join(dir, 'missing');
    expect(await harness.call('datasets.inspect', { paths: [path.join(dir, 'mixed'), missing] })).toEqual({
      midiFiles: 1,
      abcFiles: 1,
      unreadable: [missing],
    });
  });
});
