#!/usr/bin/env node
// `npm run test:e2e [-- playwright args]`: builds the studio, starts the web host on a free
// port, runs the Playwright tests against it (CONTINUO_WEB_URL), then stops the host.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// CONTINUO_OUT_DIR: build into a folder of its own, so parallel runs do not overwrite each other.
const outDir = path.resolve(root, process.env.CONTINUO_OUT_DIR ?? 'out');
const chromium = process.env.CONTINUO_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `e2e: no Chromium at ${chromium}: install it (apt-get install chromium) or set CONTINUO_CHROMIUM.`,
  );
  process.exit(1);
}

const build = spawnSync(
  process.execPath,
  [`${root}/node_modules/electron-vite/bin/electron-vite.js`, 'build', '--outDir', outDir],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) {
  console.error('e2e: `electron-vite build` failed');
  process.exit(build.status ?? 1);
}

// A fresh data folder (datasets, token cache) per run, so tests start from an empty Library.
const dataDir = mkdtempSync(path.join(tmpdir(), 'continuo-e2e-data-'));
const host = spawn(process.execPath, [`${root}/scripts/web.mjs`, '--port', '0', '--data-dir', dataDir], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  // No shipped models unless a test asks for them (CONTINUO_SHIPPED_MODELS=path): an empty Library.
  env: {
    CONTINUO_SHIPPED_MODELS: 'none',
    ...process.env,
    CONTINUO_OUT_DIR: outDir,
    CONTINUO_WEB_NO_REBUILD: '1',
  },
});
/** Stops the host and its engine, and removes the data folder. */
async function stopHost() {
  if (host.exitCode === null && host.signalCode === null) {
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
const url = await new Promise((resolve, reject) => {
  let output = '';
  const timer = setTimeout(() => reject(new Error('the web host did not print its URL within 30 s')), 30_000);
  host.stdout.on('data', (chunk) => {
    output += chunk;
    const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
  host.once('exit', (code) => reject(new Error(`the web host exited early (code ${code})`)));
}).catch(async (error) => {
  console.error(`e2e: ${error.message}`);
  await stopHost();
  process.exit(1);
});

const playwright = spawn(
  process.execPath,
  [`${root}/node_modules/@playwright/test/cli.js`, 'test', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      CONTINUO_WEB_URL: url,
      CONTINUO_E2E_DATA_DIR: dataDir,
      CONTINUO_E2E_HOST_PID: String(host.pid),
    },
  },
);
const code = await new Promise((resolve) => playwright.once('exit', (status) => resolve(status ?? 1)));
await stopHost();
process.exit(code);
