import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh 256-bit token for the page's URL: whoever has it may drive the core. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * Compares in constant time. Both sides are hashed first, so neither the content nor the length of
 * the expected token shows in how long a wrong guess takes.
 */
export function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface Refusal {
  status: 401 | 403 | 404;
  message: string;
}

/**
 * Why a WebSocket upgrade may not reach the core, or null when it may: the right path, the page's
 * token, and the host's own page asking. Browsers always send `Origin` on an upgrade and pages cannot
 * forge it, so another site open in the same browser is refused even if it learnt the token. The
 * `Host` check closes DNS rebinding: a foreign name pointed at 127.0.0.1 still arrives as that name.
 */
export function refuseUpgrade(request: IncomingMessage, origin: string, token: string): Refusal | null {
  const url = new URL(request.url ?? '/', origin);
  if (url.pathname !== '/rpc') return { status: 404, message: 'Not found.' };
  const given = url.searchParams.get('token');
  if (!given || !sameToken(given, token)) {
    return { status: 401, message: 'A missing or wrong token: open the URL the browser host printed.' };
  }
  if (request.headers.origin !== origin || request.headers.host !== new URL(origin).host) {
    return { status: 403, message: 'Only the browser host’s own page may connect.' };
  }
  return null;
}
