import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** The Content-Type for a file of the built renderer, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * What the page gets when there is no built renderer yet. Plain HTML: the policy forbids inline
 * scripts and styles, and it needs neither.
 */
export function notBuiltPage(staticDir: string): string {
  const escaped = staticDir.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Enscale SSH — renderer not built</title></head>
<body>
<h1>Enscale SSH: the renderer is not built yet</h1>
<p>The browser host is running and its core is ready, but <code>${escaped}</code> holds no built
renderer to show.</p>
<p>Build the renderer into that folder, then reload this page; or restart the host with
<code>npm run start:web -- --static DIR</code> pointing at a folder that holds a built renderer
(its <code>index.html</code> and assets).</p>
</body>
</html>
`;
}

type Resolved = { file: string } | { status: 400 | 404 };

/**
 * The file a request's path names inside `root`, or why there is none. A path that climbs out
 * (`..`, also percent-encoded), holds a backslash or a NUL, or reaches outside through a symlink is
 * refused; a folder serves its `index.html`, never a listing.
 */
export async function resolveStaticPath(root: string, requestUrl: string): Promise<Resolved> {
  const rawPath = requestUrl.split(/[?#]/, 1)[0] ?? '';
  if (!rawPath.startsWith('/')) return { status: 400 };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400 };
  }
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return { status: 400 };
  const inside = (base: string, candidate: string) => {
    const rel = relative(base, candidate);
    return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { status: 404 };
  }
  let file = join(realRoot, path);
  if (!inside(realRoot, file)) return { status: 400 };
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const real = await realpath(file);
    if (!inside(realRoot, real) || !(await stat(real)).isFile()) return { status: 404 };
    return { file: real };
  } catch {
    return { status: 404 };
  }
}

/** Serves a GET or HEAD for a file under `root`, with `headers` on every answer. */
export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  headers: Record<string, string>,
): Promise<void> {
  const resolved = await resolveStaticPath(root, request.url ?? '/');
  if ('status' in resolved) {
    const message = resolved.status === 400 ? 'Bad request.\n' : 'Not found.\n';
    response.writeHead(resolved.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(message);
    return;
  }
  const { size } = await stat(resolved.file);
  response.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(resolved.file),
    'Content-Length': String(size),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(resolved.file)
    .on('error', () => response.destroy())
    .pipe(response);
}
