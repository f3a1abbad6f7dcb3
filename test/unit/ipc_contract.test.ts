import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers.ts';
import {
  AppInfoSchema,
  IpcError,
  createApi,
  dispatch,
  isMethod,
  type Handlers,
  type RawBridge,
} from '../../src/shared/ipc/index.ts';

const handlers = createHandlers({ version: '1.2.3', transport: 'websocket' });

describe('dispatch', () => {
  it('answers app.info with a result that matches the contract', async () => {
    const response = await dispatch(handlers, 'app.info', undefined);
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    expect(AppInfoSchema.parse(response.result)).toEqual({
      version: '1.2.3',
      platform: process.platform,
      transport: 'websocket',
    });
    expect((await dispatch(handlers, 'app.info', {})).ok).toBe(true);
  });

  it('turns unknown methods, prototype keys and bad payloads into typed errors', async () => {
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 42, null, {}]) {
      const response = await dispatch(handlers, method, undefined);
      expect(response).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
    expect(isMethod('hasOwnProperty')).toBe(false);
    const bad = await dispatch(handlers, 'app.info', { extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_payload' } });
    if (!bad.ok) expect(bad.error.issues?.[0]).toMatch(/extra|Unrecognized/);
    expect(await dispatch(handlers, 'app.info', 'text')).toMatchObject({
      ok: false,
      error: { code: 'bad_payload' },
    });
  });

  it('reports a throwing handler or a result that breaks the contract as internal errors', async () => {
    const throwing: Handlers = {
      ...handlers,
      'app.info': () => {
        throw new Error('boom');
      },
    };
    expect(await dispatch(throwing, 'app.info', undefined)).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'app.info failed: boom' },
    });
    const lying = { 'app.info': () => ({ version: 1 }) } as unknown as Handlers;
    expect(await dispatch(lying, 'app.info', undefined)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});

describe('createApi', () => {
  const bridge: RawBridge = {
    invoke: (method, payload) => dispatch(handlers, method, payload),
    subscribe: () => () => undefined,
  };

  it('resolves with validated results and rejects failures with IpcError', async () => {
    const api = createApi(bridge);
    expect((await api.request('app.info')).version).toBe('1.2.3');
    const failing = createApi({
      ...bridge,
      invoke: (method) => dispatch(handlers, `${method}.x`, undefined),
    });
    await expect(failing.request('app.info')).rejects.toBeInstanceOf(IpcError);
    await expect(failing.request('app.info')).rejects.toMatchObject({ code: 'unknown_method' });
  });

  it('delivers only events whose payload matches the contract', () => {
    let emit: (event: string, payload: unknown) => void = () => undefined;
    const api = createApi({ ...bridge, subscribe: (listener) => ((emit = listener), () => undefined) });
    const seen: string[] = [];
    api.on('app.notice', (notice) => seen.push(notice.message));
    emit('app.notice', { level: 'info', message: 'hello' });
    emit('app.notice', { level: 'loud', message: 'dropped' });
    emit('other', { level: 'info', message: 'ignored' });
    expect(seen).toEqual(['hello']);
  });
});
