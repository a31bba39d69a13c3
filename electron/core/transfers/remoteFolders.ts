import { posix } from 'node:path';
import { ensureDirectory } from '../sftp/RemoteFiles.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import { limiter } from '../system/limiter.ts';

/**
 * Folder requests (mkdir, readdir) a folder transfer keeps in flight at once. One at a time, the
 * ~330 folders of a 5,000-file tree cost a round trip each (three for a listing) before the first file
 * moves; 16 at a time they overlap as the files' own requests do.
 */
export const FOLDER_REQUESTS = 16;

/**
 * Creates `root` and its sub-folders `dirs` (parents listed before their children) on the node, a
 * level at a time with the folders of one level in parallel, and answers which folders this call
 * created: nothing can be in those yet, so their files need no check for a conflict or a partial
 * file left by an earlier run (two round trips per file). A folder that cannot be made is left out;
 * its files fail later and say why.
 */
export async function createRemoteFolders(
  sftp: SftpSession,
  root: string,
  dirs: string[][],
  mode: number,
): Promise<Set<string>> {
  const created = new Set<string>();
  // The root's parents may be missing too: ensureDirectory makes them (one at a time, as before).
  if (
    await sftp.mkdir(root, mode).then(
      () => true,
      () => false,
    )
  )
    created.add(root);
  else await ensureDirectory(sftp, root, mode);
  const byDepth = new Map<number, string[]>();
  for (const dir of dirs) {
    const level = byDepth.get(dir.length) ?? [];
    level.push(posix.join(root, ...dir));
    byDepth.set(dir.length, level);
  }
  const limit = limiter(FOLDER_REQUESTS);
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      (byDepth.get(depth) ?? []).map((path) =>
        limit(async () => {
          // Under a folder made just now, mkdir cannot meet anything in the way.
          const made = await sftp.mkdir(path, mode).then(
            () => true,
            () => false,
          );
          if (made) created.add(path);
          else if (!created.has(posix.dirname(path)))
            await ensureDirectory(sftp, path, mode).catch(() => undefined);
        }),
      ),
    );
  }
  return created;
}
