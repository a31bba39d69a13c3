import { useEffect, useState } from 'react';
import { useCore } from '../host/HostContext.tsx';

/** The core's Downloads folder (its home when it has none) and path separator, from `about()`. */
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

/** The Downloads folder: undefined while asked, null when the core could not say. */
export function useDownloadsFolder(): LocalFolder | null | undefined {
  const core = useCore();
  const [folder, setFolder] = useState<LocalFolder | null>();
  useEffect(() => {
    let live = true;
    core.settings.about().then(
      (about) => live && setFolder({ dir: about.downloadsDir, separator: about.pathSeparator }),
      () => live && setFolder(null),
    );
    return () => {
      live = false;
    };
  }, [core]);
  return folder;
}

/**
 * A file path suggested in the Downloads folder that follows `fileName` (e.g. `.sql` ↔ `.sql.gz`) until
 * the user types one of their own.
 */
export function useSuggestedFile(fileName: string) {
  const folder = useDownloadsFolder();
  const [typed, setTyped] = useState<string>();
  const suggestion = folder ? inFolder(folder, fileName) : '';
  return { folder, path: typed ?? suggestion, setPath: setTyped, placeholder: suggestion };
}
