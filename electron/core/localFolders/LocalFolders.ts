import { mkdir, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { AppError, InvalidInput, LocalFileError } from '../../../shared/src/errors.ts';
import type {
  LocalFolderEntry,
  LocalFolderListing,
  LocalFoldersApi,
  LocalPlace,
  LocalPlaces,
  LocalStart,
} from '../../../shared/src/localFolders.ts';
import type { FolderKind } from '../../../shared/src/settings.ts';
import { isAbsoluteLocalPath } from '../transfers/absoluteLocalPath.ts';
import { currentLocalPlatform, type LocalPlatform } from '../transfers/localNames.ts';
import {
  checkNewFolderName,
  folderPath,
  isHiddenFolder,
  parentOf,
  pathRules,
  rootPlace,
  trailOf,
} from './folderPaths.ts';

/** The file system calls the service makes: Node's, or a fixture that maps Windows paths onto a temp folder. */
export interface FolderFs {
  readdir(path: string): Promise<{ name: string; isDirectory(): boolean; isSymbolicLink(): boolean }[]>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
  mkdir(path: string): Promise<unknown>;
}

export const nodeFolderFs: FolderFs = {
  readdir: (path) => readdir(path, { withFileTypes: true }),
  stat: (path) => stat(path),
  mkdir: (path) => mkdir(path),
};

export interface LocalFoldersOptions {
  /** The last folder chosen per kind ('' when none): the `folders` setting. */
  remembered: (kind: FolderKind) => Promise<string>;
  platform?: LocalPlatform;
  homeDir?: string;
  fs?: FolderFs;
  /**
   * How long a drive letter may take to answer before it is left out of the roots: a mapped network
   * drive whose server is gone can keep Windows' `stat` waiting for half a minute.
   */
  driveWaitMs?: number;
}

/** Names, once per listing, in a file manager's order: case and accents aside, `2` before `10`. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The core's computer's folders, for the browser host's in-page chooser: folders only (a file's name
 * never leaves the core), full paths only, and new folders under names the OS keeps as typed.
 */
export class LocalFolders implements LocalFoldersApi {
  private readonly platform: LocalPlatform;
  private readonly fs: FolderFs;
  private readonly home: string;

  constructor(private readonly options: LocalFoldersOptions) {
    this.platform = options.platform ?? currentLocalPlatform();
    this.fs = options.fs ?? nodeFolderFs;
    this.home = options.homeDir ?? homedir();
  }

  async start(kind: FolderKind, near?: string): Promise<LocalStart> {
    const rules = pathRules(this.platform);
    const candidates: string[] = [];
    const typed = near?.trim() ?? '';
    if (typed && !typed.includes('\u0000') && isAbsoluteLocalPath(typed, this.platform)) {
      // What the user typed, or the nearest folder of it that exists; not its root, which says little.
      for (let at = folderPath(typed, this.platform); parentOf(at, this.platform) !== null;) {
        candidates.push(at);
        at = parentOf(at, this.platform) ?? at;
      }
    }
    const remembered = await this.options.remembered(kind);
    if (remembered) candidates.push(remembered);
    candidates.push(rules.join(this.home, 'Downloads'), this.home);
    for (const candidate of candidates) {
      if (!isAbsoluteLocalPath(candidate, this.platform)) continue;
      const folder = folderPath(candidate, this.platform);
      if (await this.isFolder(folder)) return { path: folder, separator: rules.sep === '\\' ? '\\' : '/' };
    }
    throw new LocalFileError(
      `Neither your Downloads folder nor your home folder (${this.home}) can be opened on this computer: type a full path instead.`,
      { path: this.home, reason: 'notFound' },
    );
  }

  async list(path: string): Promise<LocalFolderListing> {
    const folder = folderPath(path, this.platform);
    const rules = pathRules(this.platform);
    let entries: Awaited<ReturnType<FolderFs['readdir']>>;
    try {
      entries = await this.fs.readdir(folder);
    } catch (error) {
      throw folderError(error, folder, 'open');
    }
    const found = await Promise.all(
      entries.map(async (entry): Promise<LocalFolderEntry | undefined> => {
        const link = entry.isSymbolicLink();
        if (!entry.isDirectory() && !link) return undefined;
        const full = rules.join(folder, entry.name);
        // A link counts when it leads to a folder; a broken one, or one to a file, is left out.
        if (link && !(await this.isFolder(full))) return undefined;
        return { name: entry.name, path: full, hidden: isHiddenFolder(entry.name, this.platform), link };
      }),
    );
    const folders = found.filter((entry) => entry !== undefined);
    folders.sort((a, b) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : 1));
    return {
      path: folder,
      parent: parentOf(folder, this.platform),
      trail: trailOf(folder, this.platform),
      folders,
    };
  }

  async places(): Promise<LocalPlaces> {
    const rules = pathRules(this.platform);
    const named: LocalPlace[] = [
      { name: 'Home', path: this.home },
      ...['Desktop', 'Documents', 'Downloads'].map((name) => ({ name, path: rules.join(this.home, name) })),
    ];
    const places = (
      await Promise.all(named.map(async (place) => ((await this.isFolder(place.path)) ? place : undefined)))
    ).filter((place) => place !== undefined);
    return { roots: await this.roots(), places };
  }

  async create(parent: string, name: string): Promise<string> {
    const folder = folderPath(parent, this.platform, 'The folder to make it in');
    checkNewFolderName(name, this.platform);
    const made = pathRules(this.platform).join(folder, name);
    try {
      await this.fs.mkdir(made);
    } catch (error) {
      throw folderError(error, (error as NodeJS.ErrnoException).code === 'EEXIST' ? made : folder, 'make');
    }
    return made;
  }

  private async roots(): Promise<LocalPlace[]> {
    if (this.platform === 'linux') return [rootPlace('/', 'linux')];
    if (this.platform === 'darwin') {
      // Mounted disks and shares; the start-up disk's entry in /Volumes is a link to / itself.
      const volumes = await this.list('/Volumes').catch(() => undefined);
      const mounted = (volumes?.folders ?? []).filter((volume) => !volume.link && !volume.hidden);
      return [rootPlace('/', 'darwin'), ...mounted.map(({ name, path }) => ({ name, path }))];
    }
    const letters = Array.from({ length: 26 }, (_, i) => `${String.fromCharCode(65 + i)}:\\`);
    const wait = this.options.driveWaitMs ?? 2000;
    const present = await Promise.all(
      letters.map((root) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), wait)));
        return Promise.race([this.isFolder(root), late]).finally(() => clearTimeout(timer));
      }),
    );
    return letters.filter((_, i) => present[i]).map((root) => rootPlace(root, 'win32'));
  }

  private async isFolder(path: string): Promise<boolean> {
    return this.fs.stat(path).then(
      (found) => found.isDirectory(),
      () => false,
    );
  }
}

/** A file system refusal in words a user can act on, naming the folder. */
function folderError(error: unknown, path: string, doing: 'open' | 'make'): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const where = doing === 'open' ? `open ${path}` : `make a folder in ${path}`;
  switch (code) {
    case 'ENOENT':
      return new LocalFileError(
        `${path} does not exist on this computer (any more): choose another folder.`,
        { path, reason: 'notFound' },
      );
    case 'ENOTDIR':
      return new LocalFileError(`${path} is a file, not a folder: choose a folder.`, {
        path,
        reason: 'notAFolder',
      });
    case 'EACCES':
    case 'EPERM':
      return new LocalFileError(
        `You may not ${where}: permission denied on this computer. Choose a folder of your own, such as Downloads.`,
        { path, reason: 'permissionDenied' },
      );
    case 'EEXIST':
      return new LocalFileError(`${path} is already there: open it, or give the new folder another name.`, {
        path,
        reason: 'exists',
      });
    case 'EROFS':
      return new LocalFileError(`Cannot ${where}: that disk is read-only. Choose a folder on another disk.`, {
        path,
        reason: 'permissionDenied',
      });
    case 'ENOSPC':
      return new LocalFileError(`Cannot ${where}: the disk is full.`, { path, reason: 'failure' });
    case 'ENAMETOOLONG':
      return new InvalidInput(`Cannot ${where}: the path is longer than this computer allows.`, { path });
    default:
      return new LocalFileError(`Cannot ${where}: ${(error as Error).message}`, { path, reason: 'failure' });
  }
}
