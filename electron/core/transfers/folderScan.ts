import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Cancelled } from '../../../shared/src/errors.ts';
import type { TransferJob } from '../../../shared/src/transfers.ts';
import { ensureDirectory } from '../sftp/RemoteFiles.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { localError } from './fileCopy.ts';
import {
  currentLocalPlatform,
  downloadMode,
  type LocalPlatform,
  staysUnder,
  unsafeLocalNameReason,
} from './localNames.ts';

export interface TreeFile {
  /** Path below the folder, as segments (joined with each side's separator). */
  segments: string[];
  size: number;
  /** Whole seconds. */
  mtime: number;
  mode: number;
}

export interface Tree {
  /** Sub-folders, parents before their children. */
  directories: string[][];
  files: TreeFile[];
  /** Remote entries refused as local names (downloads only), with why. */
  skipped: { name: string; reason: string }[];
}

const stopIfAborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw new Cancelled('The folder transfer was cancelled while reading the folder.');
};

/**
 * A local folder's files and sub-folders. Symlinks to files are copied as files; symlinks to
 * folders are left out, so a link loop cannot make the walk endless.
 */
export async function scanLocal(root: string, signal: AbortSignal): Promise<Tree> {
  const tree: Tree = { directories: [], files: [], skipped: [] };
  const walk = async (segments: string[]): Promise<void> => {
    stopIfAborted(signal);
    const dir = join(root, ...segments);
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      throw localError(error, 'read the folder', dir);
    });
    for (const entry of entries) {
      const child = [...segments, entry.name];
      if (entry.isDirectory()) {
        tree.directories.push(child);
        await walk(child);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await stat(join(root, ...child)).catch(() => undefined);
        if (!info?.isFile()) continue;
        tree.files.push({
          segments: child,
          size: info.size,
          mtime: Math.floor(info.mtimeMs / 1000),
          mode: info.mode & 0o777,
        });
      }
    }
  };
  await walk([]);
  return tree;
}

/** The remote counterpart of `scanLocal`, with the same rule for symlinks. */
export async function scanRemote(
  sftp: SftpSession,
  root: string,
  signal: AbortSignal,
  platform: LocalPlatform = currentLocalPlatform(),
): Promise<Tree> {
  const tree: Tree = { directories: [], files: [], skipped: [] };
  const walk = async (segments: string[]): Promise<void> => {
    stopIfAborted(signal);
    const entries = await sftp.readdir(posix.join(root, ...segments));
    const folders: string[][] = [];
    for (const entry of entries) {
      // A hostile server may list "../../x" (ssh2 drops only exact "." and ".."): refuse it here.
      const reason = unsafeLocalNameReason(entry.filename, platform);
      if (reason) {
        tree.skipped.push({ name: [...segments, entry.filename].join('/'), reason });
        continue;
      }
      const child = [...segments, entry.filename];
      let attrs = entry.attrs;
      if (attrs.isSymbolicLink()) {
        const target = await sftp.stat(posix.join(root, ...child)).catch(() => undefined);
        if (!target?.isFile()) continue;
        attrs = target;
      }
      if (attrs.isDirectory()) {
        tree.directories.push(child);
        folders.push(child);
      } else if (attrs.isFile()) {
        tree.files.push({
          segments: child,
          size: attrs.size,
          mtime: attrs.mtime,
          mode: downloadMode(attrs.mode),
        });
      }
    }
    for (const folder of folders) await walk(folder);
  };
  await walk([]);
  return tree;
}

/**
 * Reads the source folder and creates it and its sub-folders at the destination. A sub-folder
 * that cannot be made fails only its own files later (they report why), not the rest.
 */
export async function prepareFolder(
  job: TransferJob,
  sftp: SftpSession,
  signal: AbortSignal,
  platform: LocalPlatform = currentLocalPlatform(),
): Promise<Tree> {
  const { direction, localPath, remotePath } = job;
  if (direction === 'upload') {
    const tree = await scanLocal(localPath, signal);
    await ensureDirectory(sftp, remotePath);
    for (const dir of tree.directories) {
      await ensureDirectory(sftp, posix.join(remotePath, ...dir)).catch(() => undefined);
    }
    return tree;
  }
  const tree = await scanRemote(sftp, remotePath, signal, platform);
  if (tree.skipped.length > 0) job.skipped = tree.skipped;
  // Second wall: whatever the name check let through must still land under the chosen folder.
  tree.directories = tree.directories.filter((dir) => staysUnder(localPath, dir));
  tree.files = tree.files.filter((file) => staysUnder(localPath, file.segments));
  await mkdir(localPath, { recursive: true }).catch((error: unknown) => {
    throw localError(error, 'create the folder', localPath);
  });
  for (const dir of tree.directories) {
    await mkdir(join(localPath, ...dir), { recursive: true }).catch(() => undefined);
  }
  return tree;
}
