/**
 * What the page's uploads need of the wire, without the DOM: a file's bytes as base64 (the
 * contract's `dataBase64`), and a failed request as a sentence.
 */
import { IpcError } from '../../../shared/ipc/errors.ts';

/** A readable sentence from a failed request (a refused payload says which rule it broke). */
export function errorText(error: unknown): string {
  if (error instanceof IpcError && error.issues.length && error.code === 'bad_payload')
    return `${error.message} (${error.issues[0]})`;
  return error instanceof Error ? error.message : String(error);
}

/** Bytes as base64, in chunks (String.fromCharCode on a whole big file would overflow the stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
