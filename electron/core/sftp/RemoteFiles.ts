import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Attributes, SFTPWrapper } from 'ssh2';
import { Cancelled, InvalidInput } from '../../../shared/src/errors.ts';
import {
  TEXT_FILE_MAX_BYTES,
  type MkdirOptions,
  type RemoteFileEntry,
  type RemoteFileSystem,
  type RemoveOptions,
  type RenameOptions,
} from '../../../shared/src/files.ts';
import type { CallOptions } from '../../../shared/src/rpc/protocol.ts';
import { fileTypeOf, ownerFromLongname, parseMode, permissionString } from './permissions.ts';
import { SftpSession } from './SftpSession.ts';
import { fileError, reasonOf } from './sftpErrors.ts';
import { hiddenSibling } from './siblingNames.ts';
import { limiter } from '../system/limiter.ts';

/** Requests a recursive removal or a listing keeps in flight at once. */
const PARALLEL_REQUESTS = 16;

/**
 * The file browser's operations on one node, each a plain SFTP request. Built on an ssh2 SFTP
 * channel (or a function that opens one when first needed, so a dropped channel can be replaced).
 */
export class RemoteFiles implements RemoteFileSystem {
  constructor(
    private readonly source: SFTPWrapper | (() => Promise<SFTPWrapper>),
    private readonly limits: { textMaxBytes?: number } = {},
  ) {}

  /** A function source is asked for every operation: after a drop the connection layer has a new channel. */
  private sftp(): Promise<SftpSession> {
    return SftpSession.from(this.source);
  }

  async list(path: string, options: CallOptions = {}): Promise<RemoteFileEntry[]> {
    const sftp = await this.sftp();
    const dir = path.startsWith('/') ? path : await sftp.realpath(path);
    const raw = await sftp.readdir(dir);
    const entries = await mapLimited(raw, PARALLEL_REQUESTS, options.signal, (item) =>
      this.entry(sftp, posix.join(dir, item.filename), item.filename, item.attrs, item.longname),
    );
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async stat(path: string): Promise<RemoteFileEntry> {
    const sftp = await this.sftp();
    const absolute = path.startsWith('/') ? path : posix.join(await sftp.realpath('.'), path);
    const attrs = await sftp.lstat(absolute);
    return this.entry(sftp, absolute, posix.basename(absolute) || '/', attrs);
  }

  async mkdir(path: string, options: MkdirOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const mode = options.mode === undefined ? undefined : parseMode(options.mode);
    if (!options.recursive) {
      try {
        return await sftp.mkdir(path, mode);
      } catch (error) {
        throw await this.explain(sftp, error, path, 'create the folder');
      }
    }
    await ensureDirectory(sftp, path, mode);
  }

  async rename(from: string, to: string, options: RenameOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const existing = await sftp.lstatIfExists(to);
    if (existing && (!options.overwrite || existing.isDirectory())) {
      throw fileError('exists', to, `Cannot rename '${from}': '${to}' already exists.`);
    }
    if (existing) return sftp.replace(from, to);
    try {
      await sftp.rename(from, to);
    } catch (error) {
      throw await this.explain(sftp, error, from, `rename to '${to}'`);
    }
  }

  async remove(path: string, options: RemoveOptions = {}, callOptions: CallOptions = {}): Promise<void> {
    const sftp = await this.sftp();
    const attrs = await sftp.lstat(path);
    if (!attrs.isDirectory()) return sftp.unlink(path);
    if (options.recursive) return removeTree(sftp, path, callOptions.signal);
    try {
      await sftp.rmdir(path);
    } catch (error) {
      if (reasonOf(error) !== 'failure') throw error;
      throw fileError(
        'notEmpty',
        path,
        `Cannot remove '${path}': the folder is not empty. Remove it with everything in it instead.`,
      );
    }
  }

  async chmod(path: string, mode: number | string): Promise<void> {
    const sftp = await this.sftp();
    await sftp.setstat(path, { mode: parseMode(mode) });
  }

  async readText(path: string): Promise<string> {
    const sftp = await this.sftp();
    const max = this.limits.textMaxBytes ?? TEXT_FILE_MAX_BYTES;
    const attrs = await sftp.stat(path);
    if (attrs.isDirectory()) throw fileError('isDirectory', path, `Cannot open '${path}': it is a folder.`);
    if (attrs.size > max) throw tooLarge(path, attrs.size, max);
    const handle = await sftp.open(path, 'r');
    try {
      // Read to the end rather than trusting the size: the file may have grown since the stat.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buffer = Buffer.allocUnsafe(32 * 1024);
        const read = await sftp.read(handle, path, buffer, buffer.length, total);
        if (read === 0) break;
        total += read;
        if (total > max) throw tooLarge(path, total, max);
        chunks.push(buffer.subarray(0, read));
      }
      return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
    } finally {
      await sftp.close(handle, path).catch(() => undefined);
    }
  }

  async writeText(path: string, text: string): Promise<void> {
    const sftp = await this.sftp();
    const max = this.limits.textMaxBytes ?? TEXT_FILE_MAX_BYTES;
    const data = Buffer.from(text, 'utf8');
    if (data.length > max) {
      throw new InvalidInput(
        `The text is ${formatBytes(data.length)}; files up to ${formatBytes(max)} are saved here. Upload larger files instead.`,
      );
    }
    const existing = await sftp.lstatIfExists(path);
    if (existing?.isDirectory())
      throw fileError('isDirectory', path, `Cannot save '${path}': it is a folder.`);
    const safeTemp = posix.join(
      posix.dirname(path),
      hiddenSibling(posix.basename(path), `.${randomBytes(4).toString('hex')}.tmp`),
    );
    const handle = await sftp.open(safeTemp, 'wx', existing ? existing.mode & 0o7777 : 0o644);
    try {
      for (let offset = 0; offset < data.length; offset += 32 * 1024) {
        const chunk = data.subarray(offset, Math.min(offset + 32 * 1024, data.length));
        await sftp.write(handle, safeTemp, chunk, chunk.length, offset);
      }
      if (existing) await sftp.fsetstat(handle, safeTemp, { mode: existing.mode & 0o7777 });
      await sftp.close(handle, safeTemp);
      await sftp.replace(safeTemp, path);
    } catch (error) {
      await sftp.close(handle, safeTemp).catch(() => undefined);
      await sftp.unlink(safeTemp).catch(() => undefined);
      throw error;
    }
  }

  async home(): Promise<string> {
    return this.realpath('.');
  }

  async realpath(path: string): Promise<string> {
    return (await this.sftp()).realpath(path);
  }

  private async entry(
    sftp: SftpSession,
    path: string,
    name: string,
    attrs: Attributes,
    longname?: string,
  ): Promise<RemoteFileEntry> {
    const type = fileTypeOf(attrs.mode);
    const entry: RemoteFileEntry = {
      name,
      path,
      type,
      size: attrs.size,
      mtime: attrs.mtime * 1000,
      mode: attrs.mode,
      permissions: permissionString(attrs.mode),
      uid: attrs.uid,
      gid: attrs.gid,
      ...(longname ? ownerFromLongname(longname) : {}),
    };
    if (type === 'symlink') {
      entry.target = await sftp.readlink(path).catch(() => undefined);
      const target = await sftp.stat(path).catch(() => undefined);
      if (target) entry.targetType = fileTypeOf(target.mode);
    }
    return entry;
  }

  /** SFTP v3 says only "Failure" for most errors; look at the path to say what went wrong. */
  private async explain(sftp: SftpSession, error: unknown, path: string, what: string): Promise<unknown> {
    if (reasonOf(error) !== 'failure') return error;
    const existing = await sftp.lstatIfExists(path).catch(() => undefined);
    if (existing) return fileError('exists', path, `Cannot ${what}: '${path}' already exists.`);
    const parent = await sftp.lstatIfExists(posix.dirname(path)).catch(() => undefined);
    if (parent && !parent.isDirectory()) {
      return fileError('notDirectory', path, `Cannot ${what}: '${posix.dirname(path)}' is not a folder.`);
    }
    return error;
  }
}

/** Creates `path` and any missing parents; an existing folder is fine, an existing file is not. */
export async function ensureDirectory(sftp: SftpSession, path: string, mode?: number): Promise<void> {
  const existing = await sftp.lstatIfExists(path);
  if (existing) {
    if (existing.isDirectory()) return;
    const target = existing.isSymbolicLink() ? await sftp.stat(path).catch(() => undefined) : undefined;
    if (target?.isDirectory()) return;
    throw fileError('notDirectory', path, `Cannot create the folder '${path}': a file has that name.`);
  }
  const parent = posix.dirname(path);
  if (parent !== path) await ensureDirectory(sftp, parent, mode);
  try {
    await sftp.mkdir(path, mode);
  } catch (error) {
    // Someone else (another job of the same folder upload) may have created it meanwhile.
    if ((await sftp.lstatIfExists(path))?.isDirectory()) return;
    throw error;
  }
}

/** Depth first, symlinks removed as links: nothing outside `path` is ever touched. */
async function removeTree(sftp: SftpSession, path: string, signal?: AbortSignal): Promise<void> {
  const items = await sftp.readdir(path);
  await mapLimited(items, PARALLEL_REQUESTS, signal, async (item) => {
    const child = posix.join(path, item.filename);
    // readdir's attributes describe the entry itself (lstat), so a link to a folder is a link.
    if (item.attrs.isDirectory()) await removeTree(sftp, child, signal);
    else await sftp.unlink(child);
  });
  await sftp.rmdir(path);
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const run = limiter(limit);
  return Promise.all(
    items.map((item) =>
      run(async () => {
        if (signal?.aborted) throw new Cancelled('Stopped before the end; some entries were already done.');
        return fn(item);
      }),
    ),
  );
}

function tooLarge(path: string, size: number, max: number) {
  return fileError(
    'tooLarge',
    path,
    `'${path}' is ${formatBytes(size)}; files up to ${formatBytes(max)} open here. Download it instead.`,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
