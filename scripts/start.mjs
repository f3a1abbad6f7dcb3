#!/usr/bin/env node
// `npm start`: builds and opens the desktop studio (`electron-vite preview`; `npm start -- --dev`
// runs `electron-vite dev` with hot reload). Without the Electron binary, points to `npm run web`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Electron executable, or undefined when the binary was never downloaded. */
function electronBinary() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

if (!electronBinary()) {
  console.error(
    'Continuo: the Electron binary is not installed here (node_modules/electron/dist is missing); ' +
      'run `npm run web` to open the studio in your browser instead.',
  );
  process.exit(1);
}

const mode = process.argv.includes('--dev') ? 'dev' : 'preview';
const child = spawn(process.execPath, [`${root}/node_modules/electron-vite/bin/electron-vite.js`, mode], {
  cwd: root,
  stdio: 'inherit',
});
child.once('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
