import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A built studio served by its web host to a headless Chromium page. */
export interface StudioPage {
  page: Page;
  close(): Promise<void>;
}

/** Builds the studio into `outDir` (electron-vite, as `npm run build` does). */
function buildStudio(outDir: string): void {
  const build = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) throw new Error('`electron-vite build` failed (see above)');
  // The web host rebuilds when a source is newer than the build; this one is fresh by definition.
  const now = new Date();
  utimesSync(path.join(outDir, 'renderer/index.html'), now, now);
}

/** Starts the web host on a free port with its own data folder; resolves its tokened URL. */
function startHost(outDir: string, dataDir: string): { host: ChildProcess; url: Promise<string> } {
  const host = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts/web.mjs'), '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CONTINUO_OUT_DIR: outDir },
    },
  );
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error('the web host did not print its URL within 60 s')),
      60_000,
    );
    host.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    host.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited early (code ${code})`));
    });
  });
  return { host, url };
}

async function stopHost(host: ChildProcess): Promise<void> {
  if (host.exitCode !== null || host.signalCode !== null) return;
  const exited = new Promise((resolve) => host.once('exit', resolve));
  host.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
}

/**
 * Builds the UI, starts the web host with a temporary data folder (as scripts/e2e.mjs does) and
 * opens the studio in headless Chromium (system Chromium: $CONTINUO_CHROMIUM or /usr/bin/chromium).
 */
export async function openStudioPage(width = 1600, height = 900): Promise<StudioPage> {
  const executablePath = process.env['CONTINUO_CHROMIUM'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`No Chromium at ${executablePath} (set CONTINUO_CHROMIUM)`);
  const work = mkdtempSync(path.join(tmpdir(), 'continuo-editor-bench-'));
  const outDir = path.join(work, 'out');
  const dataDir = path.join(work, 'data');
  let host: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    if (host) await stopHost(host);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    process.stderr.write('editor bench: building the studio...\n');
    buildStudio(outDir);
    const started = startHost(outDir, dataDir);
    host = started.host;
    const url = await started.url;
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width, height } });
    // tsx names functions with a `__name` helper that the page lacks; functions sent to it need one.
    await page.addInitScript('window.__name = (fn) => fn;');
    await page.goto(url);
    await page.waitForFunction(
      "Boolean(window.__continuo && 'openProject' in window.__continuo && 'roll' in window.__continuo)",
      undefined,
      { timeout: 60_000 },
    );
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
