import { BrowserWindow, dialog, type WebContents } from 'electron';

/**
 * Closing a window whose page has unsaved changes: the page's `beforeunload` asks to stay, and
 * Electron then only cancels the close silently. Ask the musician instead, natively.
 */
export function guardUnsavedClose(contents: WebContents): void {
  contents.on('will-prevent-unload', (event) => {
    const window = BrowserWindow.fromWebContents(contents);
    const options = {
      type: 'question' as const,
      buttons: ['Close without saving', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'The project has unsaved changes.',
      detail: 'Close anyway? The latest autosave is offered the next time Continuo starts.',
    };
    const choice = window ? dialog.showMessageBoxSync(window, options) : dialog.showMessageBoxSync(options);
    // preventDefault here ignores the page's beforeunload: the window closes.
    if (choice === 0) event.preventDefault();
  });
}
