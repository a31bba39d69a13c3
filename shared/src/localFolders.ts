import { methodList } from './rpc/methods.ts';
import type { FolderKind } from './settings.ts';

/*
 * The folders of the computer the core runs on, for the browser host's in-page folder chooser (the
 * desktop shell uses the OS's own dialog). Folders only: a page can see which folders exist, never
 * a file's name or contents.
 */

/** A folder one can open: its name as shown and its full path on the core's computer. */
export interface LocalPlace {
  name: string;
  path: string;
}

/** One folder in a listing. */
export interface LocalFolderEntry extends LocalPlace {
  /** A dot-folder (and, on Windows, a system folder such as `$Recycle.Bin`): hidden unless asked for. */
  hidden: boolean;
  /** A symbolic link (or Windows junction) to a folder: opened through the link, marked in the list. */
  link: boolean;
}

/** A folder's sub-folders, sorted by name as a file manager sorts them (`file2` before `file10`). */
export interface LocalFolderListing {
  /** The folder, normalised: no `..`, no trailing separator but a root's own (`/`, `C:\`). */
  path: string;
  /** The folder above, or null at a root. */
  parent: string | null;
  /** From the root down to the folder itself, for a breadcrumb. */
  trail: LocalPlace[];
  folders: LocalFolderEntry[];
}

/** Where a chooser opens, and how the core's computer joins a path. */
export interface LocalStart {
  path: string;
  separator: '/' | '\\';
}

/** The roots (`/`, or every drive letter; mounted volumes on a Mac) and the usual places of the user. */
export interface LocalPlaces {
  roots: LocalPlace[];
  /** Home, Desktop, Documents, Downloads: those that exist. */
  places: LocalPlace[];
}

export interface LocalFoldersApi {
  /**
   * The folder a chooser for `kind` opens at: the nearest existing folder of `near` (what the user
   * typed, a file's path or a folder's), else the last folder chosen for the kind, else Downloads
   * (else the home folder).
   */
  start(kind: FolderKind, near?: string): Promise<LocalStart>;
  /** The sub-folders of a full path. */
  list(path: string): Promise<LocalFolderListing>;
  places(): Promise<LocalPlaces>;
  /** Makes a new folder `name` in `parent` and returns its path. */
  create(parent: string, name: string): Promise<string>;
}

export const LOCAL_FOLDERS_METHODS = methodList<LocalFoldersApi>()(['start', 'list', 'places', 'create']);
