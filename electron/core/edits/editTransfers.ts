import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import type { FileStamp } from '../../../shared/src/edits.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { downloadFile, uploadFile, type CopyContext } from '../transfers/fileCopy.ts';
import { partialName } from '../transfers/names.ts';

/** As the transfer engine: requests as large as the server takes (OpenSSH: 255 KiB), 64 in flight. */
const TUNING = { chunkSize: 256 * 1024, window: 64 };

/** SHA-256 of a local file, hex: what tells a real save from an editor touching the file. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}

/** The node's file as the edit knows it: SFTP v3 times are whole seconds. */
export const stampOf = (attrs: { size: number; mtime: number }): FileStamp => ({
  size: attrs.size,
  mtime: attrs.mtime * 1000,
});

export const sameStamp = (a: FileStamp | undefined, b: FileStamp): boolean =>
  a !== undefined && a.size === b.size && a.mtime === b.mtime;

function context(sftp: SftpSession, onProgress: (bytes: number, total: number) => void): CopyContext {
  let total = 0;
  return {
    ...TUNING,
    sftp,
    signal: new AbortController().signal,
    onStart: (start, size) => {
      total = size;
      onProgress(start, size);
    },
    onProgress: (bytes) => onProgress(bytes, total),
  };
}

/**
 * The node's file into the edit's local copy, through a partial file renamed into place (the
 * transfers' `downloadFile`): private to the user (0600), whatever the node's mode.
 */
export async function downloadCopy(
  sftp: SftpSession,
  remotePath: string,
  node: { size: number; mtime: number },
  localPath: string,
  onProgress: (bytes: number, total: number) => void,
): Promise<void> {
  await downloadFile(
    { localPath, remotePath, replace: true, size: node.size, mtime: node.mtime, mode: 0o600 },
    context(sftp, onProgress),
  );
}

/**
 * A save onto the node as transfers upload (`uploadFile`): into `.NAME.enscale-part` beside the file,
 * size checked, then renamed over it (atomically with OpenSSH's posix-rename), keeping the node's mode.
 * A failed run's partial file is removed: an edit never resumes, the next save sends all of it.
 */
export async function uploadSave(
  sftp: SftpSession,
  save: { path: string; size: number; mtimeMs: number },
  remotePath: string,
  mode: number,
  onProgress: (bytes: number, total: number) => void,
): Promise<void> {
  try {
    await uploadFile(
      {
        localPath: save.path,
        remotePath,
        replace: true,
        size: save.size,
        mtime: Math.floor(save.mtimeMs / 1000),
        mode,
      },
      context(sftp, onProgress),
    );
  } catch (error) {
    const part = posix.join(posix.dirname(remotePath), partialName(posix.basename(remotePath)));
    await sftp.unlink(part).catch(() => undefined);
    throw error;
  }
}
