import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/data.ts';

/**
 * A new user's set-up on a machine that cannot download the Electron binary: a fresh copy of
 * the repository (every file git tracks or would track, as a clone of the committed tree has),
 * `npm ci` against the committed lock file, then `npm install` and `npm start`.
 *
 * The download failure is real: ELECTRON_MIRROR points at a closed port, so electron's
 * install.js fails exactly as it does without network to GitHub (ELECTRON_SKIP_BINARY_DOWNLOAD
 * is removed from the environment). Packages come from the npm cache when it has them
 * (`--prefer-offline`; CI's own install has just filled it), which keeps the test at 1.5-2 minutes
 * on an idle 2-core machine without changing what npm resolves, checks or runs. The time limits
 * are wider: on a machine busy with other work npm ci alone has taken 3.5 minutes.
 */

const UNREACHABLE_MIRROR = 'http://127.0.0.1:9/';

let clone: string;
let env: NodeJS.ProcessEnv;

function npm(args: string[], timeout = 150_000): { code: number | null; output: string } {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: clone,
    env,
    encoding: 'utf8',
    timeout,
  });
  return { code: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** The repository's files as a clone would have them (tracked, plus new files not ignored). */
function copyRepository(target: string): void {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    try {
      cpSync(path.join(REPO_ROOT, file), path.join(target, file));
    } catch (error) {
      // A file git still lists but a parallel edit just deleted: a clone would not have it either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

describe('install on a machine without the Electron download', () => {
  let started: ChildProcess | undefined;

  beforeAll(() => {
    clone = mkdtempSync(path.join(os.tmpdir(), 'continuo-install-'));
    copyRepository(clone);
    // An empty download cache: a zip cached by an earlier install would make the download "work".
    const electronCache = path.join(clone, '.electron-cache');
    mkdirSync(electronCache);
    // CI=true: `npm start` prints the URL without trying to open a browser.
    env = {
      ...process.env,
      ELECTRON_MIRROR: UNREACHABLE_MIRROR,
      electron_config_cache: electronCache,
      CI: 'true',
    };
    delete env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
    delete env['npm_config_electron_skip_binary_download'];
  });

  afterAll(() => {
    if (started?.pid !== undefined && started.exitCode === null) process.kill(-started.pid, 'SIGTERM');
    // node_modules is large: a background `rm` lets the suite go on while it is deleted.
    if (process.platform === 'win32') rmSync(clone, { recursive: true, force: true });
    else spawn('rm', ['-rf', clone], { detached: true, stdio: 'ignore' }).unref();
  });

  it('npm ci accepts the committed lock file and says in one line that Electron was not downloaded', () => {
    const run = npm(['ci'], 270_000);
    expect(run.code, run.output).toBe(0);
    const notes = run.output
      .split('\n')
      .filter((line) => line.includes('Electron binary was not downloaded'));
    expect(notes, run.output).toHaveLength(1);
    expect(notes[0]).toContain('ECONNREFUSED');
    // The JS package is there (the build and type-checking need it), its binary is not.
    expect(readFileSync(path.join(clone, 'node_modules/electron/package.json'), 'utf8')).toContain(
      '"name": "electron"',
    );
  }, 280_000);

  it('npm install succeeds too and leaves the lock file as committed', () => {
    const before = readFileSync(path.join(clone, 'package-lock.json'), 'utf8');
    const run = npm(['install'], 150_000);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Electron binary was not downloaded');
    expect(readFileSync(path.join(clone, 'package-lock.json'), 'utf8')).toBe(before);
  }, 160_000);

  it('npm start serves the studio in the browser and prints its URL', async () => {
    const dataDir = path.join(clone, '.data');
    started = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], {
      cwd: clone,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The first start builds the UI: about 15 s on an idle 2-core machine, minutes on a loaded one.
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 150 s:\n${output}`)), 150_000);
      started?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Continuo studio: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      started?.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
    });
    expect(output).toContain('the studio opens in your browser');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Continuo</title>');
    // The page's own script loads too (same token cookie).
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html);
    expect(script, html).not.toBeNull();
    const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? '';
    const asset = await fetch(new URL(script![1], url), { headers: { cookie } });
    expect(asset.status).toBe(200);
    if (started.pid !== undefined) process.kill(-started.pid, 'SIGTERM');
    await new Promise((resolve) => started?.once('exit', resolve));
  }, 180_000);
});
