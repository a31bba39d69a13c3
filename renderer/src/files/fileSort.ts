import type { RemoteFileEntry } from '../../../shared/src/files.ts';

export type SortColumn = 'name' | 'size' | 'mtime' | 'permissions' | 'owner';
export interface FileSort {
  column: SortColumn;
  direction: 'ascending' | 'descending';
}

const isFolder = (e: RemoteFileEntry) => e.type === 'directory' || e.targetType === 'directory';
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Each value's place in the collator's order (values the collator finds equal share one).
 * `Intl.Collator.compare` costs about 15 µs a call here: sorting 10,000 names with it took 150–280 ms
 * on a loaded 2-core machine, against about 10 ms comparing numbers. So strings are compared
 * with it once per distinct value, and every sort compares these ranks instead.
 */
function ranksOf(values: readonly string[]): Int32Array {
  const distinct = [...new Set(values)].sort(collator.compare);
  const rankOf = new Map<string, number>();
  let rank = -1;
  let previous: string | undefined;
  for (const value of distinct) {
    if (previous === undefined || collator.compare(previous, value) !== 0) rank += 1;
    rankOf.set(value, rank);
    previous = value;
  }
  return Int32Array.from(values, (value) => rankOf.get(value) ?? 0);
}

/** What a listing's sorts share, computed once per listing (the pane's `entries` array). */
interface SortKeys {
  folder: Uint8Array;
  name: Int32Array;
  /** The other columns' keys, ranked on first use. */
  byColumn: Map<SortColumn, ArrayLike<number>>;
}
const keysOfListing = new WeakMap<readonly RemoteFileEntry[], SortKeys>();

function sortKeys(entries: readonly RemoteFileEntry[]): SortKeys {
  let keys = keysOfListing.get(entries);
  if (!keys) {
    keys = {
      folder: Uint8Array.from(entries, (e) => (isFolder(e) ? 1 : 0)),
      name: ranksOf(entries.map((e) => e.name)),
      byColumn: new Map(),
    };
    keysOfListing.set(entries, keys);
  }
  return keys;
}

function columnKeys(entries: readonly RemoteFileEntry[], keys: SortKeys, column: SortColumn) {
  if (column === 'name') return keys.name;
  let values = keys.byColumn.get(column);
  if (!values) {
    values =
      column === 'size'
        ? Float64Array.from(entries, (e) => e.size)
        : column === 'mtime'
          ? Float64Array.from(entries, (e) => e.mtime)
          : column === 'permissions'
            ? ranksOf(entries.map((e) => e.permissions))
            : ranksOf(entries.map((e) => e.owner ?? String(e.uid)));
    keys.byColumn.set(column, values);
  }
  return values;
}

/**
 * Folders first (as every file manager does), then by the chosen column; name breaks ties.
 * Sorting the same listing again (another column, the other direction) reuses its keys.
 */
export function sortEntries(entries: readonly RemoteFileEntry[], sort: FileSort): RemoteFileEntry[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  const keys = sortKeys(entries);
  const { folder, name } = keys;
  const key = columnKeys(entries, keys, sort.column);
  const rows = entries.map((entry, i) => ({
    entry,
    folder: folder[i] ?? 0,
    key: key[i] ?? 0,
    name: name[i] ?? 0,
  }));
  rows.sort((a, b) => b.folder - a.folder || sign * (a.key - b.key || a.name - b.name));
  return rows.map((row) => row.entry);
}

export { isFolder };
