import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  packModelArchive,
  readModelFiles,
  unpackModelArchive,
} from '../../src/main/app/storage/model_archive.ts';
import { ModelStore } from '../../src/main/app/storage/model_store.ts';
import { ModelIdSchema } from '../../src/shared/ipc/index.ts';
import { writeTinyModel } from '../helpers/tiny_model.ts';

let dir: string;
const [m1, m2, m3, nope] = ['m1', 'm2', 'm3', 'nope'].map((id) => ModelIdSchema.parse(id));
async function writeModel(id: string, name: string): Promise<void> {
  await writeTinyModel(path.join(dir, id), name, 0.5);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-models-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ModelStore duplicate and install', () => {
  it('duplicates a folder (checkpoint included) under a new id and name, leaving no temp folder', async () => {
    await writeModel('m1', 'Jigs');
    mkdirSync(path.join(dir, 'm1', 'checkpoint'));
    writeFileSync(path.join(dir, 'm1', 'checkpoint', 'state.json'), '{}');
    const store = new ModelStore(dir);
    const copy = await store.duplicate(m1, m2, 'Jigs copy');
    expect(copy?.meta.name).toBe('Jigs copy');
    expect((await store.get(m1))?.meta.name).toBe('Jigs');
    expect(existsSync(path.join(dir, 'm2', 'checkpoint', 'state.json'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['m1', 'm2']);
    expect((await store.list()).map((m) => m.id).sort()).toEqual(['m1', 'm2']);
  });

  it('answers undefined when duplicating a missing model, writing nothing', async () => {
    const store = new ModelStore(dir);
    expect(await store.duplicate(nope, m2, 'x')).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('installs an unpacked archive as a new, listed model with the same size', async () => {
    await writeModel('m1', 'Reels');
    const store = new ModelStore(dir);
    const { files } = unpackModelArchive(packModelArchive(await readModelFiles(path.join(dir, 'm1'))));
    const installed = await store.install(m3, files);
    expect(installed?.meta.name).toBe('Reels');
    expect(installed?.sizeBytes).toBe((await store.get(m1))?.sizeBytes);
    expect(readdirSync(dir).sort()).toEqual(['m1', 'm3']);
  });
});
