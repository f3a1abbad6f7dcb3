import { z } from 'zod';
import { IpcErrorBodySchema } from './errors.ts';

/**
 * Wire envelopes shared by both transports: a request names a method and carries a payload;
 * a response is either `{ ok: true, result }` or `{ ok: false, error }`; an event names itself.
 */

/** Correlates a response with its request over a message stream. */
export const RequestIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A request as it arrives from the UI: the method is checked against the contract later. */
export const RequestEnvelopeSchema = z.strictObject({
  id: RequestIdSchema,
  method: z.string().min(1).max(100),
  payload: z.unknown().optional(),
});
/** A request as it arrives from the UI. */
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

/** The outcome of one request: a result, or a typed error. */
export const ResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: IpcErrorBodySchema }),
]);
/** The outcome of one request. */
export type Response = z.infer<typeof ResponseSchema>;

/** A response over a message stream (WebSocket): `id` is null when the request's id was unreadable. */
export const ResponseEnvelopeSchema = z.strictObject({
  type: z.literal('response'),
  id: RequestIdSchema.nullable(),
  response: ResponseSchema,
});
/** A response over a message stream. */
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

/** An event pushed by the host over a message stream. */
export const EventEnvelopeSchema = z.strictObject({
  type: z.literal('event'),
  event: z.string().min(1).max(100),
  payload: z.unknown(),
});
/** An event pushed by the host over a message stream. */
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

/** Anything the host sends over a message stream. */
export const HostMessageSchema = z.discriminatedUnion('type', [ResponseEnvelopeSchema, EventEnvelopeSchema]);
/** Anything the host sends over a message stream. */
export type HostMessage = z.infer<typeof HostMessageSchema>;
