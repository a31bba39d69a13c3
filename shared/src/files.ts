import type { ConnectionTarget } from './connections.ts';
import type { CallOptions } from './rpc/protocol.ts';
import { methodList } from './rpc/methods.ts';

export type RemoteFileType = 'file' | 'directory' | 'symlink' | 'other';

/** One entry of a remote folder, as the file browser shows it. */
export interface RemoteFileEntry {
  name: string;
  /** Absolute path on the node (POSIX). */
  path: string;
  /** The entry itself: a symlink is `symlink`, whatever it points to. */
  type: RemoteFileType;
  size: number;
  /** Modification time, ms since epoch (SFTP v3 carries whole seconds). */
  mtime: number;
  /** The full POSIX mode, type bits included (e.g. 0o100644). */
  mode: number;
  /** `ls -l` style, e.g. `-rw-r--r--`, `drwxr-x---`, `lrwxrwxrwx`. */
  permissions: string;
  uid: number;
  gid: number;
  /** User and group names, when the server's long listing gives them. */
  owner?: string;
  group?: string;
  /** For a symlink: where it points (as stored) and what that is (absent when dangling). */
  target?: string;
  targetType?: RemoteFileType;
}

export interface MkdirOptions {
  /** Create missing parents too; an existing folder is then not an error. */
  recursive?: boolean;
  mode?: number;
}

export interface RemoveOptions {
  /** Remove a folder with everything in it. Symlinks inside are removed, never followed. */
  recursive?: boolean;
}

export interface RenameOptions {
  /** Replace an existing file at the destination (atomically where the server allows). */
  overwrite?: boolean;
}

/** The largest file `readText` / `writeText` handle; bigger files go through transfers. */
export const TEXT_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Browsing and small edits on one node over SFTP. Every operation is an SFTP request — no shell —
 * so any file name works. Failures are `TransferFailed` with `details.reason` (`notFound`,
 * `permissionDenied`, `exists`, `notEmpty`, `notDirectory`, `isDirectory`, `tooLarge`, `connection`,
 * `failure`) and `details.path`.
 */
export interface RemoteFileSystem {
  list(path: string, options?: CallOptions): Promise<RemoteFileEntry[]>;
  /** The entry itself (a symlink is reported as one, with its target). */
  stat(path: string): Promise<RemoteFileEntry>;
  mkdir(path: string, options?: MkdirOptions): Promise<void>;
  rename(from: string, to: string, options?: RenameOptions): Promise<void>;
  remove(path: string, options?: RemoveOptions, callOptions?: CallOptions): Promise<void>;
  /** `mode` as a number (0o755) or an octal string ('755'). */
  chmod(path: string, mode: number | string): Promise<void>;
  readText(path: string): Promise<string>;
  /** Replaces the file atomically (temp file beside it, then rename); keeps an existing file's mode. */
  writeText(path: string, text: string): Promise<void>;
  home(): Promise<string>;
  realpath(path: string): Promise<string>;
}

/**
 * The file browser as the UI reaches it: every operation of {@link RemoteFileSystem}, with the
 * node's connection target first.
 */
export type FilesApi = {
  [K in keyof RemoteFileSystem]: (
    target: ConnectionTarget,
    ...args: Parameters<RemoteFileSystem[K]>
  ) => ReturnType<RemoteFileSystem[K]>;
};

export const FILES_METHODS = methodList<FilesApi>()([
  'list',
  'stat',
  'mkdir',
  'rename',
  'remove',
  'chmod',
  'readText',
  'writeText',
  'home',
  'realpath',
]);
