import { ipcMain, type WebContents, type WebFrameMain } from 'electron';
import {
  EVENT_CHANNEL,
  INVOKE_CHANNEL,
  dispatch,
  events,
  failure,
  type EventName,
  type EventPayloadOf,
  type Handlers,
} from '../../shared/ipc/index.ts';

/**
 * Answers the renderer's requests on the one invoke channel, validated against the contract.
 * Requests from frames that are not the app (`isAppUrl`) get a typed `forbidden` error.
 */
export function serveIpc(handlers: Handlers, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, payload: unknown) => {
    const frame: WebFrameMain | null = event.senderFrame;
    if (!frame || !isAppUrl(frame.url)) {
      return failure({ code: 'forbidden', message: 'Request from a frame outside the app' });
    }
    return dispatch(handlers, method, payload);
  });
}

/** Pushes a contract event to one window, after checking its payload against the schema. */
export function sendEvent<E extends EventName>(
  contents: WebContents,
  event: E,
  payload: EventPayloadOf<E>,
): void {
  const checked = events[event].parse(payload);
  contents.send(EVENT_CHANNEL, event, checked);
}
