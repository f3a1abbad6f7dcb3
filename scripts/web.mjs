#!/usr/bin/env node
// `npm run web [-- --port N]`: builds the studio UI when it is missing or older than its
// sources, then serves it to a browser on 127.0.0.1 through the TypeScript web host (run by tsx).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
// CONTINUO_OUT_DIR lets parallel test runs build into folders of their own (default: out).
const outDir = path.resolve(root, process.env.CONTINUO_OUT_DIR ?? 'out');
process.env.CONTINUO_OUT_DIR = outDir;
const builtIndex = path.join(outDir, 'renderer/index.html');

/** Latest modification time of any file under `dir`. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const sources = ['src/renderer', 'src/shared'].map((dir) => path.join(root, dir));
// CONTINUO_WEB_NO_REBUILD=1: the caller has just built (scripts/e2e.mjs); sources edited since
// must not start a second build that outlasts the caller's wait for the URL.
const stale =
  !existsSync(builtIndex) ||
  (process.env.CONTINUO_WEB_NO_REBUILD !== '1' &&
    Math.max(...sources.map(newestMtime)) > statSync(builtIndex).mtimeMs);
if (stale) {
  process.stderr.write('Building the studio UI (out/renderer is missing or older than its sources)...\n');
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (build.status !== 0) {
    process.stderr.write('continuo web: the UI build failed (see above)\n');
    process.exit(build.status ?? 1);
  }
}

register();
await import('../src/web/cli.ts');
