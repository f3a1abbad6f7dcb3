import {
  engineEvents,
  type EngineEventName,
  type EngineEventPayloadOf,
  type HandlersOf,
  type engineRequests,
} from '../../../shared/ipc/index.ts';
import type { JobRegistry } from './jobs.ts';

/** The engine's handlers: one per request of the engine contract. */
export type EngineHandlers = HandlersOf<typeof engineRequests>;

/** What every handler module gets: a way to push events, and the job registry. */
export interface EngineContext {
  /** Pushes an event to the host; a payload that breaks the contract is logged, not sent. */
  emit<E extends EngineEventName>(event: E, payload: EngineEventPayloadOf<E>): void;
  jobs: JobRegistry;
}

/** Builds `emit` over a raw send, validating every payload against the engine contract. */
export function eventEmitter(send: (message: unknown) => void): EngineContext['emit'] {
  return (event, payload) => {
    const checked = engineEvents[event].safeParse(payload);
    if (checked.success) {
      send({ type: 'event', event, payload: checked.data });
      return;
    }
    const message = `engine event ${event} breaks the contract: ${checked.error.message.slice(0, 500)}`;
    send({ type: 'event', event: 'app.log', payload: { level: 'error', source: 'engine', message } });
  };
}
