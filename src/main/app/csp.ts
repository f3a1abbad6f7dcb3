/**
 * The one inline `<style>` the studio allows, by hash: the fixed rule abcjs puts in every
 * engraved SVG (no text selection while dragging notes).
 */
export const ABCJS_STYLE_HASH = "'sha256-BCpnf71gZdCsSCHDzyB1RsBbZ0qQdqseK6v+yJsgg30='";

/**
 * The renderer's Content-Security-Policy, sent by both hosts: only the app's own scripts, styles
 * and connections (`'self'` covers the web host's same-origin WebSocket).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${ABCJS_STYLE_HASH}`,
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
