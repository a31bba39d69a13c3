import { useCallback, useMemo, useRef, useState } from 'react';
import type { Selection } from 'react-aria-components';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import type { FileSort, SortColumn } from './fileSort.ts';
import { rangeBetween, rowAfterKey, typeAheadMatch } from './gridKeys.ts';

/** Typed letters within this long of each other search on together (react-aria's pause too). */
const TYPE_AHEAD_PAUSE_MS = 1000;

export interface FileGridOptions {
  entries: readonly RemoteFileEntry[];
  columns: readonly SortColumn[];
  selected: Selection;
  onSelect: (selection: Selection) => void;
  onOpen: (entry: RemoteFileEntry) => void;
  sort: FileSort;
  onSort: (sort: FileSort) => void;
  /** How many rows fit in view, for PageUp and PageDown. */
  pageSize: () => number;
  /** Brings a row into view (the grid keeps only the rows in view in the page). */
  scrollToRow: (index: number) => void;
}

/**
 * The file grid's focus, selection and keyboard, as a file manager has them: the arrow keys, Home,
 * End, PageUp and PageDown move the focus and select the row they land on (with Shift: the range
 * from the anchor; with Ctrl or ⌘: the focus only, Space then toggles), Enter opens, Ctrl+A selects
 * all, Escape clears, typing jumps to the next name that starts with the letters typed. ArrowUp from
 * the first row reaches the column headers, where Left/Right move and Enter or Space sorts.
 *
 * The grid element keeps the DOM focus and names the focused row with `aria-activedescendant`, so a
 * row scrolled out of the page takes no focus with it. The focused row is held by its path, so it
 * stays on the same entry when the listing is sorted or refreshed.
 */
export function useFileGrid(options: FileGridOptions) {
  const { entries, columns, selected, onSelect, onOpen, sort, onSort } = options;
  const [activePath, setActivePath] = useState<string>();
  const [activeColumn, setActiveColumn] = useState<number>();
  const anchor = useRef<string>(undefined);
  const typed = useRef({ text: '', at: 0 });

  const indexOf = useMemo(() => new Map(entries.map((e, i) => [e.path, i])), [entries]);
  const activeIndex = activePath === undefined ? undefined : indexOf.get(activePath);
  const isSelected = (path: string) => selected === 'all' || selected.has(path);

  const sortBy = useCallback(
    (column: SortColumn) =>
      onSort({
        column,
        direction: sort.column === column && sort.direction === 'ascending' ? 'descending' : 'ascending',
      }),
    [sort, onSort],
  );

  /** Focus row `index`; 'replace' selects it alone, 'extend' the range from the anchor. */
  const focusRow = (index: number, how: 'replace' | 'extend' | 'toggle' | 'focus', scroll = true) => {
    const entry = entries[index];
    if (!entry) return;
    setActivePath(entry.path);
    setActiveColumn(undefined);
    if (how === 'replace') {
      anchor.current = entry.path;
      onSelect(new Set([entry.path]));
    } else if (how === 'toggle') {
      anchor.current = entry.path;
      const next = new Set(selected === 'all' ? entries.map((e) => e.path) : selected);
      if (next.has(entry.path)) next.delete(entry.path);
      else next.add(entry.path);
      onSelect(next);
    } else if (how === 'extend') {
      const anchored = anchor.current === undefined ? undefined : indexOf.get(anchor.current);
      const from = anchored ?? activeIndex ?? index;
      onSelect(new Set(rangeBetween(from, index).flatMap((i) => entries[i]?.path ?? [])));
    }
    if (scroll) options.scrollToRow(index);
  };

  const onHeaderKey = (event: React.KeyboardEvent, column: number) => {
    const last = columns.length - 1;
    const to = (c: number) => setActiveColumn(Math.min(last, Math.max(0, c)));
    if (event.key === 'ArrowLeft') to(column - 1);
    else if (event.key === 'ArrowRight') to(column + 1);
    else if (event.key === 'Home') to(0);
    else if (event.key === 'End') to(last);
    else if (event.key === 'ArrowDown' && entries.length > 0) focusRow(activeIndex ?? 0, 'focus');
    else if ((event.key === 'Enter' || event.key === ' ') && columns[column]) sortBy(columns[column]);
    else return;
    event.preventDefault();
  };

  const typeAhead = (event: React.KeyboardEvent) => {
    const now = event.timeStamp;
    const continuing = typed.current.text !== '' && now - typed.current.at < TYPE_AHEAD_PAUSE_MS;
    const text = (continuing ? typed.current.text : '') + event.key;
    typed.current = { text, at: now };
    const names = entries.map((e) => e.name);
    const match = typeAheadMatch(names, text, activeIndex ?? -1, continuing);
    if (match !== undefined) focusRow(match, 'replace');
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    // Taken already (the workbench's shortcuts listen first), or meant for something inside a row.
    if (event.defaultPrevented || event.altKey || event.target !== event.currentTarget) return;
    if (activeColumn !== undefined) return onHeaderKey(event, activeColumn);
    const mod = event.ctrlKey || event.metaKey;
    if (event.key === 'ArrowUp' && activeIndex === 0 && !event.shiftKey) {
      event.preventDefault();
      setActiveColumn(0);
      return;
    }
    const next = rowAfterKey(event.key, activeIndex, entries.length, options.pageSize());
    if (next !== undefined) {
      event.preventDefault();
      focusRow(next, event.shiftKey ? 'extend' : mod ? 'focus' : 'replace');
      return;
    }
    const active = activeIndex === undefined ? undefined : entries[activeIndex];
    const typing = typed.current.text !== '' && event.timeStamp - typed.current.at < TYPE_AHEAD_PAUSE_MS;
    if (event.key === 'Enter' && active) onOpen(active);
    else if (event.key === ' ' && !typing && activeIndex !== undefined)
      focusRow(activeIndex, mod ? 'toggle' : 'replace', false);
    else if (mod && event.key.toLowerCase() === 'a') onSelect('all');
    else if (event.key === 'Escape' && (selected === 'all' || selected.size > 0)) onSelect(new Set());
    else if (event.key.length === 1 && !mod && entries.length > 0) typeAhead(event);
    else return;
    event.preventDefault();
  };

  /** A press on a row (the primary button): select it, with Shift a range, with Ctrl or ⌘ toggle. */
  const onRowPress = (index: number, event: React.MouseEvent) => {
    if (event.button !== 0) return;
    const how = event.shiftKey ? 'extend' : event.ctrlKey || event.metaKey ? 'toggle' : 'replace';
    focusRow(index, how, false);
  };

  /** The grid itself takes the focus (Tab, a click, a new folder opened from the keyboard). */
  const onFocus = (event: React.FocusEvent) => {
    if (event.target !== event.currentTarget || activeIndex !== undefined || activeColumn !== undefined)
      return;
    const first = selected === 'all' ? 0 : Math.min(...[...selected].map((k) => indexOf.get(String(k)) ?? 0));
    const start = entries[Number.isFinite(first) ? first : 0];
    // Functional: a press on a row may have focused that row in the same gesture.
    if (start) setActivePath((path) => (path !== undefined && indexOf.has(path) ? path : start.path));
  };

  return { activeIndex, activeColumn, isSelected, sortBy, onKeyDown, onRowPress, onFocus };
}
