import { protocol } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, resolveAppFile } from './policy/appUrl.ts';
import { appResponseHeaders } from './policy/contentSecurity.ts';

/**
 * Registers `app:` as a standard, secure scheme: pages get a real origin (`app://enscale`) for
 * 'self' in the CSP and the same-origin policy, instead of `file://`, where every file is one origin.
 * Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer from `root` on `app://enscale/`, the CSP on every answer. */
export function serveApp(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const headers = appResponseHeaders();
    const plain = (status: number, text: string) =>
      new Response(`${text}\n`, {
        status,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      });
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
    if (!existsSync(root)) {
      return new Response(notBuiltPage(root), {
        status: 200,
        headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
      });
    }
    const resolved = await resolveAppFile(root, request.url);
    if ('status' in resolved)
      return plain(resolved.status, resolved.status === 400 ? 'Bad request.' : 'Not found.');
    try {
      const body = request.method === 'HEAD' ? null : await readFile(resolved.file);
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': resolved.contentType },
      });
    } catch {
      return plain(500, 'The file could not be read.');
    }
  });
}

/** What the window shows before the renderer is built; plain HTML, as the policy allows no inline code. */
function notBuiltPage(root: string): string {
  const escaped = root.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Enscale SSH — renderer not built</title></head>
<body>
<h1>Enscale SSH: the renderer is not built yet</h1>
<p>The desktop shell and its core are running, but <code>${escaped}</code> holds no built renderer.
Build the renderer into that folder and reload (Ctrl+Shift+R, or Cmd+R on macOS).</p>
</body>
</html>
`;
}
