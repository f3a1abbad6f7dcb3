import { BrowserWindow, dialog, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { ParsedPayloadOf } from '../../shared/ipc/index.ts';

/** The native open dialog for music files or folders; resolves with no paths when cancelled. */
export async function openPathsDialog({ kind }: ParsedPayloadOf<'dialog.openPaths'>): Promise<string[]> {
  const options: OpenDialogOptions = {
    title: kind === 'files' ? 'Import music files' : 'Import music folders',
    properties: kind === 'files' ? ['openFile', 'multiSelections'] : ['openDirectory', 'multiSelections'],
    ...(kind === 'files' ? { filters: [{ name: 'MIDI and ABC', extensions: ['mid', 'midi', 'abc'] }] } : {}),
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** The native save dialog for an exported variation; resolves with undefined when cancelled. */
export async function saveExportDialog(
  suggestedName: string,
  format: 'mid' | 'abc',
): Promise<string | undefined> {
  const options: SaveDialogOptions = {
    title: 'Export generated music',
    defaultPath: suggestedName,
    filters: [
      format === 'mid' ? { name: 'MIDI', extensions: ['mid'] } : { name: 'ABC', extensions: ['abc'] },
    ],
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return result.canceled ? undefined : result.filePath;
}

/** The native save dialog for a one-file model export; resolves with undefined when cancelled. */
export async function saveModelDialog(suggestedName: string): Promise<string | undefined> {
  const options: SaveDialogOptions = {
    title: 'Export model',
    defaultPath: suggestedName,
    filters: [{ name: 'Continuo model', extensions: ['continuo-model'] }],
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return result.canceled ? undefined : result.filePath;
}

/** The native open dialog for a model file to import; resolves with undefined when cancelled. */
export async function openModelDialog(): Promise<string | undefined> {
  const options: OpenDialogOptions = {
    title: 'Import a model',
    properties: ['openFile'],
    filters: [{ name: 'Continuo model', extensions: ['continuo-model'] }],
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

/** The native open dialog for a project, or a MIDI/ABC file to open as one; undefined when cancelled. */
export async function openProjectDialog(): Promise<string | undefined> {
  const options: OpenDialogOptions = {
    title: 'Open a project or a music file',
    properties: ['openFile'],
    filters: [
      { name: 'Projects, MIDI and ABC', extensions: ['continuo', 'mid', 'midi', 'abc'] },
      { name: 'Continuo project', extensions: ['continuo'] },
      { name: 'MIDI', extensions: ['mid', 'midi'] },
      { name: 'ABC', extensions: ['abc'] },
    ],
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

/** The native save dialog for a project file; undefined when cancelled. */
export async function saveProjectDialog(suggestedName: string): Promise<string | undefined> {
  const options: SaveDialogOptions = {
    title: 'Save project',
    defaultPath: suggestedName,
    filters: [{ name: 'Continuo project', extensions: ['continuo'] }],
  };
  const window = BrowserWindow.getFocusedWindow();
  const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  return result.canceled ? undefined : result.filePath;
}
