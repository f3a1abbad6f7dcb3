import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HostMessageSchema, type ResponseEnvelope } from '../../src/shared/ipc/index.ts';
import { MAX_MESSAGE_BYTES, startWebHost, type WebHost } from '../../src/web/host.ts';
import { resolveStaticPath } from '../../src/web/static_files.ts';

let host: WebHost;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(path.join(tmpdir(), 'continuo-web-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  host = await startWebHost({ rendererDir });
});

afterAll(async () => {
  await host.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** A connected, authorised socket that collects every response (not events) in arrival order. */
async function openClient(): Promise<{ socket: WebSocket; responses: ResponseEnvelope[] }> {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, {
    origin: `http://127.0.0.1:${host.port}`,
  });
  const responses: ResponseEnvelope[] = [];
  socket.on('message', (data) => {
    const message = HostMessageSchema.parse(JSON.parse(String(data)));
    if (message.type === 'response') responses.push(message);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, responses };
}

async function waitFor(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** 1,000 malformed messages: broken JSON, wrong types, missing fields, huge strings, __proto__ keys. */
function malformedMessages(): string[] {
  const huge = 'x'.repeat(300_000);
  const bodies: unknown[] = [
    null,
    42,
    'app.info',
    [],
    [{ id: 1, method: 'app.info' }],
    {},
    { id: 1 },
    { method: 'app.info' },
    { id: '1', method: 'app.info' },
    { id: -1, method: 'app.info' },
    { id: 1.5, method: 'app.info' },
    { id: 1, method: 7 },
    { id: 1, method: '' },
    { id: 1, method: huge },
    { id: 1, method: 'app.info', payload: huge },
    { id: 1, method: 'app.info', payload: { huge } },
    { id: 1, method: 'app.info', payload: [1, 2, 3] },
    { id: 1, method: 'app.info', payload: { nested: { deeper: [null] } } },
    { id: 1, method: 'app.info', payload: {}, extra: true },
    { id: 1, method: '__proto__' },
    { id: 1, method: 'constructor' },
    { id: 1, method: 'toString' },
    { id: 1, method: 'app.info.', payload: {} },
  ];
  const raw = [
    '',
    '{',
    'not json',
    '{"id":1,"method":"app.info","payload":{"__proto__":{"polluted":true}}}',
    '{"__proto__":{"polluted":true},"id":1,"method":"app.info"}',
    '{"id":1,"method":"app.info","payload":{"constructor":{"prototype":{"polluted":true}}}}',
    `{"id":1,"method":"app.info","payload":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    '\u0000\u0001',
  ];
  const all = [...bodies.map((body) => JSON.stringify(body)), ...raw];
  return Array.from({ length: 1000 }, (_, i) => all[i % all.length]);
}

describe('web host', () => {
  it('answers 1,000 malformed payloads with typed errors and keeps serving', async () => {
    const { socket, responses } = await openClient();
    const messages = malformedMessages();
    for (const message of messages) socket.send(message);
    await waitFor(() => responses.length >= messages.length);
    expect(responses).toHaveLength(1000);
    for (const { response } of responses) {
      expect(response.ok).toBe(false);
      if (!response.ok)
        expect(['bad_request', 'unknown_method', 'bad_payload']).toContain(response.error.code);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

    socket.send(JSON.stringify({ id: 7, method: 'app.info' }));
    await waitFor(() => responses.length === 1001);
    expect(responses[1000]).toMatchObject({
      id: 7,
      response: { ok: true, result: { transport: 'websocket' } },
    });
    socket.close();
  });

  it('correlates a bad payload with its request id', async () => {
    const { socket, responses } = await openClient();
    socket.send(JSON.stringify({ id: 99, method: 'app.info', payload: { x: 1 } }));
    socket.send(JSON.stringify({ id: 100, method: 5 }));
    await waitFor(() => responses.length === 2);
    // Envelope errors are answered at once, dispatched requests a tick later: match by id.
    const byId = new Map(responses.map((r) => [r.id, r.response]));
    expect(byId.get(99)).toMatchObject({ ok: false, error: { code: 'bad_payload' } });
    expect(byId.get(100)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    socket.close();
  });

  it('closes only the socket that sends an oversized frame', async () => {
    const { socket } = await openClient();
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    socket.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009);

    const next = await openClient();
    next.socket.send(JSON.stringify({ id: 1, method: 'app.info' }));
    await waitFor(() => next.responses.length === 1);
    expect(next.responses[0]?.response.ok).toBe(true);
    next.socket.close();
  });

  it('pushes contract events to connected pages', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, {
      origin: `http://127.0.0.1:${host.port}`,
    });
    const received = new Promise<unknown>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    await new Promise((resolve) => socket.once('open', resolve));
    host.broadcast('app.notice', { level: 'info', message: 'ready' });
    expect(await received).toEqual({
      type: 'event',
      event: 'app.notice',
      payload: { level: 'info', message: 'ready' },
    });
    socket.close();
  });

  it('keeps static paths inside the renderer folder', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe(path.resolve('/srv/r/index.html'));
    expect(resolveStaticPath('/srv/r', '/assets/a.js')).toBe(path.resolve('/srv/r/assets/a.js'));
    for (const bad of ['/../x', '/%2e%2e/x', '/..%2fx', '/a/../../x', '/%00', '/%E0%A4%A', '/..\\x']) {
      expect(resolveStaticPath('/srv/r', bad), bad).toBeUndefined();
    }
  });
});
