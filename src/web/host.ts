import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../main/app/csp.ts';
import { createHandlers } from '../main/app/handlers.ts';
import {
  events,
  type EventEnvelope,
  type EventName,
  type EventPayloadOf,
  type Handlers,
} from '../shared/ipc/index.ts';
import { cookieName, hostAllowed, newToken, originAllowed, tokenSource } from './auth.ts';
import { packageVersion } from './package_version.ts';
import { serveSocket } from './socket.ts';
import { sendDownload, sendStatic } from './static_files.ts';

/** The only address the web host listens on: the studio is for this machine's browser alone. */
export const WEB_HOST_ADDRESS = '127.0.0.1';
/** URL path under which exported files download. */
export const EXPORTS_PREFIX = '/exports/';
/** Largest WebSocket message accepted; a bigger frame closes that socket (code 1009). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Options of `startWebHost`. */
export interface WebHostOptions {
  /** Folder of the built renderer (`out/renderer`). */
  rendererDir: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Access token; a random one by default. */
  token?: string;
  /** The contract's handlers (see `startStudioCore`); by default only `app.info` works, without an engine. */
  handlers?: Handlers;
  /** The data folder's exports/: its files download from `/exports/NAME` (token required). */
  exportsDir?: string;
}

/** A running web host. */
export interface WebHost {
  /** The page to open: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  port: number;
  token: string;
  /** Pushes a contract event to every connected studio page. */
  broadcast<E extends EventName>(event: E, payload: EventPayloadOf<E>): void;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(message);
}

/** Refuses a WebSocket upgrade with a plain HTTP status before any WebSocket traffic. */
function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves the built studio UI and its IPC contract over a token-guarded WebSocket, on
 * 127.0.0.1 only. Requests without the token (query or cookie), from another Origin or for
 * another Host are refused.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newToken();
  const handlers = options.handlers ?? createHandlers({ version: packageVersion(), transport: 'websocket' });
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  sockets.on('connection', (socket: WebSocket) => serveSocket(socket, handlers));
  let port = 0;

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    if (!hostAllowed(request, port)) return refuse(response, 403, 'Unknown host');
    if (!originAllowed(request, port, false)) return refuse(response, 403, 'Foreign origin');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return refuse(response, 405, 'Method not allowed');
    const url = new URL(request.url ?? '/', `http://${WEB_HOST_ADDRESS}:${port}`);
    const source = tokenSource(request, url, token, port);
    if (!source) {
      return refuse(response, 401, 'Continuo: open the link with its token, as printed by `npm run web`.');
    }
    if (source === 'query') {
      response.setHeader('Set-Cookie', `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (url.pathname === '/ws') return refuse(response, 426, 'WebSocket upgrade required');
    if (options.exportsDir && url.pathname.startsWith(EXPORTS_PREFIX)) {
      const name = url.pathname.slice(EXPORTS_PREFIX.length - 1);
      return sendDownload(options.exportsDir, name, response, request.method === 'HEAD');
    }
    await sendStatic(options.rendererDir, url.pathname, response, request.method === 'HEAD');
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) refuse(response, 500, `Internal error: ${String(error)}`);
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', `http://${WEB_HOST_ADDRESS}:${port}`);
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(request, port) || !originAllowed(request, port, true)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    if (!tokenSource(request, url, token, port)) return refuseUpgrade(socket, 401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, WEB_HOST_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${WEB_HOST_ADDRESS}:${port}/?token=${token}`,
    port,
    token,
    broadcast(event, payload) {
      const envelope: EventEnvelope = { type: 'event', event, payload: events[event].parse(payload) };
      const text = JSON.stringify(envelope);
      for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(text);
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
