import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../src/main/app/storage/settings_store.ts';
import { StudioSettingsSchema } from '../../src/shared/ipc/index.ts';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-settings-'));
  file = path.join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const generation = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  length: '16bars',
  variations: 3,
  key: 'D major',
};

describe('SettingsStore', () => {
  it('gives the defaults without a file and reports nothing', async () => {
    const reports: string[] = [];
    const store = new SettingsStore(file, (reason) => reports.push(reason));
    expect(await store.get()).toEqual({});
    expect(reports).toEqual([]);
  });

  it('saves updates atomically and a new store reads them back', async () => {
    const store = new SettingsStore(file);
    await store.update({ importCodec: 'abc' });
    const after = await store.update({ generation });
    expect(after).toEqual({ importCodec: 'abc', generation });
    expect(StudioSettingsSchema.parse(JSON.parse(readFileSync(file, 'utf8')))).toEqual(after);
    // No temporary files are left beside it.
    expect(readdirSync(dir)).toEqual(['settings.json']);
    expect(await new SettingsStore(file).get()).toEqual(after);
  });

  it('keeps the last of concurrent updates on disk', async () => {
    const store = new SettingsStore(file);
    await Promise.all(
      [1, 2, 3, 4, 5].map((variations) => store.update({ generation: { ...generation, variations } })),
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).generation.variations).toBe(5);
  });

  it('falls back to the defaults on a corrupt or invalid file, with a report', async () => {
    for (const text of ['{"importCodec": "abc"', '{"importCodec": "mp3"}', '[]']) {
      writeFileSync(file, text);
      const reports: string[] = [];
      const store = new SettingsStore(file, (reason) => reports.push(reason));
      expect(await store.get()).toEqual({});
      expect(reports).toHaveLength(1);
      expect(reports[0]).toContain('using the defaults');
      // The next update replaces the bad file with a valid one.
      await store.update({ importCodec: 'performance' });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ importCodec: 'performance' });
    }
  });

  it('returns copies the caller cannot use to change the store', async () => {
    const store = new SettingsStore(file);
    await store.update({ generation });
    const got = await store.get();
    got.generation!.temperature = 3;
    expect((await store.get()).generation?.temperature).toBe(0.8);
  });
});

describe('settings and stats requests', () => {
  it('settings.update and settings.get go through the store; engine.stats works without an engine', async () => {
    const { createHandlers } = await import('../../src/main/app/handlers.ts');
    const handlers = createHandlers(
      { version: '0.0.0', transport: 'websocket' },
      { settings: new SettingsStore(file) },
    );
    await handlers['settings.update']({ generation });
    expect(await handlers['settings.get'](undefined)).toEqual({ generation });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ generation });
    const stats = await handlers['engine.stats'](undefined);
    expect(stats.mainRss).toBeGreaterThan(1_000_000);
    expect(stats.jobs).toEqual({ imports: 0, training: 0, generation: 0 });
    expect(stats.backend).toBeUndefined();
  });
});
