// Opens a URL in the default browser where a way to do so exists; never fails when none does
// (a server, CI, a container): the URL is printed anyway.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** True when `command` is an executable on PATH. */
function onPath(command) {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of extensions) {
      try {
        accessSync(path.join(dir, command + ext), constants.X_OK);
        return true;
      } catch {
        // Not in this folder.
      }
    }
  }
  return false;
}

/** The command that opens a URL on this platform, or undefined (none, or no display, or CI). */
function opener(url) {
  if (process.env.CI || process.env.CONTINUO_NO_OPEN) return undefined;
  if (process.platform === 'darwin') return onPath('open') ? ['open', [url]] : undefined;
  // `start`'s first quoted argument is a window title, hence the empty one.
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', `"${url}"`]];
  const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  return hasDisplay && onPath('xdg-open') ? ['xdg-open', [url]] : undefined;
}

/** Opens `url` in the background; a missing or failing opener is ignored. */
export function openInBrowser(url) {
  const command = opener(url);
  if (!command) return;
  try {
    const child = spawn(command[0], command[1], {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: process.platform === 'win32',
    });
    child.once('error', () => undefined);
    child.unref();
  } catch {
    // The URL is printed; opening it is a convenience.
  }
}
