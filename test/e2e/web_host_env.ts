import { readFileSync } from 'node:fs';

/** The running web host that scripts/e2e.mjs started for these tests. */
export interface WebHostUnderTest {
  /** `http://127.0.0.1:PORT/?token=...` */
  url: string;
  origin: string;
  port: number;
  token: string;
}

/** Reads CONTINUO_WEB_URL; the tests cannot run without the host `npm run test:e2e` starts. */
export function webHostUnderTest(): WebHostUnderTest {
  const raw = process.env['CONTINUO_WEB_URL'];
  if (!raw) throw new Error('CONTINUO_WEB_URL is not set: run these tests with `npm run test:e2e`.');
  const url = new URL(raw);
  const token = url.searchParams.get('token');
  if (!token) throw new Error(`CONTINUO_WEB_URL has no token: ${raw}`);
  return { url: raw, origin: url.origin, port: Number(url.port), token };
}

/** The version in package.json, which the status bar must show. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
