import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The app data folder's layout: main owns every file in it. */
export interface DataDirLayout {
  root: string;
  /** One JSON record per imported dataset. */
  datasets: string;
  models: string;
  projects: string;
  /** The engine's token cache (derived data: safe to delete). */
  tokenCache: string;
  settings: string;
  /** Generated music written by Export when no path is given (the web host serves it for download). */
  exports: string;
}

/**
 * The default per-user data folder outside Electron: `$XDG_DATA_HOME/continuo` (or
 * `~/.local/share/continuo`) on Linux, `~/Library/Application Support/Continuo` on macOS,
 * `%APPDATA%\Continuo` on Windows.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Continuo');
  if (platform === 'win32')
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Continuo');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'continuo');
}

/** The data folder to use: `--data-dir`, else `$CONTINUO_DATA_DIR`, else `fallback` (a default). */
export function chooseDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, fallback: string): string {
  return path.resolve(flag || env.CONTINUO_DATA_DIR || fallback);
}

/** The layout of a data folder (paths only). */
export function dataDirLayout(root: string): DataDirLayout {
  return {
    root,
    datasets: path.join(root, 'datasets'),
    models: path.join(root, 'models'),
    projects: path.join(root, 'projects'),
    tokenCache: path.join(root, 'cache', 'tokens'),
    settings: path.join(root, 'settings.json'),
    exports: path.join(root, 'exports'),
  };
}

/** Creates the data folder and its sub-folders when missing, and returns its layout. */
export async function prepareDataDir(root: string): Promise<DataDirLayout> {
  const layout = dataDirLayout(root);
  for (const dir of [layout.datasets, layout.models, layout.projects, layout.tokenCache, layout.exports]) {
    await mkdir(dir, { recursive: true });
  }
  return layout;
}
