/**
 * The window's policy: only the app's own scripts, styles and files; no connection anywhere (the
 * core is reached over a MessagePort, not the network); nothing may frame the page, change its base
 * or post a form. It matches the browser host's policy (electron/webhost/securityHeaders.ts) except
 * for the WebSocket the browser host needs; a test holds the two together.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // xterm.js writes its theme and cell sizes into <style> elements it creates; styles cannot run
  // code, and scripts stay limited to the app's own files.
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Headers on every answer of the `app://` protocol. */
export function appResponseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
