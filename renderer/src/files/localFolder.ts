import { useEffect, useState } from 'react';
import type { FolderKind } from '../../../shared/src/settings.ts';
import { fileNameOf } from '../folders/destinationPath.ts';
import { useCore } from '../host/HostContext.tsx';

/** A folder on the core's computer and that computer's path separator. */
export interface LocalFolder {
  readonly dir: string;
  readonly separator: '/' | '\\';
}

/** `name` in `folder`, joined with the core's separator (a Windows core wants `\`). */
export function inFolder(folder: LocalFolder, name: string): string {
  const dir = folder.dir.endsWith(folder.separator) ? folder.dir.slice(0, -1) : folder.dir;
  return `${dir}${folder.separator}${name}`;
}

/**
 * Whether a typed local path is absolute, as far as the page can tell: `/…`, `C:\…`, `C:/…`, `\\server\…`.
 * The core decides by its own OS's rules (absoluteLocalPath.ts); this only says it early.
 */
export function looksAbsolute(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path.trim());
}

/** What to say when a typed path is not absolute, with the user's own Downloads folder as the example. */
export function absoluteHint(folder: LocalFolder | null | undefined, what: string): string {
  const example = folder ? `, such as ${folder.dir}` : '';
  return `Type the full path of ${what}${example}: a relative one would land wherever the app was started.`;
}

/**
 * Where a destination of `kind` is offered: the last folder chosen for it, else Downloads (else home),
 * from `localFolders.start`. Undefined while asked, null when the core could not say.
 */
export function useStartFolder(kind: FolderKind): LocalFolder | null | undefined {
  const core = useCore();
  const [folder, setFolder] = useState<LocalFolder | null>();
  useEffect(() => {
    let live = true;
    core.localFolders.start(kind).then(
      (start) => live && setFolder({ dir: start.path, separator: start.separator }),
      () => live && setFolder(null),
    );
    return () => {
      live = false;
    };
  }, [core, kind]);
  return folder;
}

/**
 * A file path suggested in the kind's start folder that follows `fileName` (e.g. `.sql` ↔ `.sql.gz`)
 * until the user types one of their own. `moveTo` puts it in a folder chosen with "Choose…": the
 * suggestion keeps following the name there, and a typed path keeps its own name.
 */
export function useSuggestedFile(fileName: string, kind: FolderKind) {
  const start = useStartFolder(kind);
  const [chosen, setChosen] = useState<LocalFolder>();
  const [typed, setTyped] = useState<string>();
  const folder = chosen ?? start;
  const suggestion = folder ? inFolder(folder, fileName) : '';
  const moveTo = (next: LocalFolder) => {
    setChosen(next);
    if (typed !== undefined) setTyped(inFolder(next, fileNameOf(typed, next.separator) || fileName));
  };
  return {
    folder,
    path: typed ?? suggestion,
    /** Whether the user typed the path: the suggestion follows the name by itself. */
    typed: typed !== undefined,
    setPath: setTyped,
    placeholder: suggestion,
    moveTo,
  };
}
