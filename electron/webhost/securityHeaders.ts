/**
 * The page may run only the host's own scripts and talk only to the host; nothing may frame it. The
 * token is in the page's URL, so no request may carry it on as a referrer, and nothing is cached.
 */
export function securityHeaders(origin: string): Record<string, string> {
  const wsOrigin = origin.replace(/^http:/, 'ws:');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      // As in the desktop window: xterm.js creates <style> elements; scripts stay the app's own.
      "style-src 'self' 'unsafe-inline'",
      `connect-src 'self' ${wsOrigin}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
