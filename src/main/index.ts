import { BrowserWindow, app, dialog } from 'electron';
import { fileURLToPath } from 'node:url';
import { chooseDataDir } from './app/data_dir.ts';
import {
  openModelDialog,
  openPathsDialog,
  openProjectDialog,
  saveExportDialog,
  saveModelDialog,
  saveProjectDialog,
} from './app/dialog.ts';
import { serveDragOut } from './app/drag_out.ts';
import { guardUnsavedClose } from './app/unsaved_guard.ts';
import { utilityLauncher } from './app/engine_launcher.ts';
import { sendEvent, serveIpc } from './app/ipc.ts';
import { startStudioCore, type StudioCore } from './app/studio_core.ts';
import { shippedModelsDir } from './app/shipped_models.ts';
import { installMenu } from './app/menu.ts';
import { LaunchFileQueue, launchFile, launchFilesFromArgv } from './app/launch_files.ts';
import type { LaunchFile } from '../shared/ipc/index.ts';
import { hardenSession, lockNavigation } from './app/security.ts';

/** Set by `electron-vite dev`: the renderer is served by Vite with hot reload. */
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const preloadFile = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

/** True for the app's own pages: the built renderer file, or the dev server in development. */
function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin;
    return parsed.protocol === 'file:' && fileURLToPath(parsed) === rendererFile;
  } catch {
    return false;
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'Continuo',
    show: false,
    backgroundColor: '#16181d',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // No middle-click: it would open links in new windows (which lockNavigation denies anyway).
      disableBlinkFeatures: 'Auxclick',
      // Live MIDI and a jam keep their timing while the window is in the background.
      backgroundThrottling: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // The page listens once it has (re)loaded: files asked to open before then wait for it.
  window.webContents.on('did-finish-load', () => launchFiles.ready(deliverLaunchFile));
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererFile);
  return window;
}

app.enableSandbox();

/** Files to open (double-click, "Open with", the dock), kept until a studio page listens. */
const launchFiles = new LaunchFileQueue();
// One studio per data folder: a second launch hands its files to the first one and quits. A
// separate --data-dir is a separate studio, so it runs on its own.
const firstInstance = dataDirFlag() !== undefined || app.requestSingleInstanceLock();
if (!firstInstance) app.quit();
launchFiles.push(
  ...launchFilesFromArgv(process.argv, { cwd: process.cwd(), defaultApp: process.defaultApp }),
);
app.on('second-instance', (_event, argv, workingDirectory) => {
  launchFiles.push(...launchFilesFromArgv(argv, { cwd: workingDirectory, defaultApp: process.defaultApp }));
  showWindow();
});
// macOS hands files over by this event, also before `ready` (the file that started the app).
app.on('open-file', (event, file) => {
  event.preventDefault();
  const launched = launchFile(file, process.cwd());
  if (launched) launchFiles.push(launched);
  if (app.isReady()) showWindow();
});

/** Sends a file to open to the studio window; false when there is none. */
function deliverLaunchFile(file: LaunchFile): boolean {
  const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  if (!window || window.webContents.isLoading()) return false;
  sendEvent(window.webContents, 'app.openFile', file);
  return true;
}

/** Brings the studio window to the front (a new one where all were closed, on macOS). */
function showWindow(): void {
  const window = BrowserWindow.getAllWindows()[0];
  if (!window) {
    if (core) createWindow();
    return;
  }
  if (window.isMinimized()) window.restore();
  window.focus();
}

app.on('web-contents-created', (_event, contents) => {
  // Every web contents (the window, and anything created later) is locked to the app.
  lockNavigation(contents, isAppUrl);
  guardUnsavedClose(contents);
});

/** `--data-dir DIR` on the command line, if given. */
function dataDirFlag(): string | undefined {
  const index = process.argv.indexOf('--data-dir');
  return index >= 0 ? process.argv[index + 1] : undefined;
}

let core: StudioCore | undefined;

void app
  .whenReady()
  .then(async () => {
    if (!firstInstance) return;
    hardenSession(Boolean(devServerUrl));
    installMenu(Boolean(devServerUrl));
    core = await startStudioCore({
      version: app.getVersion(),
      transport: 'electron',
      dataDir: chooseDataDir(dataDirFlag(), process.env, app.getPath('userData')),
      shippedModelsDir: shippedModelsDir({
        env: process.env,
        resourcesPath: app.isPackaged ? process.resourcesPath : undefined,
        repoRoot: app.getAppPath(),
      }),
      launcher: utilityLauncher(),
      broadcast: (event, payload) => {
        for (const window of BrowserWindow.getAllWindows()) sendEvent(window.webContents, event, payload);
      },
      openPaths: openPathsDialog,
      saveDialog: saveExportDialog,
      saveModelDialog,
      openModelDialog,
      openProjectDialog,
      saveProjectDialog,
    });
    serveIpc(core.handlers, isAppUrl);
    serveDragOut(core.projects, isAppUrl);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  })
  .catch((error: unknown) => {
    // E.g. an unwritable data folder: say why instead of a window that cannot work.
    dialog.showErrorBox('Continuo cannot start', error instanceof Error ? error.message : String(error));
    app.quit();
  });

app.on('will-quit', () => {
  void core?.close();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
