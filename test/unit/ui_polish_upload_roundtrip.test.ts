/**
 * The page's upload loop against the real contract, handlers and upload store in-process
 * (validation both ways, as over the WebSocket): files arrive, a refused one is named with its
 * reason while the rest goes on, Cancel stops between files, and a lost upload says so.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetUploads } from '../../src/main/app/dataset_uploads.ts';
import { createHandlers } from '../../src/main/app/handlers.ts';
import { createApi, type ContinuoApi } from '../../src/shared/ipc/api.ts';
import { dispatch } from '../../src/shared/ipc/dispatch.ts';
import { uploadFiles, type UploadProgress } from '../../src/renderer/src/lib/dataset_upload.ts';
import { fromFileList } from '../../src/renderer/src/lib/dataset_upload_rules.ts';

let dir: string;
let api: ContinuoApi;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'continuo-upload-roundtrip-'));
  const handlers = createHandlers(
    { version: '0.0.0', transport: 'websocket' },
    { uploads: new DatasetUploads(path.join(dir, 'uploads')) },
  );
  api = createApi({
    invoke: (method, payload) => dispatch(handlers, method, payload),
    subscribe: () => () => undefined,
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => new File([text], name);

describe('uploadFiles through the contract', () => {
  it('sends every file into one folder, names a refused one and goes on', async () => {
    const seen: UploadProgress[] = [];
    const result = await uploadFiles(
      api,
      fromFileList([file('a.mid', 'MThd-a'), file('bad:name.mid', 'x'), file('b.abc', 'X:1\nK:D\nabc|')]),
      (progress) => seen.push(progress),
    );
    expect(result.files).toBe(2);
    expect(result.cancelled).toBe(false);
    expect(result.refused).toHaveLength(1);
    expect(result.refused[0].name).toBe('bad:name.mid');
    expect(result.refused[0].reason).toMatch(/no \.\., .*: or NUL/);
    expect(readdirSync(result.folder!).sort()).toEqual(['a.mid', 'b.abc']);
    expect(readFileSync(path.join(result.folder!, 'a.mid'), 'utf8')).toBe('MThd-a');
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2, 3]);
    expect(seen.at(-1)).toEqual({ done: 3, total: 3, name: '' });
  });

  it('stops between files when cancelled', async () => {
    const controller = new AbortController();
    const result = await uploadFiles(
      api,
      fromFileList([file('a.mid', 'one'), file('b.mid', 'two'), file('c.mid', 'three')]),
      (progress) => {
        if (progress.done === 1) controller.abort();
      },
      controller.signal,
    );
    expect(result.cancelled).toBe(true);
    expect(result.files).toBe(1);
    expect(readdirSync(result.folder!)).toEqual(['a.mid']);
  });

  it('says so when the host has no such upload, and sends nothing more into it', async () => {
    // A host that restarted between two files: a fresh store that never saw the first upload.
    const first = await uploadFiles(api, fromFileList([file('a.mid', 'one')]), () => undefined);
    const restarted = createHandlers(
      { version: '0.0.0', transport: 'websocket' },
      { uploads: new DatasetUploads(path.join(dir, 'uploads')) },
    );
    const later = createApi({
      invoke: (method, payload) =>
        dispatch(restarted, method, {
          ...(payload as object),
          uploadId: path.basename(first.folder!),
        }),
      subscribe: () => () => undefined,
    });
    const result = await uploadFiles(
      later,
      fromFileList([file('b.mid', 'two'), file('c.mid', 'three')]),
      () => undefined,
    );
    expect(result.files).toBe(0);
    expect(result.refused.map((r) => r.name)).toEqual(['b.mid', 'c.mid']);
    expect(result.refused[0].reason).toMatch(/no longer open/);
    expect(result.refused[1].reason).toMatch(/interrupted/);
  });
});
