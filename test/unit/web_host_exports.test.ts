import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src/web/host.ts';

let host: WebHost;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'continuo-web-exports-'));
  mkdirSync(path.join(root, 'renderer'));
  mkdirSync(path.join(root, 'exports'));
  writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'exports', 'tune-1.mid'), Buffer.from('MThd'));
  writeFileSync(path.join(root, 'secret.txt'), 'no');
  host = await startWebHost({
    rendererDir: path.join(root, 'renderer'),
    exportsDir: path.join(root, 'exports'),
  });
});

afterAll(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

describe('web host exports', () => {
  it('downloads an exported file with the token, as an attachment', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/exports/tune-1.mid?token=${host.token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="tune-1.mid"');
    expect(response.headers.get('content-type')).toBe('audio/midi');
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('MThd');
  });

  it('refuses without the token and never leaves the exports folder', async () => {
    expect((await fetch(`http://127.0.0.1:${host.port}/exports/tune-1.mid`)).status).toBe(401);
    for (const bad of [
      '/exports/..%2Fsecret.txt',
      '/exports/%2e%2e/secret.txt',
      '/exports/',
      '/exports/none.mid',
    ]) {
      const response = await fetch(`http://127.0.0.1:${host.port}${bad}?token=${host.token}`);
      expect(response.status, bad).toBe(404);
    }
  });
});
