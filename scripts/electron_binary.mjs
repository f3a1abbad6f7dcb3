// The Electron binary: where it is, and fetching it with electron's own install.js. npm does not
// run that script itself (package.json `allowScripts` denies it), because its failed download
// would fail the whole `npm install`; scripts/postinstall.mjs and `npm start -- --fetch-electron`
// run it here instead and tolerate the failure.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronDir = path.join(root, 'node_modules', 'electron');

/** A download that stalls (a silently dropped connection) must not hang `npm install` forever. */
const DOWNLOAD_TIMEOUT_MS = Number(process.env.CONTINUO_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 600_000);

/** True when the electron npm package (not necessarily its binary) is installed. */
export function electronPackageInstalled() {
  return existsSync(path.join(electronDir, 'install.js'));
}

/** The Electron executable, or undefined when the binary was never downloaded. */
export function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)(electronDir);
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs electron's install.js (it honours ELECTRON_MIRROR, ELECTRON_SKIP_BINARY_DOWNLOAD and its
 * download cache). `verbose` shows its output; otherwise it is kept for the one-line reason.
 * Resolves to `{ ok: true }` or `{ ok: false, reason }`; never rejects.
 */
export function fetchElectron({ verbose = false } = {}) {
  if (!electronPackageInstalled()) {
    return Promise.resolve({ ok: false, reason: 'the electron package is not installed' });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', verbose ? 'inherit' : 'pipe', verbose ? 'inherit' : 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), DOWNLOAD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && electronBinary()) resolve({ ok: true });
      else if (code === 0) resolve({ ok: false, reason: skippedReason() });
      else if (signal) resolve({ ok: false, reason: `no download after ${DOWNLOAD_TIMEOUT_MS / 1000} s` });
      else resolve({ ok: false, reason: firstLine(output) ?? `install.js exited with code ${code}` });
    });
  });
}

function skippedReason() {
  return process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
    ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
    : 'install.js finished without a binary';
}

/** The error's first line (e.g. "RequestError: connect ECONNREFUSED 127.0.0.1:9"), without the stack. */
function firstLine(text) {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !l.startsWith('at '));
  return line === undefined ? undefined : line.slice(0, 200);
}
