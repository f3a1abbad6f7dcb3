import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
};

/**
 * Maps a URL path to a file inside `root`, or undefined when it would escape it
 * (`..`, encoded slashes, NUL). `/` is `index.html`.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  const base = path.resolve(root);
  return file.startsWith(base + path.sep) ? file : undefined;
}

/** Sends a file from `root` (GET/HEAD), or a 404; HTML is never cached, hashed assets are. */
export async function sendStatic(
  root: string,
  urlPath: string,
  response: ServerResponse,
  headOnly: boolean,
): Promise<void> {
  const file = resolveStaticPath(root, urlPath);
  const info = file ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not found');
    return;
  }
  const ext = path.extname(file).toLowerCase();
  const body = await readFile(file);
  response.writeHead(200, {
    'Content-Type': MIME_TYPES[ext] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': ext === '.html' ? 'no-store' : 'private, max-age=31536000, immutable',
  });
  response.end(headOnly ? undefined : body);
}

/** Sends a file from `root` as a download (attachment, never cached), or a 404. */
export async function sendDownload(
  root: string,
  urlPath: string,
  response: ServerResponse,
  headOnly: boolean,
): Promise<void> {
  const file = resolveStaticPath(root, urlPath);
  const info = file && urlPath !== '/' ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not found');
    return;
  }
  const body = await readFile(file);
  const name = path.basename(file).replace(/[^\w.-]/g, '_');
  response.writeHead(200, {
    'Content-Type': downloadType(path.extname(file)),
    'Content-Length': body.length,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
  response.end(headOnly ? undefined : body);
}

/** The MIME type of an exported file: ABC text, a zipped model, else MIDI. */
function downloadType(ext: string): string {
  if (ext === '.abc') return 'text/vnd.abc; charset=utf-8';
  if (ext === '.continuo-model') return 'application/zip';
  return 'audio/midi';
}
