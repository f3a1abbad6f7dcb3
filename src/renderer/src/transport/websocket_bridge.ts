import type { RawBridge, Unsubscribe } from '../../../shared/ipc/api.ts';
import { HostMessageSchema, type Response } from '../../../shared/ipc/envelope.ts';

/** A failed response for requests the socket could not carry. */
function disconnected(message: string): Response {
  return { ok: false, error: { code: 'disconnected', message } };
}

/**
 * A raw bridge over a WebSocket to the web host. Connects lazily, and again after a drop;
 * requests in flight when the socket closes resolve with a `disconnected` error.
 */
export function createWebSocketBridge(url: string): RawBridge {
  const pending = new Map<number, (response: Response) => void>();
  const listeners = new Set<(event: string, payload: unknown) => void>();
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let nextId = 1;

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const message = HostMessageSchema.safeParse(json);
    if (!message.success) return;
    if (message.data.type === 'event') {
      for (const listener of listeners) listener(message.data.event, message.data.payload);
      return;
    }
    const { id, response } = message.data;
    if (id === null) return;
    const resolve = pending.get(id);
    pending.delete(id);
    resolve?.(response);
  }

  function open(): Promise<WebSocket> {
    if (opened && socket && socket.readyState <= WebSocket.OPEN) return opened;
    const ws = new WebSocket(url);
    socket = ws;
    opened = new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(ws), { once: true });
      ws.addEventListener('close', (event) => {
        reject(new Error(`The studio host closed the connection (code ${event.code})`));
        for (const resolvePending of pending.values())
          resolvePending(disconnected('Connection to the host lost'));
        pending.clear();
        if (socket === ws) {
          socket = undefined;
          opened = undefined;
        }
      });
    });
    ws.addEventListener('message', (event) => onMessage(event.data));
    return opened;
  }

  return {
    async invoke(method, payload) {
      let ws: WebSocket;
      try {
        ws = await open();
      } catch (error) {
        return disconnected(error instanceof Error ? error.message : String(error));
      }
      const id = nextId++;
      return new Promise<Response>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, payload }));
      });
    },
    subscribe(listener): Unsubscribe {
      listeners.add(listener);
      void open().catch(() => undefined);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
