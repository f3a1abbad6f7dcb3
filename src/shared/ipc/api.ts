import {
  events,
  requests,
  type EventName,
  type EventPayloadOf,
  type Method,
  type PayloadOf,
  type ResultOf,
} from './contract.ts';
import { IpcError, describeIssues } from './errors.ts';
import type { Response } from './envelope.ts';

/** Stops listening to an event. */
export type Unsubscribe = () => void;

/**
 * The raw bridge a transport provides (Electron preload or WebSocket): untyped on the wire,
 * made typed by `createApi`. `invoke` resolves with a response envelope and never rejects
 * for a failed request.
 */
export interface RawBridge {
  invoke(method: string, payload: unknown): Promise<Response>;
  subscribe(listener: (event: string, payload: unknown) => void): Unsubscribe;
}

/** The typed API the studio UI talks to; it cannot tell which transport is underneath. */
export interface ContinuoApi {
  /** Sends a request; resolves with its validated result or rejects with an `IpcError`. */
  request<M extends Method>(method: M, ...payload: PayloadArgs<M>): Promise<ResultOf<M>>;
  /** Listens to one event; payloads that break the contract are dropped. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloadOf<E>) => void): Unsubscribe;
}

/** Requests whose payload may be omitted take it as an optional argument. */
type PayloadArgs<M extends Method> =
  undefined extends PayloadOf<M> ? [payload?: PayloadOf<M>] : [payload: PayloadOf<M>];

/** Wraps a raw bridge in the typed API, validating results and events with the contract's schemas. */
export function createApi(bridge: RawBridge): ContinuoApi {
  return {
    async request(method, ...args) {
      const response = await bridge.invoke(method, args[0]);
      if (!response.ok) throw new IpcError(response.error);
      const checked = requests[method].result.safeParse(response.result);
      if (!checked.success) {
        throw new IpcError({
          code: 'internal',
          message: `${method}: the host's result breaks the contract`,
          issues: describeIssues(checked.error),
        });
      }
      return checked.data as ResultOf<typeof method>;
    },
    on(event, listener) {
      return bridge.subscribe((name, payload) => {
        if (name !== event) return;
        const checked = events[event].safeParse(payload);
        if (checked.success) listener(checked.data as EventPayloadOf<typeof event>);
      });
    },
  };
}
