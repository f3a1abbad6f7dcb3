import type { z } from 'zod';
import { requests, type Method, type ParsedPayloadOf, type ResultOf } from './contract.ts';
import { IpcError, describeIssues, type IpcErrorBody } from './errors.ts';
import type { Response } from './envelope.ts';

/** The host's implementation of every request in the contract. */
export type Handlers = {
  [M in Method]: (payload: ParsedPayloadOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
};

/** A table of requests: name -> payload and result schemas (the UI contract, or the engine's). */
export type RequestTable = Readonly<Record<string, { payload: z.ZodType; result: z.ZodType }>>;

/** Handlers for every request of a table. */
export type HandlersOf<T extends RequestTable> = {
  [M in keyof T]: (
    payload: z.output<T[M]['payload']>,
  ) => Promise<z.output<T[M]['result']>> | z.output<T[M]['result']>;
};

/** A failed response with a typed error. */
export function failure(error: IpcErrorBody): Response {
  return { ok: false, error };
}

/**
 * Validates and runs one request of the UI contract: unknown methods, bad payloads, thrown
 * handlers and results that break the contract all become typed errors; this never throws.
 */
export function dispatch(handlers: Handlers, method: unknown, payload: unknown): Promise<Response> {
  return dispatchIn(requests, handlers as HandlersOf<typeof requests>, method, payload);
}

/**
 * `dispatch` for any request table. A handler that throws an `IpcError` keeps its code
 * (e.g. `not_found`, `unsupported`); any other exception becomes `internal`.
 */
export async function dispatchIn<T extends RequestTable>(
  table: T,
  handlers: HandlersOf<T>,
  method: unknown,
  payload: unknown,
): Promise<Response> {
  if (typeof method !== 'string' || !Object.prototype.hasOwnProperty.call(table, method)) {
    const shown = typeof method === 'string' ? JSON.stringify(method.slice(0, 100)) : typeof method;
    return failure({ code: 'unknown_method', message: `Unknown method ${shown}` });
  }
  const spec = table[method];
  const parsed = spec.payload.safeParse(payload);
  if (!parsed.success) {
    return failure({
      code: 'bad_payload',
      message: `Invalid payload for ${method}`,
      issues: describeIssues(parsed.error),
    });
  }
  let result: unknown;
  try {
    const handler = handlers[method] as (payload: unknown) => unknown;
    result = await handler(parsed.data);
  } catch (error) {
    if (error instanceof IpcError) {
      return failure({
        code: error.code,
        message: error.message.slice(0, 4000),
        ...(error.issues.length > 0 ? { issues: [...error.issues] } : {}),
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return failure({ code: 'internal', message: `${method} failed: ${message.slice(0, 1000)}` });
  }
  const checked = spec.result.safeParse(result);
  if (!checked.success) {
    return failure({
      code: 'internal',
      message: `${method} produced a result that breaks the contract`,
      issues: describeIssues(checked.error),
    });
  }
  return { ok: true, result: checked.data };
}
