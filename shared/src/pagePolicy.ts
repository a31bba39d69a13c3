/**
 * The headers every page answer carries, in the desktop window (`app://`) and in the browser host
 * alike: only the app's own scripts, styles and files; connections only to the page's own origin
 * (plus, in the browser host, its WebSocket to the core — the desktop reaches the core over a
 * MessagePort); nothing may frame the page, change its base or post a form. The token in the
 * browser host's URL must not leave as a referrer, and nothing is cached.
 */
export function pageHeaders(webSocketOrigin?: string): Record<string, string> {
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    // xterm.js writes its theme and cell sizes into <style> elements it creates; styles cannot run
    // code, and scripts stay limited to the app's own files.
    "style-src 'self' 'unsafe-inline'",
    webSocketOrigin ? `connect-src 'self' ${webSocketOrigin}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
