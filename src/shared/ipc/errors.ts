import { z } from 'zod';

/** Why a request failed; stable codes the UI can branch on. */
export const IpcErrorCodeSchema = z.enum([
  /** The message is not a well-formed request envelope (not JSON, wrong shape). */
  'bad_request',
  /** The method is not part of the contract. */
  'unknown_method',
  /** The payload does not match the method's schema. */
  'bad_payload',
  /** The handler failed, or produced a result that breaks the contract. */
  'internal',
  /** The host refused the caller (no token, foreign origin). */
  'forbidden',
  /** The connection to the host is gone. */
  'disconnected',
  /** This host cannot do that (e.g. a native dialog in the browser). */
  'unsupported',
  /** The thing asked for does not exist (e.g. an unknown dataset id). */
  'not_found',
  /** The engine process is down (crashed or stopped) and the request could not run. */
  'engine_unavailable',
  /** The thing is in use (e.g. a model while it trains). */
  'busy',
  /** A file given to open is not what it should be (e.g. a corrupt or foreign model file). */
  'invalid_file',
]);
/** Why a request failed. */
export type IpcErrorCode = z.infer<typeof IpcErrorCodeSchema>;

/** A typed, serialisable error: what crosses the wire instead of a thrown exception. */
export const IpcErrorBodySchema = z.strictObject({
  code: IpcErrorCodeSchema,
  message: z.string().max(4000),
  /** Where the payload broke the schema, one short line each. */
  issues: z.array(z.string().max(500)).max(50).optional(),
});
/** A typed, serialisable error. */
export type IpcErrorBody = z.infer<typeof IpcErrorBodySchema>;

/** The error a client-side request rejects with; carries the wire error's code. */
export class IpcError extends Error {
  readonly code: IpcErrorCode;
  readonly issues: readonly string[];

  constructor(body: IpcErrorBody) {
    super(body.message);
    this.name = 'IpcError';
    this.code = body.code;
    this.issues = body.issues ?? [];
  }
}

/** Short one-line descriptions of zod issues (path: message), capped so a huge payload gives a small error. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.').slice(0, 200) : '(root)';
    return `${where}: ${issue.message.slice(0, 250)}`;
  });
}
