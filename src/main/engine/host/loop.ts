import {
  EngineRequestMessageSchema,
  dispatchIn,
  engineRequests,
  failure,
} from '../../../shared/ipc/index.ts';
import { eventEmitter } from './context.ts';
import { engineHandlerTable } from './handlers/index.ts';
import { JobRegistry } from './jobs.ts';
import type { ParentLink } from './parent_link.ts';

/**
 * The engine's message loop: validates each request against the engine contract, runs its
 * handler and sends exactly one response; events go out as handlers emit them. Nothing the
 * host sends can throw here. Sends `ready` once listening.
 */
export function serveEngine(link: ParentLink): void {
  const context = { emit: eventEmitter((message) => link.send(message)), jobs: new JobRegistry() };
  const handlers = engineHandlerTable(context);
  link.onMessage((message) => {
    const request = EngineRequestMessageSchema.safeParse(message);
    if (!request.success) {
      context.emit('app.log', {
        level: 'error',
        source: 'engine',
        message: 'the engine got a message that is not a request envelope',
      });
      return;
    }
    const { id, method, payload } = request.data;
    void dispatchIn(engineRequests, handlers, method, payload)
      .catch((error: unknown) => failure({ code: 'internal', message: String(error).slice(0, 1000) }))
      .then((response) => link.send({ type: 'response', id, response }));
  });
  link.send({ type: 'ready', pid: process.pid });
}
