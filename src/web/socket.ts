import type { RawData, WebSocket } from 'ws';
import {
  RequestEnvelopeSchema,
  RequestIdSchema,
  describeIssues,
  dispatch,
  failure,
  type Handlers,
  type Response,
  type ResponseEnvelope,
} from '../shared/ipc/index.ts';

/** Sends one response envelope, if the socket is still open. */
function reply(socket: WebSocket, id: number | null, response: Response): void {
  if (socket.readyState !== socket.OPEN) return;
  const envelope: ResponseEnvelope = { type: 'response', id, response };
  socket.send(JSON.stringify(envelope));
}

/** The request id of a malformed message, when one can be read, so the error still correlates. */
function salvageId(json: unknown): number | null {
  if (typeof json !== 'object' || json === null || !Object.prototype.hasOwnProperty.call(json, 'id'))
    return null;
  const id = RequestIdSchema.safeParse((json as { id: unknown }).id);
  return id.success ? id.data : null;
}

/**
 * Answers one WebSocket's requests through the contract. Every message gets exactly one
 * response; malformed ones get a typed `bad_request`, and nothing a client sends can throw here.
 */
export function serveSocket(socket: WebSocket, handlers: Handlers): void {
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      reply(socket, null, failure({ code: 'bad_request', message: 'Binary messages are not accepted' }));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      reply(socket, null, failure({ code: 'bad_request', message: 'The message is not valid JSON' }));
      return;
    }
    const envelope = RequestEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      reply(
        socket,
        salvageId(json),
        failure({
          code: 'bad_request',
          message: 'The message is not a request envelope {id, method, payload}',
          issues: describeIssues(envelope.error),
        }),
      );
      return;
    }
    const { id, method, payload } = envelope.data;
    void dispatch(handlers, method, payload).then((response) => reply(socket, id, response));
  });
  // A socket error (e.g. an oversized frame) closes that socket only; the host keeps serving.
  socket.on('error', () => socket.terminate());
}
