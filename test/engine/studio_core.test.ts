import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseDataDir, defaultDataDir } from '../../src/main/app/data_dir.ts';
import { startStudioCore, type StudioCore } from '../../src/main/app/studio_core.ts';
import { forkLauncher } from '../../src/main/engine/host/engine_process.ts';
import { dispatch, type EventName } from '../../src/shared/ipc/index.ts';
import { sharedData } from '../helpers/data.ts';

let dataDir: string;
let core: StudioCore;
const events: Array<{ event: EventName; payload: unknown }> = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-core-'));
  core = await startStudioCore({
    version: '9.9.9',
    transport: 'websocket',
    dataDir,
    launcher: forkLauncher(),
    broadcast: (event, payload) => events.push({ event, payload }),
  });
});

afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function finished(jobId: string): Promise<{ outcome: string; datasetId: string }> {
  const end = Date.now() + 60_000;
  for (;;) {
    const hit = events.find(
      (e) => e.event === 'datasets.finished' && (e.payload as { jobId: string }).jobId === jobId,
    );
    if (hit) return hit.payload as { outcome: string; datasetId: string };
    if (Date.now() > end) throw new Error('no datasets.finished event');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the host core (web host and Electron main share it)', () => {
  it('imports through the contract, stores the dataset atomically, lists, gets and removes it', async () => {
    const started = await dispatch(core.handlers, 'datasets.import', {
      paths: [sharedData('nottingham', 'ABC_original', 'slip.abc')],
      codec: 'abc',
    });
    expect(started.ok).toBe(true);
    const { jobId, datasetId } = (started as { result: { jobId: string; datasetId: string } }).result;
    expect(await finished(jobId)).toMatchObject({ outcome: 'done', datasetId });
    expect(events.some((e) => e.event === 'datasets.progress')).toBe(true);
    expect(events.some((e) => e.event === 'engine.status')).toBe(true);

    // One record, no temp file left behind.
    expect(readdirSync(path.join(dataDir, 'datasets'))).toEqual([`${datasetId}.json`]);
    const list = await dispatch(core.handlers, 'datasets.list', {});
    expect(list).toMatchObject({
      ok: true,
      result: { datasets: [{ id: datasetId, name: 'slip.abc', codec: 'abc' }] },
    });
    const got = await dispatch(core.handlers, 'datasets.get', { id: datasetId });
    expect(got).toMatchObject({ ok: true, result: { stats: { items: 11, files: 1 } } });

    expect(await dispatch(core.handlers, 'datasets.remove', { id: datasetId })).toEqual({
      ok: true,
      result: { removed: true },
    });
    expect(await dispatch(core.handlers, 'datasets.get', { id: datasetId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('answers typed errors: bad payloads, path-like ids, no dialog in the web host, unknown jobs', async () => {
    expect(await dispatch(core.handlers, 'datasets.import', { paths: [], codec: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'bad_payload' },
    });
    expect(await dispatch(core.handlers, 'datasets.get', { id: '../../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'bad_payload' },
    });
    expect(await dispatch(core.handlers, 'dialog.openPaths', { kind: 'files' })).toMatchObject({
      ok: false,
      error: { code: 'unsupported' },
    });
    expect(await dispatch(core.handlers, 'jobs.cancel', { jobId: 'no-such-job' })).toEqual({
      ok: true,
      result: { cancelled: false },
    });
    expect(await dispatch(core.handlers, 'engine.status', {})).toMatchObject({
      ok: true,
      result: { state: 'running' },
    });
  });

  it('fails the running import with a message when the engine dies, and serves again after the restart', async () => {
    const started = await dispatch(core.handlers, 'datasets.import', {
      paths: [sharedData('maestro', '2004')],
      codec: 'performance',
    });
    const { jobId } = (started as { result: { jobId: string } }).result;
    process.kill(core.engine.pid!, 'SIGKILL');
    const end = await finished(jobId);
    expect(end).toMatchObject({ outcome: 'failed' });
    expect((end as { message?: string }).message).toContain('SIGKILL');
    const again = await dispatch(core.handlers, 'datasets.import', {
      paths: [sharedData('nottingham', 'ABC_original', 'slip.abc')],
      codec: 'abc',
      name: 'After the crash',
    });
    expect(again.ok).toBe(true);
    const { jobId: next } = (again as { result: { jobId: string } }).result;
    expect(await finished(next)).toMatchObject({ outcome: 'done' });
  });
});

describe('the data folder', () => {
  it('is --data-dir, else $CONTINUO_DATA_DIR, else the per-user default', () => {
    expect(chooseDataDir('/a', { CONTINUO_DATA_DIR: '/b' }, '/c')).toBe(path.resolve('/a'));
    expect(chooseDataDir(undefined, { CONTINUO_DATA_DIR: '/b' }, '/c')).toBe(path.resolve('/b'));
    expect(chooseDataDir(undefined, {}, '/c')).toBe(path.resolve('/c'));
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/continuo');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/continuo');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Continuo');
  });
});
