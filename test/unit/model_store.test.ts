import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelStore, modelRecord } from '../../src/main/app/storage/model_store.ts';
import { ModelIdSchema, ModelRecordSchema } from '../../src/shared/ipc/index.ts';

let dir: string;

function meta(name: string, createdAt: string): Record<string, unknown> {
  return {
    name,
    codec: { name: 'abc', version: 1, cacheKey: 'abc@1', options: {} },
    vocabSize: 3,
    vocabulary: ['<s>', '</s>', 'A'],
    config: { vocabSize: 3, layers: [8], dropout: 0 },
    preset: null,
    parameterCount: 123,
    dataset: {
      paths: ['/music/jigs.abc'],
      hash: 'h',
      files: 1,
      items: 2,
      tokens: 3,
      trainTokens: 2,
      validationTokens: 1,
    },
    history: [
      {
        epoch: 1,
        step: 4,
        loss: 2,
        valLoss: 2.5,
        valAccuracy: null,
        valPerplexity: null,
        tokensPerSec: 10,
        seconds: 1,
      },
    ],
    bestValLoss: 2.5,
    backend: 'wasm',
    appVersion: '0.1.0',
    createdAt,
    updatedAt: createdAt,
  };
}

function writeModel(id: string, content: unknown): void {
  mkdirSync(path.join(dir, id), { recursive: true });
  writeFileSync(
    path.join(dir, id, 'meta.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  writeFileSync(path.join(dir, id, 'weights.bin'), new Uint8Array(40));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-models-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ModelStore', () => {
  it('lists readable models newest first, skips and reports damaged ones', async () => {
    writeModel('old', meta('Old', '2026-01-01T00:00:00Z'));
    writeModel('new', meta('New', '2026-02-01T00:00:00Z'));
    writeModel('broken', '{ not json');
    writeModel('BAD..ID', meta('Ignored', '2026-03-01T00:00:00Z'));
    const reports: string[] = [];
    const store = new ModelStore(dir, (folder) => reports.push(path.basename(folder)));
    const models = await store.list();
    expect(models.map((m) => m.id)).toEqual(['new', 'old']);
    expect(models[0].sizeBytes).toBeGreaterThan(40);
    expect(reports).toEqual(['broken']);
    const record = modelRecord(models[0], 'Jigs', false);
    expect(ModelRecordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({ name: 'New', dataset: 'Jigs', epochs: 1, bestValLoss: 2.5, codec: 'abc' });
  });

  it('renames through meta.json and deletes the folder; bad ids are refused before the store', async () => {
    writeModel('one', meta('One', '2026-01-01T00:00:00Z'));
    const store = new ModelStore(dir);
    const one = ModelIdSchema.parse('one');
    expect((await store.rename(one, 'Renamed'))?.meta.name).toBe('Renamed');
    expect(JSON.parse(readFileSync(path.join(dir, 'one', 'meta.json'), 'utf8')).vocabulary).toEqual([
      '<s>',
      '</s>',
      'A',
    ]);
    expect(await store.rename(ModelIdSchema.parse('missing'), 'x')).toBeUndefined();
    // The store takes ModelIds only: text that could leave models/ never becomes one.
    for (const bad of ['../one', 'One', '', 'a/b']) expect(ModelIdSchema.safeParse(bad).success).toBe(false);
    expect(await store.remove(one)).toBe(true);
    expect(await store.list()).toEqual([]);
  });
});
