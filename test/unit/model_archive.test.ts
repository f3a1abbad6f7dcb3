import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MODEL_ARCHIVE_ENTRIES,
  ModelArchiveError,
  packModelArchive,
  readModelFiles,
  unpackModelArchive,
  type ModelFiles,
} from '../../src/main/app/storage/model_archive.ts';
import { readModelFolder, saveModelFolder } from '../../src/main/engine/model/serialize.ts';
import {
  weightNamesFor,
  weightShapesFor,
  type TokenModelConfig,
} from '../../src/main/engine/model/token_model.ts';

let dir: string;
let files: ModelFiles;

const config: TokenModelConfig = { vocabSize: 5, layers: [8, 8], dropout: 0 };

const meta = {
  name: 'Jigs sketch',
  codec: { name: 'abc', version: 1, cacheKey: 'abc@1', options: {} },
  vocabSize: 5,
  vocabulary: ['<s>', '</s>', 'A', 'B', 'C'],
  config,
  preset: 'sketch',
  parameterCount: 1000,
  dataset: null,
  history: [],
  bestValLoss: null,
  backend: 'wasm',
  appVersion: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A real model folder written by the engine's serializer (deterministic weights). */
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-archive-'));
  const shapes = weightShapesFor(config);
  const weights = Object.fromEntries(
    weightNamesFor(config).map((name, n) => {
      const count = shapes[name].reduce((a, b) => a * b, 1);
      return [
        name,
        { shape: shapes[name], data: Float32Array.from({ length: count }, (_, i) => (i % 7) * 0.1 + n) },
      ];
    }),
  );
  await saveModelFolder(path.join(dir, 'model'), config, weights, meta);
  files = await readModelFiles(path.join(dir, 'model'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemOf(data: Uint8Array): string {
  try {
    unpackModelArchive(data);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelArchiveError);
    return `${(error as ModelArchiveError).problem}: ${(error as Error).message}`;
  }
  throw new Error('the archive was accepted');
}

describe('model archive', () => {
  it('round-trips a model folder byte for byte, and the unpacked model loads', async () => {
    const zip = packModelArchive(files);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual([...MODEL_ARCHIVE_ENTRIES].sort());
    const { files: back, meta: parsed } = unpackModelArchive(zip);
    for (const name of MODEL_ARCHIVE_ENTRIES)
      expect(Buffer.from(back[name]).equals(Buffer.from(files[name]))).toBe(true);
    expect(parsed.name).toBe('Jigs sketch');
    expect(parsed.vocabulary).toHaveLength(5);
  });

  it('refuses a file that is not a zip', () => {
    expect(problemOf(strToU8('X:1\nT:not a model\nK:D\nABC|\n'))).toMatch(/^not_a_zip/);
  });

  it('refuses a truncated file', () => {
    const zip = packModelArchive(files);
    expect(problemOf(zip.subarray(0, Math.floor(zip.length * 0.6)))).toMatch(/^not_a_zip/);
  });

  it('refuses a zip whose bytes were overwritten in the middle', () => {
    const zip = packModelArchive(files).slice();
    // Overwrite the start of the weights entry's local header and data.
    const at = Buffer.from(zip).indexOf('weights.bin');
    zip.fill(0x41, at - 30, at + 200);
    expect(problemOf(zip)).toMatch(/^(not_a_zip|missing_entry|invalid_model)/);
  });

  it('refuses a zip with a missing entry, naming it', () => {
    const zip = zipSync({ 'model.json': files['model.json'], 'meta.json': files['meta.json'] });
    expect(problemOf(zip)).toBe('missing_entry: The model file lacks weights.bin');
  });

  it('refuses truncated weights inside a well-formed zip', () => {
    const zip = packModelArchive({ ...files, 'weights.bin': files['weights.bin'].subarray(0, 100) });
    expect(problemOf(zip)).toMatch(/^invalid_model: weights.bin has 100 bytes but model.json describes \d+/);
  });

  it('refuses a foreign model.json and a meta.json that fails validation', () => {
    const foreign = packModelArchive({ ...files, 'model.json': strToU8('{"format":"keras"}') });
    expect(problemOf(foreign)).toMatch(/^invalid_model: model.json does not describe a Continuo model/);
    const badMeta = packModelArchive({ ...files, 'meta.json': strToU8('{"name":"x"}') });
    expect(problemOf(badMeta)).toMatch(/^invalid_model: meta.json: codec/);
    const notJson = packModelArchive({ ...files, 'meta.json': strToU8('{"name":') });
    expect(problemOf(notJson)).toMatch(/^invalid_model: meta.json is not valid JSON/);
  });

  it('refuses path-traversal and absolute entry names', () => {
    for (const name of ['../evil.sh', 'a/../../evil', '/etc/passwd', 'C:/x', 'a\\..\\b']) {
      const zip = zipSync({
        ...Object.fromEntries(MODEL_ARCHIVE_ENTRIES.map((n) => [n, files[n]])),
        [name]: strToU8('x'),
      });
      expect(problemOf(zip)).toMatch(/^unsafe_entry/);
    }
  });

  it('ignores harmless extra entries', () => {
    const zip = zipSync({
      ...Object.fromEntries(MODEL_ARCHIVE_ENTRIES.map((n) => [n, files[n]])),
      'README.txt': strToU8('hello'),
    });
    expect(unpackModelArchive(zip).meta.name).toBe('Jigs sketch');
  });

  it('unpacked files make a folder the engine reads', async () => {
    const { files: back } = unpackModelArchive(packModelArchive(files));
    const out = path.join(dir, 'installed');
    mkdirSync(out);
    for (const name of MODEL_ARCHIVE_ENTRIES) writeFileSync(path.join(out, name), back[name]);
    const folder = await readModelFolder(out);
    expect(folder.config.layers).toEqual([8, 8]);
    expect(Object.keys(folder.weights)).toEqual(weightNamesFor(config));
  });
});
