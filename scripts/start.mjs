#!/usr/bin/env node
// `npm start`: builds and opens the desktop studio (`electron-vite preview`; `npm start -- --dev`
// runs `electron-vite dev` with hot reload). Where the Electron binary is absent it opens the
// same studio in the browser (the web host); `npm start -- --fetch-electron` downloads Electron
// first. Browser mode takes the web host's options (`--port N`, `--data-dir DIR`) and
// `--no-open` (print the URL only).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary, fetchElectron } from './electron_binary.mjs';
import { openInBrowser } from './open_url.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (args.includes('--fetch-electron') && !electronBinary()) {
  console.log('Continuo: downloading the Electron binary…');
  const result = await fetchElectron({ verbose: true });
  if (!result.ok) console.error(`Continuo: the download failed (${result.reason}).`);
}

if (electronBinary()) startDesktop();
else startInBrowser();

/** Runs a child to the end, passing Ctrl-C on, and exits with its code. */
function follow(child) {
  child.once('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

function startDesktop() {
  const mode = args.includes('--dev') ? 'dev' : 'preview';
  follow(
    spawn(process.execPath, [`${root}/node_modules/electron-vite/bin/electron-vite.js`, mode], {
      cwd: root,
      stdio: 'inherit',
    }),
  );
}

/** The web host's own options, passed through. */
function webHostArgs() {
  const passed = [];
  for (const flag of ['--port', '--data-dir']) {
    const index = args.indexOf(flag);
    if (index >= 0 && args[index + 1] !== undefined) passed.push(flag, args[index + 1]);
  }
  return passed;
}

function startInBrowser() {
  console.log(
    'Continuo: the Electron binary is not installed, so the studio opens in your browser ' +
      '(`npm start -- --fetch-electron` downloads Electron).',
  );
  const host = spawn(process.execPath, [`${root}/scripts/web.mjs`, ...webHostArgs()], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let opened = false;
  host.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (opened) return;
    output += chunk;
    const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
    if (match) {
      opened = true;
      if (!args.includes('--no-open')) openInBrowser(match[1]);
    }
  });
  follow(host);
}
