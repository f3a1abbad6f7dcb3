import { expect, test } from '@playwright/test';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { webHostUnderTest } from './web_host_env.ts';

const host = webHostUnderTest();

/** Opens a WebSocket and reports how the handshake ended: 'open' or the HTTP status it got. */
function handshake(url: string, origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}

/** A raw GET with chosen headers and an unnormalised path. */
function get(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves 'refused' when nothing accepts TCP connections at address:port. */
function probe(address: string, port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', () => resolve('refused'));
    socket.on('timeout', () => {
      socket.destroy();
      resolve('refused');
    });
  });
}

const wsUrl = `ws://127.0.0.1:${host.port}/ws`;

test('a WebSocket with the token and the host origin opens', async () => {
  expect(await handshake(`${wsUrl}?token=${host.token}`, host.origin)).toBe('open');
});

test('a WebSocket without the token, or with a wrong one, is refused', async () => {
  expect(await handshake(wsUrl, host.origin)).toBe(401);
  expect(await handshake(`${wsUrl}?token=${'x'.repeat(host.token.length)}`, host.origin)).toBe(401);
});

test('a WebSocket from a foreign or missing Origin is refused even with the token', async () => {
  expect(await handshake(`${wsUrl}?token=${host.token}`, 'http://evil.example')).toBe(403);
  expect(await handshake(`${wsUrl}?token=${host.token}`, `http://127.0.0.1:${host.port + 1}`)).toBe(403);
  expect(await handshake(`${wsUrl}?token=${host.token}`, undefined)).toBe(403);
});

test('HTTP requests need the token, the right Host and no foreign Origin; paths cannot escape', async () => {
  const ownHost = `127.0.0.1:${host.port}`;
  expect(await get(`/?token=${host.token}`, { Host: ownHost })).toBe(200);
  expect(await get('/', { Host: ownHost })).toBe(401);
  expect(await get(`/?token=${host.token}`, { Host: `attacker.example:${host.port}` })).toBe(403);
  expect(await get(`/?token=${host.token}`, { Host: ownHost, Origin: 'http://evil.example' })).toBe(403);
  expect(await get(`/%2e%2e/package.json?token=${host.token}`, { Host: ownHost })).toBe(404);
  expect(await get(`/..%2fpackage.json?token=${host.token}`, { Host: ownHost })).toBe(404);
});

test('the host listens on 127.0.0.1 only', async () => {
  expect(await probe('127.0.0.1', host.port)).toBe('connected');
  // All of 127/8 is loopback on Linux: a socket bound to 0.0.0.0 would accept 127.0.0.2 too.
  if (process.platform === 'linux') expect(await probe('127.0.0.2', host.port)).toBe('refused');
  const external = Object.values(networkInterfaces())
    .flat()
    .flatMap((entry) => (entry && !entry.internal ? [entry.address] : []));
  for (const address of external) expect(await probe(address, host.port), address).toBe('refused');
});
