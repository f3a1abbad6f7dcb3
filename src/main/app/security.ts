import { session, type WebContents } from 'electron';

/** Only Web MIDI without sysex is granted; sysex can reflash devices, so it stays denied. */
function isAllowedPermission(permission: string, details: { sysex?: boolean }): boolean {
  return permission === 'midi' && details.sysex !== true;
}

/**
 * Denies every permission except MIDI (no sysex), and adds the CSP header to every response.
 * Under the Vite dev server (`devServer`) the header is left out: the dev page's own, relaxed
 * CSP meta tag lets Vite inject styles, and two policies would both apply.
 */
export function hardenSession(devServer: boolean): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isAllowedPermission(permission, details as { sysex?: boolean }));
  });
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isAllowedPermission(permission, details as { sysex?: boolean }),
  );
  if (devServer) return;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        // CONTENT_SECURITY_POLICY written out, so electronegativity can parse and check it;
        // test/unit/csp.test.ts keeps the two equal.
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-BCpnf71gZdCsSCHDzyB1RsBbZ0qQdqseK6v+yJsgg30='; img-src 'self' data: blob:; font-src 'self'; media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}

/**
 * Blocks navigation away from the app, new windows and webviews. `isAppUrl` says which URLs
 * are the app itself (the built file or the dev server), so a reload still works.
 */
export function lockNavigation(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
