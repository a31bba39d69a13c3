import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef } from 'react';
import type { LocalFolderEntry } from '../../../shared/src/localFolders.ts';
import { rowAfterKey, typeAheadMatch } from '../files/gridKeys.ts';

/** Fixed, as the file grid's rows: placed without measuring, so 10,000 folders cost what 20 do. */
const ROW_HEIGHT = 28;
/** Typed letters within this long of each other search on together, as in the file grid. */
const TYPE_AHEAD_PAUSE_MS = 1000;

/**
 * A folder's sub-folders as an ARIA listbox, windowed with @tanstack/react-virtual like the file
 * grid (files/FileTable.tsx): only the rows in view and the highlighted one are in the page. The
 * list keeps the DOM focus and names the highlighted row with `aria-activedescendant`. The arrow
 * keys, Home, End, PageUp and PageDown highlight; typing jumps to a name; Enter or a double click
 * opens; Backspace goes up.
 */
export function FolderList(props: {
  label: string;
  /** The folder shown: the list takes the focus when the chooser opens and whenever another is shown. */
  path: string | undefined;
  folders: readonly LocalFolderEntry[];
  /** The highlighted folder's path: what "Choose" takes instead of the folder shown. */
  active: string | undefined;
  onActive: (path: string | undefined) => void;
  onOpen: (path: string) => void;
  onUp: () => void;
  loading: boolean;
}) {
  const { folders, active } = props;
  const listId = useId();
  const list = useRef<HTMLDivElement>(null);
  const typed = useRef({ text: '', at: 0 });
  const activeIndex = active === undefined ? undefined : folders.findIndex((f) => f.path === active);
  const found = activeIndex !== undefined && activeIndex >= 0 ? activeIndex : undefined;

  // The arrow keys work at once, also after a place, a crumb, a typed path or a new folder was opened.
  useEffect(() => list.current?.focus(), [props.path]);

  const virtualizer = useVirtualizer({
    count: folders.length,
    getScrollElement: () => list.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    rangeExtractor: (range) => {
      const indexes = defaultRangeExtractor(range);
      if (found !== undefined && !indexes.includes(found)) indexes.push(found);
      return indexes;
    },
  });

  const highlight = (index: number) => {
    const folder = folders[index];
    if (!folder) return;
    props.onActive(folder.path);
    virtualizer.scrollToIndex(index);
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const activeFolder = found === undefined ? undefined : folders[found];
    const page = Math.floor((list.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1;
    const next = rowAfterKey(event.key, found, folders.length, page);
    if (event.altKey && event.key === 'ArrowUp') props.onUp();
    else if (next !== undefined) highlight(next);
    else if (event.key === 'Enter' && activeFolder) props.onOpen(activeFolder.path);
    else if (event.key === 'Backspace') props.onUp();
    else if (event.key === 'Escape' && found !== undefined) props.onActive(undefined);
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && folders.length > 0) {
      const continuing =
        typed.current.text !== '' && event.timeStamp - typed.current.at < TYPE_AHEAD_PAUSE_MS;
      const text = (continuing ? typed.current.text : '') + event.key;
      typed.current = { text, at: event.timeStamp };
      const match = typeAheadMatch(
        folders.map((f) => f.name),
        text,
        found ?? -1,
        continuing,
      );
      if (match !== undefined) highlight(match);
    } else return;
    event.preventDefault();
    // The chooser is a dialog over another one: its keys are its own.
    event.stopPropagation();
  };

  const indexOf = (event: React.MouseEvent) => {
    const row = (event.target as Element).closest('[data-index]');
    return row ? Number(row.getAttribute('data-index')) : undefined;
  };

  return (
    <div
      ref={list}
      role="listbox"
      aria-label={props.label}
      aria-busy={props.loading}
      aria-activedescendant={found === undefined ? undefined : `${listId}-${found}`}
      tabIndex={0}
      className="folder-list"
      onKeyDown={onKeyDown}
      onMouseDown={(event) => {
        const index = indexOf(event);
        if (index !== undefined && event.button === 0) props.onActive(folders[index]?.path);
      }}
      onDoubleClick={(event) => {
        const folder = folders[indexOf(event) ?? -1];
        if (folder) props.onOpen(folder.path);
      }}
    >
      {folders.length === 0 ? (
        // As react-aria's ListBox says it: an option that cannot be chosen, so the listbox is never empty.
        <div role="option" aria-disabled="true" aria-selected="false" className="muted empty">
          {props.loading ? 'Loading…' : 'No folders in here.'}
        </div>
      ) : (
        <div className="folder-list-body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const folder = folders[item.index];
            if (!folder) return null;
            return (
              <div
                key={folder.path}
                id={`${listId}-${item.index}`}
                role="option"
                aria-selected={item.index === found}
                aria-setsize={folders.length}
                aria-posinset={item.index + 1}
                data-index={item.index}
                data-hidden={folder.hidden || undefined}
                className="folder-row"
                style={{ transform: `translateY(${item.start}px)` }}
                title={folder.link ? `${folder.name}: a link to another folder` : undefined}
              >
                <span className="file-icon directory" aria-hidden="true" />
                {folder.name}
                {folder.link && <span className="folder-link"> (link)</span>}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
