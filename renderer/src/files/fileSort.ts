import type { RemoteFileEntry } from '../../../shared/src/files.ts';

export type SortColumn = 'name' | 'size' | 'mtime' | 'permissions' | 'owner';
export interface FileSort {
  column: SortColumn;
  direction: 'ascending' | 'descending';
}

const isFolder = (e: RemoteFileEntry) => e.type === 'directory' || e.targetType === 'directory';
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first (as every file manager does), then by the chosen column; name breaks ties. */
export function sortEntries(entries: readonly RemoteFileEntry[], sort: FileSort): RemoteFileEntry[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const key = (e: RemoteFileEntry): string | number =>
    sort.column === 'name'
      ? e.name
      : sort.column === 'size'
        ? e.size
        : sort.column === 'mtime'
          ? e.mtime
          : sort.column === 'permissions'
            ? e.permissions
            : (e.owner ?? String(e.uid));
  return [...entries].sort((a, b) => {
    if (isFolder(a) !== isFolder(b)) return isFolder(a) ? -1 : 1;
    const ka = key(a);
    const kb = key(b);
    const byKey =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : collator.compare(String(ka), String(kb));
    return sign * (byKey || collator.compare(a.name, b.name));
  });
}

export { isFolder };
