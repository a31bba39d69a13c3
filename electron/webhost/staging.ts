import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sameToken } from './access.ts';

/** Batch ids are the page's own random names for one drop; nothing else may reach the file system. */
const BATCH = /^[A-Za-z0-9-]{8,64}$/;
const MAX_PATH_BYTES = 4096;

/**
 * A dropped file's path inside its batch, as the page names it (`folder/sub/file.txt`), or undefined
 * when it could leave the batch or is not a plain relative path.
 */
export function stagedRelativePath(name: string): string | undefined {
  if (!name || Buffer.byteLength(name) > MAX_PATH_BYTES || /[\\\0]/.test(name)) return undefined;
  const parts = name.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..' || Buffer.byteLength(part) > 255))
    return undefined;
  return parts.join('/');
}

export interface StagingAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Where a browser puts files dropped on the page, for the core to upload from: the browser host's
 * stand-in for Electron's `webUtils.getPathForFile`. The page streams each file (the renderer never
 * reads its bytes) to `POST /stage?batch=ID&name=REL` with the page's token in `X-Enscale-Token`; the
 * body is written to a temporary name and renamed when complete, and the answer is its local path.
 * `DELETE /stage?batch=ID` removes a batch once its upload is done.
 */
export class StagingArea {
  constructor(
    private readonly dir: string,
    private readonly origin: string,
    private readonly token: string,
  ) {}

  /** Whether this request is the staging area's to answer. */
  handles(request: IncomingMessage): boolean {
    return (request.url ?? '').split('?', 1)[0] === '/stage';
  }

  async answer(request: IncomingMessage): Promise<StagingAnswer> {
    const given = request.headers['x-enscale-token'];
    if (typeof given !== 'string' || !sameToken(given, this.token))
      return {
        status: 401,
        body: { error: 'A missing or wrong token: reload the page the browser host printed.' },
      };
    // A form on another site cannot set the token header, but its Origin would show it anyway.
    if (request.headers.origin !== this.origin)
      return { status: 403, body: { error: 'Only the browser host’s own page may stage files.' } };
    const url = new URL(request.url ?? '/', this.origin);
    const batch = url.searchParams.get('batch') ?? '';
    if (!BATCH.test(batch)) return { status: 400, body: { error: 'The batch id is not valid.' } };
    const root = join(this.dir, batch);
    if (request.method === 'DELETE') {
      await rm(root, { recursive: true, force: true });
      return { status: 200, body: {} };
    }
    if (request.method !== 'POST') return { status: 405, body: { error: 'Use POST or DELETE.' } };
    const relative = stagedRelativePath(url.searchParams.get('name') ?? '');
    if (!relative) return { status: 400, body: { error: 'The file name is not a plain relative path.' } };
    const path = join(root, ...relative.split('/'));
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const partial = `${path}.${randomUUID()}.staging`;
    try {
      // The folders (0700) keep other users out. The file's own mode is what the upload gives the
      // file on the node, and a browser cannot tell the original's: the usual 0644 (less the
      // umask), not 0600, which would hide an uploaded web page from the node's web server.
      await pipeline(request, createWriteStream(partial, { mode: 0o644, flags: 'wx' }));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { status: 200, body: { path, root } };
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function sendJson(
  response: ServerResponse,
  headers: Record<string, string>,
  answer: StagingAnswer,
): void {
  response.writeHead(answer.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(answer.body));
}
