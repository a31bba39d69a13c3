import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Cancelled } from '../../../shared/src/errors.ts';
import type { RenamedName, TransferJob } from '../../../shared/src/transfers.ts';
import type { SftpSession } from '../sftp/SftpSession.ts';
import type { Stats } from 'ssh2';
import type { ScanHint } from './destinations.ts';
import { localError } from './fileCopy.ts';
import { currentLocalPlatform, downloadMode, type LocalPlatform, staysUnder } from './localNames.ts';
import { planLocalNames } from './localFolderNames.ts';
import { limiter } from '../system/limiter.ts';
import { createRemoteFolders, FOLDER_REQUESTS } from './remoteFolders.ts';
import { skipMatcher, UPLOAD_FOLDER_MODE, uploadName, type UploadRules } from './uploadRules.ts';

export interface TreeFile {
  /** Path below the source folder, as segments (joined with each side's separator). */
  segments: string[];
  /** Path below the destination folder: differs where a name had to be made legal there. */
  target: string[];
  size: number;
  /** Whole seconds. */
  mtime: number;
  mode: number;
}

export interface Tree {
  /** The destination folders this transfer created (empty when it started), by full path. */
  created?: Set<string>;
  /** Sub-folders as named at the destination, parents before their children. */
  directories: string[][];
  files: TreeFile[];
  /** Remote entries refused as local names (downloads only), with why. */
  skipped: { name: string; reason: string }[];
  /** Remote entries saved under another local name (downloads only), with why. */
  renamed: RenamedName[];
}

const stopIfAborted = (signal: AbortSignal): void => {
  if (signal.aborted) throw new Cancelled('The folder transfer was cancelled while reading the folder.');
};

/** Upload rules for a scan that should send every name as it is (no skip list, no NFC). */
const SEND_AS_IS: UploadRules = { normalizeNames: false, skip: [] };

/**
 * A local folder's files and sub-folders. Symlinks to files are copied as files; symlinks to
 * folders are left out, so a link loop cannot make the walk endless. Entries matching the skip
 * list stay behind (and are reported); names are sent in NFC when the rules say so, unless the
 * folder also holds that spelling (both are kept then, under their own names).
 */
export async function scanLocal(
  root: string,
  signal: AbortSignal,
  rules: UploadRules = SEND_AS_IS,
): Promise<Tree> {
  const skipped = skipMatcher(rules.skip);
  // Sub-folders are read FOLDER_REQUESTS at a time, as scanRemote lists them: the 1,125 folders of
  // the files benchmark's tree took 200–310 ms one after the other, 160–230 ms so (five scans each,
  // 2026-12-06, load 5), of a 1.3–1.8 s streamed upload. Each folder's part is put in walk order
  // afterwards: parents before their children.
  const limit = limiter(FOLDER_REQUESTS);
  const walk = async (segments: string[], target: string[]): Promise<Tree> => {
    stopIfAborted(signal);
    const part: Tree = { directories: [], files: [], skipped: [], renamed: [] };
    const dir = join(root, ...segments);
    const { named, infos } = await limit(async () => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
        throw localError(error, 'read the folder', dir);
      });
      const present = new Set(entries.map((entry) => entry.name));
      const sent = new Set<string>();
      const named = entries.map((entry) => {
        const child = [...segments, entry.name];
        const pattern = skipped(entry.name);
        if (pattern !== undefined) {
          part.skipped.push({
            name: child.join('/'),
            reason: `matches the upload skip list (${JSON.stringify(pattern)})`,
          });
          return undefined;
        }
        const normal = uploadName(entry.name, rules);
        const name = normal !== entry.name && (present.has(normal) || sent.has(normal)) ? entry.name : normal;
        sent.add(name);
        return { entry, child, remote: [...target, name] };
      });
      // A folder's files are looked at together: one at a time, 5,000 stats wait on each other.
      const infos = await Promise.all(
        named.map((item) =>
          item && !item.entry.isDirectory() && (item.entry.isFile() || item.entry.isSymbolicLink())
            ? stat(join(root, ...item.child)).catch(() => undefined)
            : undefined,
        ),
      );
      return { named, infos };
    });
    const folders: [string[], string[]][] = [];
    for (const [index, item] of named.entries()) {
      if (!item) continue;
      const { entry, child, remote } = item;
      if (entry.isDirectory()) {
        folders.push([child, remote]);
        continue;
      }
      const info = infos[index];
      if (!info?.isFile()) continue;
      part.files.push({
        segments: child,
        target: remote,
        size: info.size,
        mtime: Math.floor(info.mtimeMs / 1000),
        mode: info.mode & 0o777,
      });
    }
    const below = await Promise.all(folders.map(([child, remote]) => walk(child, remote)));
    for (const [index, sub] of below.entries()) {
      part.directories.push((folders[index] as [string[], string[]])[1], ...sub.directories);
      part.files.push(...sub.files);
      part.skipped.push(...sub.skipped);
    }
    return part;
  };
  return walk([], []);
}

/**
 * The remote counterpart of `scanLocal`, with the same rule for symlinks. Each folder's entries go
 * through the local-name policy together, so names that would be one file on this computer's disk
 * ("README" and "readme" on Windows or macOS) are saved apart.
 */
export async function scanRemote(
  sftp: SftpSession,
  root: string,
  signal: AbortSignal,
  platform: LocalPlatform = currentLocalPlatform(),
): Promise<Tree> {
  // Sub-folders are listed FOLDER_REQUESTS at a time (one after the other, ~330 folders of a
  // 5,000-file tree cost ~1,000 round trips); each folder's part is put in walk order afterwards,
  // so the tree is the same as one listed one folder at a time: parents before their children.
  const limit = limiter(FOLDER_REQUESTS);
  const walk = async (segments: string[], target: string[]): Promise<Tree> => {
    stopIfAborted(signal);
    const part: Tree = { directories: [], files: [], skipped: [], renamed: [] };
    const entries = await limit(() => sftp.readdir(posix.join(root, ...segments)));
    const kept: { filename: string; attrs: Stats }[] = [];
    for (const entry of entries) {
      let attrs: Stats = entry.attrs;
      if (attrs.isSymbolicLink()) {
        const linked = await sftp.stat(posix.join(root, ...segments, entry.filename)).catch(() => undefined);
        if (!linked?.isFile()) continue;
        attrs = linked;
      }
      if (attrs.isDirectory() || attrs.isFile()) kept.push({ filename: entry.filename, attrs });
    }
    const names = planLocalNames(
      kept.map((entry) => entry.filename),
      platform,
    );
    const folders: [string[], string[]][] = [];
    for (const [index, { filename, attrs }] of kept.entries()) {
      const name = names[index] ?? { skip: 'no local name was planned' };
      const shown = [...segments, filename].join('/');
      if ('skip' in name) {
        part.skipped.push({ name: shown, reason: name.skip });
        continue;
      }
      const child = [...segments, filename];
      const local = [...target, name.saveAs];
      if (name.reason) part.renamed.push({ name: shown, savedAs: local.join('/'), reason: name.reason });
      if (attrs.isDirectory()) {
        folders.push([child, local]);
      } else {
        part.files.push({
          segments: child,
          target: local,
          size: attrs.size,
          mtime: attrs.mtime,
          mode: downloadMode(attrs.mode, platform),
        });
      }
    }
    const below = await Promise.all(folders.map(([child, local]) => walk(child, local)));
    for (const [index, sub] of below.entries()) {
      part.directories.push((folders[index] as [string[], string[]])[1], ...sub.directories);
      part.files.push(...sub.files);
      part.skipped.push(...sub.skipped);
      part.renamed.push(...sub.renamed);
    }
    return part;
  };
  return walk([], []);
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
  rules: UploadRules = SEND_AS_IS,
): Promise<Tree> {
  const { direction, localPath, remotePath } = job;
  if (direction === 'upload') {
    const tree = await scanLocal(localPath, signal, rules);
    if (tree.skipped.length > 0) job.skipped = tree.skipped;
    tree.created = await createRemoteFolders(sftp, remotePath, tree.directories, UPLOAD_FOLDER_MODE);
    return tree;
  }
  const tree = await scanRemote(sftp, remotePath, signal, platform);
  if (tree.skipped.length > 0) job.skipped = tree.skipped;
  if (tree.renamed.length > 0) job.renamed = tree.renamed;
  // Second wall: whatever the name policy let through must still land under the chosen folder.
  tree.directories = tree.directories.filter((dir) => staysUnder(localPath, dir));
  tree.files = tree.files.filter((file) => staysUnder(localPath, file.target));
  // mkdir answers the first folder it created: a folder made here is empty, its files need no look.
  tree.created = new Set();
  const made = await mkdir(localPath, { recursive: true }).catch((error: unknown) => {
    throw localError(error, 'create the folder', localPath);
  });
  if (made !== undefined) tree.created.add(localPath);
  for (const dir of tree.directories) {
    const path = join(localPath, ...dir);
    if ((await mkdir(path, { recursive: true }).catch(() => undefined)) !== undefined) tree.created.add(path);
  }
  return tree;
}

/** What the scan tells the `index`th file's first run (JobBook's `Entry.hint`). */
export function scanHint(tree: Tree, index: number, child: TransferJob): ScanHint {
  const file = tree.files[index];
  const upload = child.direction === 'upload';
  const fresh = tree.created?.has(upload ? posix.dirname(child.remotePath) : dirname(child.localPath));
  return {
    ...(fresh ? { fresh: true as const } : {}),
    ...(!upload && file ? { source: { size: file.size, mtime: file.mtime, mode: file.mode } } : {}),
  };
}
