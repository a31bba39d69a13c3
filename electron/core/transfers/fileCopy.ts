import { type FileHandle, lstat, mkdir, open } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { TransferFailed } from '../../../shared/src/errors.ts';
import { AppError, Cancelled } from '../../../shared/src/errors.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { ensureDirectory } from '../sftp/RemoteFiles.ts';
import { fileError, reasonOf } from '../sftp/sftpErrors.ts';
import { currentLocalPlatform, type LocalPlatform } from './localNames.ts';
import { renameLocal } from './localRename.ts';
import { partialName } from './names.ts';
import { pipeline, type PipelineResult } from './pipeline.ts';

export interface CopyTuning {
  chunkSize: number;
  window: number;
}

export interface CopyContext extends CopyTuning {
  sftp: SftpSession;
  signal: AbortSignal;
  /** Where this run starts (the partial file's usable size) and the file's size. */
  onStart(resumedFrom: number, total: number): void;
  onProgress(bytes: number): void;
  /**
   * Uploads: the bytes of this partial file that an earlier run of the same job wrote and saw
   * acknowledged, for the same source — trusted even when that run could not stamp the partial.
   */
  acknowledged?: { part: string; bytes: number; size: number; mtime: number };
  /** Uploads: an unfinished run reports what of the partial is acknowledged, for the next run. */
  onKept?(kept: { part: string; bytes: number; size: number; mtime: number }): void;
  /** Downloads: the OS whose rules the local file follows (renames over held files retry on win32). */
  platform?: LocalPlatform;
}

/** One file to copy, after the conflict policy has picked its destination. */
export interface CopyPlan {
  localPath: string;
  remotePath: string;
  /** Whether an existing destination may be replaced. */
  replace: boolean;
  size: number;
  /** Modification time in whole seconds (SFTP v3's precision); the copy keeps it. */
  mtime: number;
  /** Permission bits the new file gets. */
  mode: number;
  /** The destination folder was created by this transfer, so no partial file can be there. */
  fresh?: boolean;
}

/*
 * A partial file is trusted for resuming only when its modification time equals the source's:
 * a run that stops cleanly (cancel, failure) cuts the partial back to its last contiguous byte and
 * then stamps it so. A partial left by a crash, or one of another source, has some other time and
 * is started over rather than resumed into a corrupt file.
 */
const resumable = (partial: { size: number; mtime: number } | undefined, plan: CopyPlan): number =>
  partial && partial.size <= plan.size && partial.mtime === plan.mtime ? partial.size : 0;

/*
 * A run cut off with the node (killed, rebooted) cannot stamp its partial. Its own acknowledged
 * writes are known, though — the server confirmed each one, in order of offset up to `bytes` — so the
 * same job, for the same source, resumes from there if the partial still has at least that much.
 */
const acknowledgedPrefix = (
  partial: { size: number } | undefined,
  plan: CopyPlan,
  part: string,
  acknowledged: CopyContext['acknowledged'],
): number =>
  partial &&
  acknowledged &&
  acknowledged.part === part &&
  acknowledged.size === plan.size &&
  acknowledged.mtime === plan.mtime &&
  partial.size <= plan.size &&
  partial.size >= acknowledged.bytes
    ? acknowledged.bytes
    : 0;

/**
 * Uploads to `.NAME.enscale-part` beside the destination with a window of pipelined writes, checks
 * the size, and renames it over the destination. Nothing ever appears under the final name until
 * the whole file is there.
 */
export async function uploadFile(plan: CopyPlan, context: CopyContext): Promise<void> {
  const { sftp } = context;
  const part = posix.join(posix.dirname(plan.remotePath), partialName(posix.basename(plan.remotePath)));
  const local = await openLocal(plan.localPath, 'r');
  try {
    const existing = plan.fresh ? undefined : await sftp.lstatIfExists(part);
    if (existing && !existing.isFile()) {
      throw fileError('exists', part, `Cannot upload: '${part}' is in the way; remove it and try again.`);
    }
    const start = resumable(existing, plan) || acknowledgedPrefix(existing, plan, part, context.acknowledged);
    const handle = await sftp.open(part, start > 0 ? 'r+' : 'w', plan.mode).catch(async (error: unknown) => {
      // The folder is missing: create it (and its parents) rather than checking it before every file.
      if (reasonOf(error) !== 'notFound') throw error;
      await ensureDirectory(sftp, posix.dirname(plan.remotePath));
      return sftp.open(part, 'w', plan.mode);
    });
    context.onStart(start, plan.size);
    let result: PipelineResult;
    let closing: Promise<void> | undefined;
    try {
      result = await pipeline({
        ...tuning(context, sftp.requestLimits.write),
        start,
        end: plan.size,
        allocate: (size) => sftp.writeBuffer(size),
        move: async (buffer, offset, length) => {
          await readLocal(local, plan.localPath, buffer, length, offset);
          await sftp.write(handle, part, buffer, length, offset);
        },
      });
      if (result.failure !== undefined || result.cancelled) {
        context.onKept?.({ part, bytes: result.contiguous, size: plan.size, mtime: plan.mtime });
        await sftp
          .fsetstat(handle, part, { size: result.contiguous, atime: plan.mtime, mtime: plan.mtime })
          .catch(() => undefined);
      } else {
        // Sent together, one round trip instead of three: OpenSSH's sftp-server answers requests in
        // the order sent, so the handle is closed after its times are set (a server that reordered
        // them fails the job: no rename). A file written from 0 into a truncated partial is as
        // long as its acknowledged writes; only a resumed one has its size checked.
        const written = start > 0 ? sftp.fstat(handle, part).then((attrs) => attrs.size) : plan.size;
        const stamped = sftp.fsetstat(handle, part, {
          mode: plan.mode,
          atime: plan.mtime,
          mtime: plan.mtime,
        });
        closing = sftp.close(handle, part).catch(() => undefined);
        const [size] = await Promise.all([written, stamped, closing]);
        if (size !== plan.size) throw sizeMismatch(plan.remotePath, size, plan.size);
      }
    } finally {
      await (closing ?? sftp.close(handle, part).catch(() => undefined));
    }
    stopIfUnfinished(result, 'upload', plan.localPath);
    if (plan.replace) await sftp.replace(part, plan.remotePath);
    else await sftp.rename(part, plan.remotePath);
  } finally {
    await local.close();
  }
}

/** The mirror image of `uploadFile`: pipelined reads into a local partial file, then a rename. */
export async function downloadFile(plan: CopyPlan, context: CopyContext): Promise<void> {
  const { sftp } = context;
  const part = join(dirname(plan.localPath), partialName(basename(plan.localPath)));
  const handle = await sftp.open(plan.remotePath, 'r');
  try {
    // A folder this transfer created exists and holds no partial file: two file system calls fewer.
    if (!plan.fresh) await mkdir(dirname(plan.localPath), { recursive: true });
    const existing = plan.fresh ? undefined : await lstat(part).catch(() => undefined);
    if (existing && !existing.isFile()) {
      throw fileError('exists', part, `Cannot download: '${part}' is in the way; remove it and try again.`);
    }
    const start = resumable(
      existing && { size: existing.size, mtime: Math.floor(existing.mtimeMs / 1000) },
      plan,
    );
    const local = await openLocal(part, start > 0 ? 'r+' : 'w', plan.mode);
    context.onStart(start, plan.size);
    let result: PipelineResult;
    try {
      result = await pipeline({
        ...tuning(context, sftp.requestLimits.read),
        start,
        end: plan.size,
        move: async (buffer, offset, length) => {
          for (let got = 0; got < length;) {
            const read = await sftp.read(handle, plan.remotePath, buffer, length - got, offset + got, got);
            if (read === 0) throw changedWhileCopying(plan.remotePath);
            got += read;
          }
          await writeLocal(local, part, buffer, length, offset);
        },
      });
      if (result.failure !== undefined || result.cancelled) {
        await local.truncate(result.contiguous).catch(() => undefined);
        await local.utimes(plan.mtime, plan.mtime).catch(() => undefined);
      } else {
        // Written from 0 into a truncated file, it is as long as its writes; a resumed one is checked.
        const written = start > 0 ? (await local.stat()).size : plan.size;
        if (written !== plan.size) throw sizeMismatch(plan.localPath, written, plan.size);
        await local.utimes(plan.mtime, plan.mtime);
      }
    } finally {
      await local.close();
    }
    stopIfUnfinished(result, 'download', plan.remotePath);
    if (!plan.replace && (await lstat(plan.localPath).catch(() => undefined))) {
      throw fileError('exists', plan.localPath, `'${plan.localPath}' appeared during the download; kept it.`);
    }
    await renameLocal(part, plan.localPath, { platform: context.platform ?? currentLocalPlatform() });
  } finally {
    await sftp.close(handle, plan.remotePath).catch(() => undefined);
  }
}

/** Requests no larger than the server accepts: ssh2 would split a larger one into sequential parts. */
function tuning(context: CopyContext, requestLimit: number) {
  return {
    chunkSize: Math.min(context.chunkSize, requestLimit),
    window: context.window,
    signal: context.signal,
    onProgress: context.onProgress,
  };
}

function stopIfUnfinished(result: PipelineResult, what: 'upload' | 'download', path: string): void {
  if (result.failure !== undefined) throw result.failure;
  if (result.cancelled) {
    throw new Cancelled(
      `The ${what} of '${path}' was cancelled; the ${result.contiguous} bytes already copied are kept, so a retry resumes.`,
      { path, bytes: result.contiguous },
    );
  }
}

/** Reads exactly `length` bytes at `position`; a file that got shorter since it was measured fails. */
export async function readLocal(
  file: FileHandle,
  path: string,
  buffer: Buffer,
  length: number,
  position: number,
) {
  for (let got = 0; got < length;) {
    const { bytesRead } = await file
      .read(buffer, got, length - got, position + got)
      .catch((error: unknown) => {
        throw localError(error, 'read', path);
      });
    if (bytesRead === 0) throw changedWhileCopying(path);
    got += bytesRead;
  }
}

async function writeLocal(file: FileHandle, path: string, buffer: Buffer, length: number, position: number) {
  for (let put = 0; put < length;) {
    const { bytesWritten } = await file
      .write(buffer, put, length - put, position + put)
      .catch((error: unknown) => {
        throw localError(error, 'write', path);
      });
    put += bytesWritten;
  }
}

async function openLocal(path: string, flags: 'r' | 'r+' | 'w', mode?: number): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (error) {
    throw localError(error, flags === 'r' ? 'read' : 'write', path);
  }
}

export const changedWhileCopying = (path: string): TransferFailed =>
  fileError('sizeMismatch', path, `'${path}' got shorter while being copied; try again once it is complete.`);

const sizeMismatch = (path: string, got: number, expected: number): TransferFailed =>
  fileError(
    'sizeMismatch',
    path,
    `'${path}' has ${got} bytes after the copy instead of ${expected}; try again.`,
  );

/** A local file system error in words, e.g. "Cannot read '/x': it does not exist." */
export function localError(error: unknown, what: string, path: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return fileError('notFound', path, `Cannot ${what} '${path}': it does not exist on this computer.`);
    case 'EACCES':
    case 'EPERM':
      return fileError(
        'permissionDenied',
        path,
        `Cannot ${what} '${path}': permission denied on this computer.`,
      );
    case 'ENOSPC':
      return fileError('failure', path, `Cannot ${what} '${path}': the disk of this computer is full.`);
    case 'EISDIR':
      return fileError('isDirectory', path, `Cannot ${what} '${path}': it is a folder.`);
    default:
      return fileError('failure', path, `Cannot ${what} '${path}': ${(error as Error).message}`);
  }
}
