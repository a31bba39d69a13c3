import { pageHeaders } from '../../shared/src/pagePolicy.ts';

/** The desktop window's headers (`pageHeaders`), plus the WebSocket to this host's own origin. */
export function securityHeaders(origin: string): Record<string, string> {
  return pageHeaders(origin.replace(/^http:/, 'ws:'));
}
