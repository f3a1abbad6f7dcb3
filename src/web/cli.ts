import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chooseDataDir, defaultDataDir } from '../main/app/data_dir.ts';
import { shippedModelsDir } from '../main/app/shipped_models.ts';
import { startStudioCore } from '../main/app/studio_core.ts';
import { forkLauncher } from '../main/engine/host/engine_process.ts';
import { EXPORTS_PREFIX, startWebHost, type WebHost } from './host.ts';
import { packageVersion } from './package_version.ts';

/**
 * `npm run web [-- --port N] [-- --data-dir DIR]`: serves the built studio to this machine's
 * browser; the engine runs in a forked process. Data folder: `--data-dir`, `$CONTINUO_DATA_DIR`
 * or the per-user default.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer 0..65535, got ${JSON.stringify(values.port)}`);
  }
  const outDir = process.env['CONTINUO_OUT_DIR'] ?? fileURLToPath(new URL('../../out', import.meta.url));
  const rendererDir = `${outDir}/renderer`;
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error('The studio UI is not built (out/renderer is missing): run `npm run build`.');
  }
  // The core broadcasts through the host, which needs the core's handlers: bound once both exist.
  const hosted: { host?: WebHost } = {};
  const core = await startStudioCore({
    version: packageVersion(),
    transport: 'websocket',
    dataDir: chooseDataDir(values['data-dir'], process.env, defaultDataDir()),
    shippedModelsDir: shippedModelsDir({
      env: process.env,
      repoRoot: fileURLToPath(new URL('../..', import.meta.url)),
    }),
    launcher: forkLauncher(),
    broadcast: (event, payload) => hosted.host?.broadcast(event, payload),
    downloadUrl: (fileName) => `${EXPORTS_PREFIX}${encodeURIComponent(fileName)}`,
  });
  const host = await startWebHost({
    rendererDir,
    port,
    handlers: core.handlers,
    exportsDir: core.layout.exports,
  });
  hosted.host = host;
  process.stdout.write(`Continuo studio: ${host.url}\n`);
  process.stderr.write(`Data folder: ${core.layout.root}\n`);
  const stop = (): void => {
    void Promise.all([host.close(), core.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`continuo web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
