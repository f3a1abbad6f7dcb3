import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ModelsService, uniqueName } from '../../src/main/app/models_service.ts';
import { ModelIdSchema } from '../../src/shared/ipc/index.ts';
import { tinyLibrary, writeTinyModel } from '../helpers/tiny_model.ts';

let root: string;
let service: ModelsService;

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'continuo-models-undo-'));
  ({ service } = tinyLibrary(root));
  await writeTinyModel(path.join(root, 'models', 'm1'), 'Reels & Jigs');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('model names and undo', () => {
  it('uniqueName adds (2), (3)… to a name in use', () => {
    expect(uniqueName('Jigs', new Set())).toBe('Jigs');
    expect(uniqueName('Jigs', new Set(['Jigs']))).toBe('Jigs (2)');
    expect(uniqueName('Jigs', new Set(['Jigs', 'Jigs (2)']))).toBe('Jigs (3)');
    expect(uniqueName('x'.repeat(200), new Set(['x'.repeat(200)]))).toHaveLength(200);
  });

  it('an exported model imported back is named apart from the original', async () => {
    const exported = await service.export({ id: ModelIdSchema.parse('m1') });
    const imported = await service.import({ path: exported.path });
    expect(imported.name).toBe('Reels & Jigs (2)');
    const again = await service.import({ path: exported.path });
    expect(again.name).toBe('Reels & Jigs (3)');
  });

  it('a deleted model can be restored until another one is deleted', async () => {
    const copy = await service.duplicate(ModelIdSchema.parse('m1'));
    expect(await service.remove(ModelIdSchema.parse('m1'))).toBe(true);
    expect((await service.list()).map((m) => m.id)).toEqual([copy.id]);
    expect((await service.restore(ModelIdSchema.parse('m1'))).name).toBe('Reels & Jigs');
    expect((await service.list()).map((m) => m.id).sort()).toEqual([copy.id, 'm1'].sort());

    await service.remove(ModelIdSchema.parse('m1'));
    await service.remove(copy.id);
    // Only the last one deleted waits in the trash.
    await expect(service.restore(ModelIdSchema.parse('m1'))).rejects.toMatchObject({ code: 'not_found' });
    expect(existsSync(path.join(root, 'models', 'm1'))).toBe(false);
    expect((await service.restore(copy.id)).id).toBe(copy.id);
  });
});
