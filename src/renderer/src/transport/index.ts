import { createApi, type ContinuoApi } from '../../../shared/ipc/api.ts';
import { createWebSocketBridge } from './websocket_bridge.ts';

/**
 * The studio's one API object: the Electron preload bridge when it exists, else a WebSocket
 * to the local web host that served this page. Both speak the same validated contract.
 */
export function connectApi(): ContinuoApi {
  const bridge = window.continuo ?? createWebSocketBridge(webSocketUrl(window.location));
  return createApi(bridge);
}

/** The web host's socket URL: same host, `/ws`, carrying the page's token when it has one. */
export function webSocketUrl(location: Location): string {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  return url.toString();
}
