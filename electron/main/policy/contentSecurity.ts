import { pageHeaders } from '../../../shared/src/pagePolicy.ts';

/** The window's policy: `pageHeaders`' (shared with the browser host), with no WebSocket. */
export const CONTENT_SECURITY_POLICY = pageHeaders()['Content-Security-Policy'] ?? '';

/** Headers on every answer of the `app://` protocol. */
export function appResponseHeaders(): Record<string, string> {
  return pageHeaders();
}
