import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
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

/** A batch request's list of names and sizes, at most (about 16,000 names of 255 bytes each). */
const MAX_LIST_BYTES = 4 << 20;

/** A request that cannot be read as a batch: answered 400. */
class BadBatch extends Error {}

/**
 * Where a browser puts files dropped on the page, for the core to upload from: the browser host's
 * stand-in for Electron's `webUtils.getPathForFile`. The page streams files (the renderer never reads
 * their bytes) with the page's token in `X-Enscale-Token`, either one per request
 * (`POST /stage?batch=ID&name=REL`, the body is the file) or many per request
 * (`POST /stage?batch=ID&files=list`, see `writeBatch`); each file is written to a temporary name and
 * renamed when complete, and the answer is the batch's local folder. `DELETE /stage?batch=ID` removes
 * a batch once its upload is done.
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
    if (url.searchParams.get('files') === 'list') {
      try {
        return { status: 200, body: { root, files: await writeBatch(request, root) } };
      } catch (error) {
        if (error instanceof BadBatch) return { status: 400, body: { error: error.message } };
        throw error;
      }
    }
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

/**
 * Many files in one request, so that 5,000 small files are not 5,000 requests (66 s before issue 20,
 * one POST per file, longer than their upload): a 4-byte big-endian length, that many bytes of UTF-8
 * JSON `[[name, size], …]`, then the files' bytes one after the other. Every name and size is checked
 * before anything is written, so a list with one bad entry writes nothing; each file goes to a
 * temporary name first and is renamed when complete, and a body that ends early or runs on leaves
 * no file under a final name that is not whole. Answers how many files were written.
 */
async function writeBatch(request: IncomingMessage, root: string): Promise<number> {
  const body = new BodyReader(request);
  const length = (await body.exactly(4)).readUInt32BE(0);
  if (length > MAX_LIST_BYTES) throw new BadBatch('The list of files is too long.');
  const files = parseList((await body.exactly(length)).toString('utf8'));
  const made = new Set<string>();
  // Small files are read whole and written WRITES_AT_ONCE at a time while the body reads on: one
  // after the other, open, write, close and rename of 5,000 files kept the request waiting on the
  // disk (11.8 s for 159 MiB, twice their upload).
  const writes = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for (const { relative, size } of files) {
      const path = join(root, ...relative.split('/'));
      const folder = dirname(path);
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true, mode: 0o700 });
        made.add(folder);
      }
      if (size > SMALL_STAGED) {
        await Promise.all(writes);
        await streamFile(body, size, path);
        continue;
      }
      const data = await body.exactly(size);
      while (writes.size >= WRITES_AT_ONCE) await Promise.race(writes);
      if (failure !== undefined) break;
      const write = writeWhole(path, data).then(
        () => undefined,
        (error: unknown) => {
          failure ??= error;
        },
      );
      writes.add(write);
      void write.finally(() => writes.delete(write));
    }
  } finally {
    // Whatever ends the request, the files it read whole are on the disk before it is answered.
    await Promise.all(writes);
  }
  if (failure !== undefined) throw failure;
  if (!(await body.ended())) throw new BadBatch('The request has more bytes than its list of files.');
  return files.length;
}

/** Files up to this size are held whole while written; larger ones are streamed to the disk. */
const SMALL_STAGED = 1 << 20;
/** Small files being written at once (libuv's four threads do the disk work). */
const WRITES_AT_ONCE = 16;

/** As for a single file: the usual 0644 (less the umask), the mode the upload gives it on the node. */
const STAGED_MODE = 0o644;

async function writeWhole(path: string, data: Buffer): Promise<void> {
  const partial = `${path}.${randomUUID()}.staging`;
  try {
    await writeFile(partial, data, { flag: 'wx', mode: STAGED_MODE });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

async function streamFile(body: BodyReader, size: number, path: string): Promise<void> {
  const partial = `${path}.${randomUUID()}.staging`;
  const out = await open(partial, 'wx', STAGED_MODE);
  try {
    await body.copy(size, out);
    await out.close();
    await rename(partial, path);
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

function parseList(text: string): { relative: string; size: number }[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new BadBatch('The list of files is not JSON.');
  }
  if (!Array.isArray(list)) throw new BadBatch('The list of files is not a list.');
  const seen = new Set<string>();
  return list.map((item: unknown) => {
    const [name, size] = Array.isArray(item) ? (item as unknown[]) : [];
    const relative = typeof name === 'string' ? stagedRelativePath(name) : undefined;
    if (!relative || seen.has(relative))
      throw new BadBatch('A file name is not a plain relative path, or comes twice.');
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new BadBatch(`The size of '${relative}' is not valid.`);
    seen.add(relative);
    return { relative, size };
  });
}

/** A request body read in exact lengths, without holding more of it than one chunk. */
class BodyReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private rest: Buffer = Buffer.alloc(0);

  constructor(request: IncomingMessage) {
    this.chunks = (request as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  private async more(): Promise<void> {
    const next = await this.chunks.next();
    if (next.done) throw new BadBatch('The request ended before its last file.');
    this.rest = this.rest.length ? Buffer.concat([this.rest, next.value]) : next.value;
  }

  async exactly(length: number): Promise<Buffer> {
    if (this.rest.length < length) {
      const parts = [this.rest];
      let have = this.rest.length;
      while (have < length) {
        const next = await this.chunks.next();
        if (next.done) throw new BadBatch('The request ended before its last file.');
        parts.push(next.value);
        have += next.value.length;
      }
      this.rest = Buffer.concat(parts, have);
    }
    const taken = this.rest.subarray(0, length);
    this.rest = this.rest.subarray(length);
    return taken;
  }

  /** Writes the next `size` bytes into `out`. */
  async copy(size: number, out: FileHandle): Promise<void> {
    for (let left = size; left > 0;) {
      if (this.rest.length === 0) await this.more();
      const piece = this.rest.subarray(0, Math.min(left, this.rest.length));
      this.rest = this.rest.subarray(piece.length);
      for (let at = 0; at < piece.length;) at += (await out.write(piece, at, piece.length - at)).bytesWritten;
      left -= piece.length;
    }
  }

  /** Whether nothing is left. */
  async ended(): Promise<boolean> {
    if (this.rest.length > 0) return false;
    const next = await this.chunks.next();
    return next.done === true || next.value.length === 0;
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
