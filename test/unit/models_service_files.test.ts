import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelsService } from '../../src/main/app/models_service.ts';
import { tinyLibrary, writeTinyModel } from '../helpers/tiny_model.ts';
import { IpcError, ModelIdSchema } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';

let root: string;
let service: ModelsService;

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'continuo-models-svc-'));
  ({ service } = tinyLibrary(root));
  await writeTinyModel(path.join(root, 'models', 'm1'), 'Reels & Jigs');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IpcError);
    return `${(error as IpcError).code}: ${(error as Error).message}`;
  }
  throw new Error('no error');
}

describe('ModelsService one-file models', () => {
  it('exports to exports/ with a download URL, and imports the file as a new model', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    expect(path.basename(exported.path)).toBe('reels-jigs.continuo-model');
    expect(exported.downloadUrl).toBe('/exports/reels-jigs.continuo-model');
    expect(readFileSync(exported.path).length).toBe(exported.bytes);
    const imported = await service.import({ path: exported.path, name: 'Imported reels' });
    expect(imported.name).toBe('Imported reels');
    expect(imported.id).not.toBe('m1');
    expect((await service.list()).map((m) => m.name).sort()).toEqual(['Imported reels', 'Reels & Jigs']);
  });

  it('duplicates with a "copy" name', async () => {
    const copy = await service.duplicate(ModelIdSchema.parse('m1'));
    expect(copy.name).toBe('Reels & Jigs copy');
    expect(await service.list()).toHaveLength(2);
  });

  it('refuses foreign, truncated and missing files with typed errors, writing nothing', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    const truncated = path.join(root, 'truncated.continuo-model');
    writeFileSync(truncated, readFileSync(exported.path).subarray(0, 500));
    expect(await codeOf(service.import({ path: truncated }))).toMatch(
      /^invalid_file: truncated.continuo-model: /,
    );
    expect(
      await codeOf(service.import({ path: sharedData('nottingham', 'ABC_cleaned', 'jigs.abc') })),
    ).toMatch(/^invalid_file: jigs.abc: Not a Continuo model file/);
    expect(await codeOf(service.import({ path: path.join(root, 'nope.continuo-model') }))).toMatch(
      /^not_found/,
    );
    expect(await codeOf(service.import({}))).toMatch(/^unsupported/);
    expect(readdirSync(path.join(root, 'models'))).toEqual(['m1']);
  });

  it('answers not_found for an unknown model', async () => {
    expect(await codeOf(service.export({ id: ModelIdSchema.parse('zzz') }))).toMatch(/^not_found/);
    expect(await codeOf(service.duplicate(ModelIdSchema.parse('zzz')))).toMatch(/^not_found/);
  });
});
