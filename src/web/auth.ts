import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh random access token (192 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time token comparison; false for anything that is not a same-length string. */
export function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The cookie that carries the token after the first page load (named per port: cookies ignore ports). */
export function cookieName(port: number): string {
  return `continuo_token_${port}`;
}

/** One cookie's value from a request's Cookie header. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The host names this server answers to (DNS-rebinding guard): loopback on its own port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** True when the Host header names this server. */
export function hostAllowed(request: IncomingMessage, port: number): boolean {
  return allowedHosts(port).includes(request.headers.host ?? '');
}

/**
 * True when the Origin header, if any, is this server itself. `required` rejects a missing
 * Origin (WebSocket upgrades: browsers always send one).
 */
export function originAllowed(request: IncomingMessage, port: number, required: boolean): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return !required;
  return allowedHosts(port).some((host) => origin === `http://${host}`);
}

/** Where a request's token came from, if it has a valid one. */
export type TokenSource = 'query' | 'cookie' | undefined;

/** Checks the `?token=` query parameter, then the cookie. */
export function tokenSource(request: IncomingMessage, url: URL, token: string, port: number): TokenSource {
  if (tokenMatches(url.searchParams.get('token'), token)) return 'query';
  if (tokenMatches(readCookie(request, cookieName(port)), token)) return 'cookie';
  return undefined;
}
