import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef } from 'react';
import type { Selection } from 'react-aria-components';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import type { FileSort } from './fileSort.ts';
import { COLUMNS, columnId, FileHeader, FileRow, rowId } from './FileRows.tsx';
import { useFileGrid } from './useFileGrid.ts';

/*
 * Fixed heights: rows are placed without measuring them, so a folder of 10,000 entries costs as
 * little as one of 20. They match the line heights of `.files-table` in styles/app.css.
 */
const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 30;
const SORT_COLUMNS = COLUMNS.map((c) => c.id);

/**
 * The folder's entries as an ARIA grid (rows named by their file name, sortable column headers),
 * windowed with @tanstack/react-virtual: only the rows in view, a few around them and the focused
 * one are in the page. The grid is its own scroll container (filling the pane), its header sticks
 * to the top. It replaced react-aria's Table in its Virtualizer, which built a collection of
 * 10,000 rows × 5 cells whenever a folder opened or was sorted and re-rendered the rows in view on
 * every key: seconds per folder, End or sort at 10,000 entries (docs/renderer.md).
 */
export function FileTable(props: {
  path: string;
  entries: RemoteFileEntry[];
  sort: FileSort;
  onSort: (sort: FileSort) => void;
  selected: Selection;
  onSelect: (selection: Selection) => void;
  onOpen: (entry: RemoteFileEntry) => void;
  loading: boolean;
  dropTarget: string | undefined;
  /** Take the focus when shown: the arrow keys, Home and End then move through its rows. */
  autoFocus?: boolean;
}) {
  const { entries, autoFocus } = props;
  const gridId = useId();
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) grid.current?.focus();
  }, [autoFocus]);

  const rows = useRef<{ scrollToIndex: (index: number) => void }>(null);
  const state = useFileGrid({
    entries,
    columns: SORT_COLUMNS,
    selected: props.selected,
    onSelect: props.onSelect,
    onOpen: props.onOpen,
    sort: props.sort,
    onSort: props.onSort,
    pageSize: () => Math.floor(((grid.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1,
    scrollToRow: (index) => rows.current?.scrollToIndex(index),
  });
  const { activeIndex, activeColumn } = state;

  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => grid.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // The body starts below the header, which stays over the top of the view when scrolled.
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    // The focused row stays in the page when scrolled away, so `aria-activedescendant` names a row.
    rangeExtractor: (range) => {
      const indexes = defaultRangeExtractor(range);
      if (activeIndex !== undefined && !indexes.includes(activeIndex)) indexes.push(activeIndex);
      return indexes;
    },
  });
  rows.current = virtualizer;

  /** The row a pointer event is on, by the index it carries. */
  const rowIndexOf = (event: React.MouseEvent) => {
    const row = (event.target as Element).closest('.files-body [data-index]');
    return row ? Number(row.getAttribute('data-index')) : undefined;
  };

  return (
    <div
      ref={grid}
      role="grid"
      aria-label={`Files in ${props.path}`}
      aria-rowcount={entries.length + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      aria-activedescendant={
        activeColumn !== undefined
          ? columnId(gridId, activeColumn)
          : activeIndex !== undefined
            ? rowId(gridId, activeIndex)
            : undefined
      }
      tabIndex={0}
      className="files-table"
      onKeyDown={state.onKeyDown}
      onFocus={state.onFocus}
      onMouseDown={(event) => {
        const index = rowIndexOf(event);
        if (index !== undefined) state.onRowPress(index, event);
      }}
      onDoubleClick={(event) => {
        const entry = entries[rowIndexOf(event) ?? -1];
        if (entry) props.onOpen(entry);
      }}
    >
      <FileHeader grid={gridId} sort={props.sort} activeColumn={activeColumn} onSort={state.sortBy} />
      <div role="rowgroup" className="files-body" style={{ height: virtualizer.getTotalSize() }}>
        {entries.length === 0 ? (
          <div role="row" className="files-row files-empty">
            <div role="gridcell" className="muted empty">
              {props.loading ? 'Loading…' : 'This folder is empty.'}
            </div>
          </div>
        ) : (
          virtualizer.getVirtualItems().map((item) => {
            const entry = entries[item.index];
            return (
              entry && (
                <FileRow
                  key={entry.path}
                  grid={gridId}
                  entry={entry}
                  index={item.index}
                  top={item.start - HEADER_HEIGHT}
                  selected={state.isSelected(entry.path)}
                  active={item.index === activeIndex && activeColumn === undefined}
                  dropTarget={props.dropTarget === entry.path}
                />
              )
            );
          })
        )}
      </div>
    </div>
  );
}
