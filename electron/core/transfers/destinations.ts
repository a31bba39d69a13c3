import { currentLocalPlatform, downloadMode, type LocalPlatform } from './localNames.ts';
import { lstat, stat } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { ConflictDecision, TransferConflict } from '../../../shared/src/transfers.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { fileError } from '../sftp/sftpErrors.ts';
import { type CopyPlan, localError } from './fileCopy.ts';
import { numberedName } from './names.ts';
import { uploadMode } from './uploadRules.ts';

/** Asks the conflict policy what to do about an existing destination. */
export type Decide = (conflict: Omit<TransferConflict, 'id' | 'jobId'>) => Promise<ConflictDecision>;

/** What a folder's scan already knows of one of its files (JobBook's `Entry.hint`). */
export interface ScanHint {
  /** The destination folder was created by this transfer: nothing can be in the way there. */
  fresh?: true;
  /** Downloads: the remote file as the folder's listing gave it. */
  source?: { size: number; mtime: number; mode: number };
}

/** The plan for an upload, or undefined when the policy says to skip it. */
export async function planUpload(
  localPath: string,
  remotePath: string,
  sftp: SftpSession,
  decide: Decide,
  platform: LocalPlatform = currentLocalPlatform(),
  hint?: ScanHint,
): Promise<CopyPlan | undefined> {
  const source = await stat(localPath).catch((error: unknown) => {
    throw localError(error, 'upload', localPath);
  });
  if (!source.isFile())
    throw fileError('isDirectory', localPath, `Cannot upload '${localPath}': not a file.`);
  const plan: CopyPlan = {
    localPath,
    remotePath,
    replace: false,
    size: source.size,
    mtime: Math.floor(source.mtimeMs / 1000),
    mode: uploadMode(source.mode, platform),
  };
  // In a folder this transfer created nothing can be in the way (and if something appears
  // meanwhile, the rename refuses to replace it).
  if (hint?.fresh) return { ...plan, fresh: true };
  const existing = await sftp.lstatIfExists(remotePath);
  if (!existing) return plan;
  if (existing.isDirectory()) {
    throw fileError('isDirectory', remotePath, `Cannot upload to '${remotePath}': a folder has that name.`);
  }
  const decision = await decide({
    direction: 'upload',
    path: remotePath,
    existing: { size: existing.size, mtime: existing.mtime * 1000 },
    incoming: { size: plan.size, mtime: plan.mtime * 1000 },
  });
  if (decision === 'skip') return undefined;
  // Overwriting keeps the mode the file had on the node: someone may have set it on purpose.
  // Its permission bits only: a setuid, setgid or sticky bit set on the old file is not carried
  // over to content the node never had (ssh2 would send it with the new file's attributes).
  if (decision === 'overwrite') return { ...plan, replace: true, mode: existing.mode & 0o777 };
  const dir = posix.dirname(remotePath);
  const free = await firstFree(
    posix.basename(remotePath),
    async (name) => !(await sftp.lstatIfExists(posix.join(dir, name))),
  );
  return { ...plan, remotePath: posix.join(dir, free) };
}

export async function planDownload(
  remotePath: string,
  localPath: string,
  sftp: SftpSession,
  decide: Decide,
  platform: LocalPlatform = currentLocalPlatform(),
  hint?: ScanHint,
): Promise<CopyPlan | undefined> {
  // A folder's listing gave the file's details a moment ago: no second look (a round trip) needed.
  const known = hint?.source;
  const plan: CopyPlan = {
    localPath,
    remotePath,
    replace: false,
    ...(known ?? (await remoteSource(sftp, remotePath, platform))),
  };
  if (hint?.fresh) return { ...plan, fresh: true };
  const existing = await lstat(localPath).catch(() => undefined);
  if (!existing) return plan;
  if (existing.isDirectory()) {
    throw fileError('isDirectory', localPath, `Cannot download to '${localPath}': a folder has that name.`);
  }
  const decision = await decide({
    direction: 'download',
    path: localPath,
    existing: { size: existing.size, mtime: Math.floor(existing.mtimeMs) },
    incoming: { size: plan.size, mtime: plan.mtime * 1000 },
  });
  if (decision === 'skip') return undefined;
  if (decision === 'overwrite') return { ...plan, replace: true };
  const dir = dirname(localPath);
  const free = await firstFree(
    basename(localPath),
    async (name) => !(await lstat(join(dir, name)).catch(() => undefined)),
  );
  return { ...plan, localPath: join(dir, free) };
}

async function remoteSource(sftp: SftpSession, remotePath: string, platform: LocalPlatform) {
  const source = await sftp.stat(remotePath);
  if (!source.isFile())
    throw fileError('isDirectory', remotePath, `Cannot download '${remotePath}': not a file.`);
  return { size: source.size, mtime: source.mtime, mode: downloadMode(source.mode, platform) };
}

async function firstFree(name: string, isFree: (name: string) => Promise<boolean>): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = numberedName(name, n);
    if (await isFree(candidate)) return candidate;
  }
}
