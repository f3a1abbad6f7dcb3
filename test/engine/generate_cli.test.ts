/** `continuo generate` end to end through bin/continuo.mjs, on random-weight model folders. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, unlink, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { midiToNoteSequence } from '../../src/main/engine/music/midi_io.ts';
import { HAS_SHARED_DATA, REPO_ROOT, sharedData } from '../helpers/data.ts';
import { abcFileTokens, randomModel, writeModelFolder } from '../unit/generate_fixtures.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'continuo.mjs');

function continuo(args: string[]) {
  const run = spawnSync(process.execPath, [BIN, 'generate', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A clear message, not a stack trace. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe.skipIf(!HAS_SHARED_DATA)('continuo generate', () => {
  let dir: string;
  let perfDir: string;
  let abcDir: string;
  const midiSeed = sharedData('nottingham', 'MIDI', 'jigs1.mid');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'continuo-gen-cli-'));
    perfDir = path.join(dir, 'perf-model');
    abcDir = path.join(dir, 'abc-model');
    await writeModelFolder(perfDir, randomModel('performance', [32, 32], [], 2));
    const jigs = abcFileTokens(sharedData('nottingham', 'ABC_original', 'jigs.abc'));
    await writeModelFolder(abcDir, randomModel('abc', [32, 32], jigs, 3));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--json continues a MIDI seed into numbered .mid files', async () => {
    const out = path.join(dir, 'perf', 'out.mid');
    const run = continuo([
      '--model',
      perfDir,
      '--seed',
      midiSeed,
      '--length',
      '5s',
      '--variations',
      '3',
      '--temperature',
      '0.9',
      '--top-p',
      '0.95',
      '--pitch-range',
      '48-84',
      '--rng-seed',
      '4',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.backend).toBe('wasm-simd');
    expect(json.msPerEvent).toBeGreaterThan(0);
    expect(json.tokens).toBeGreaterThan(30);
    expect(json.rngSeed).toBe(4);
    expect(json.outputs).toEqual([1, 2, 3].map((i) => path.join(dir, 'perf', `out-${i}.mid`)));
    const seedNotes = midiToNoteSequence(new Uint8Array(await readFile(midiSeed))).notes.length;
    for (const file of json.outputs) {
      const notes = midiToNoteSequence(new Uint8Array(await readFile(file))).notes;
      // Seed + continuation (the performance codec merges the seed's tracks).
      expect(notes.length).toBeGreaterThan(seedNotes / 2);
    }
    // Same seed, same options: the same files.
    const again = continuo([
      '--model',
      perfDir,
      '--seed',
      midiSeed,
      '--length',
      '5s',
      '--variations',
      '3',
      '--temperature',
      '0.9',
      '--top-p',
      '0.95',
      '--pitch-range',
      '48-84',
      '--rng-seed',
      '4',
      '--out',
      path.join(dir, 'perf2', 'out.mid'),
      '--json',
    ]);
    const json2 = JSON.parse(again.stdout);
    for (let i = 0; i < 3; i++)
      expect(await readFile(json2.outputs[i])).toEqual(await readFile(json.outputs[i]));
  });

  it('writes ABC in the requested key from an ABC model without a seed', async () => {
    const out = path.join(dir, 'abc', 'tune.abc');
    const run = continuo([
      '--model',
      abcDir,
      '--length',
      '8bars',
      '--key',
      'D major',
      '--rng-seed',
      '1',
      '--out',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(out);
    const text = await readFile(out, 'utf8');
    expect(text).toMatch(/^X:1\nT:Continuo\nM:\S+\nL:\S+\nK:Dmaj\n/);
  });

  it('gives clear errors with exit code 1 for bad models and seeds', async () => {
    const broken = path.join(dir, 'broken');
    await cp(perfDir, broken, { recursive: true });
    await truncate(path.join(broken, 'weights.bin'), 1000);
    let run = continuo(['--model', broken, '--out', path.join(dir, 'x.mid')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/weights\.bin/);
    expectNoStack(run.stderr);

    await unlink(path.join(broken, 'weights.bin'));
    run = continuo(['--model', broken, '--out', path.join(dir, 'x.mid')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/weights\.bin: cannot read weights/);
    expectNoStack(run.stderr);

    run = continuo(['--model', path.join(dir, 'nowhere'), '--out', path.join(dir, 'x.mid')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/model\.json: cannot read model/);

    // A MIDI seed for an ABC model.
    run = continuo(['--model', abcDir, '--seed', midiSeed, '--out', path.join(dir, 'x.abc')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/abc model cannot encode this seed.*ABC text/);
    expectNoStack(run.stderr);

    // Waltzes are in 3/4, a meter no jig has.
    run = continuo([
      '--model',
      abcDir,
      '--seed',
      sharedData('nottingham', 'ABC_original', 'waltzes.abc'),
      '--out',
      path.join(dir, 'x.abc'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/outside the model's abc vocabulary \(.*"M:3\/4"/);
    expectNoStack(run.stderr);
  });

  it('usage errors exit with code 2', () => {
    const out = path.join(dir, 'y.mid');
    let run = continuo(['--model', perfDir, '--out', out, '--length', '12 parsecs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Bad length "12 parsecs"/);
    run = continuo(['--model', perfDir, '--out', out, '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
    run = continuo(['--model', perfDir, '--out', path.join(dir, 'y.wav')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\.mid, \.midi or \.abc/);
    run = continuo(['--model', perfDir, '--out', out, '--key', 'H major']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown key "H major"/);
    run = continuo(['--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--model/);
  });
});
