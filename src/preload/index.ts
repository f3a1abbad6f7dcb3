import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RawBridge } from '../shared/ipc/api.ts';
import type { Response } from '../shared/ipc/envelope.ts';
import { BRIDGE_GLOBAL, EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc/channels.ts';
import { DRAG_OUT_CHANNEL, DRAG_OUT_GLOBAL } from '../shared/ipc/drag_out_channel.ts';

/**
 * The one object the renderer gets: a request function and an event subscription, both over
 * fixed channels. No raw ipcRenderer, no channel names from the page; main validates everything.
 */
const bridge: RawBridge = {
  invoke(method: string, payload: unknown): Promise<Response> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, String(method), payload) as Promise<Response>;
  },
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (typeof name === 'string') listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);

/**
 * Drag-out of a `.mid` (a track or the selection): the page calls this from its dragstart;
 * main validates the notes, writes the file and starts the native drag (webContents.startDrag).
 */
contextBridge.exposeInMainWorld(DRAG_OUT_GLOBAL, {
  start(payload: unknown): void {
    ipcRenderer.send(DRAG_OUT_CHANNEL, payload);
  },
});
