import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED_DATA, REPO_ROOT, sharedData } from '../helpers/data.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'continuo.mjs');

function continuo(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!HAS_SHARED_DATA)('continuo CLI', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'continuo-cli-cache-'));
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('dataset --json prints one JSON object with the MAESTRO 2004 figures', () => {
    const run = continuo(['dataset', sharedData('maestro', '2004'), '--codec', 'performance', '--json'], {
      CONTINUO_CACHE_DIR: cacheDir,
    });
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      files: 132,
      items: 132,
      errors: [],
      notes: 815_032,
      vocabSize: 388,
      split: { train: 117, validation: 6, test: 9 },
    });
    expect(json.seconds).toBeGreaterThan(83_000);
    expect(json.tokens).toBeGreaterThan(1_630_000);
    expect(Array.isArray(json.warnings)).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('dataset prints a summary table and exits 1 when nothing imported', () => {
    const run = continuo(['dataset', '/no/such/folder', '--no-cache']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Files\s+0/);
    expect(run.stdout).toContain('/no/such/folder: not found');
  });

  it('reports per-tune errors for ABC with item numbers', () => {
    const run = continuo([
      'dataset',
      sharedData('nottingham', 'ABC_original', 'xmas.abc'),
      '--codec',
      'abc',
      '--json',
      '--no-cache',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.files).toBe(1);
    expect(json.items).toBeGreaterThanOrEqual(12);
    for (const error of json.errors) expect(typeof error.item).toBe('number');
  });

  it('exits 2 with a clear message on an unknown option', () => {
    const run = continuo(['dataset', '.', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--frobnicate'");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown codec', () => {
    const run = continuo(['dataset', '.', '--codec', 'mp3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/mp3/);
  });

  it('bench --list names the MAESTRO import benchmark', () => {
    const run = continuo(['bench', '--list']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('maestro-import');
  });
});
