import { memo } from 'react';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { formatBytes } from '../transfers/format.ts';
import type { FileSort, SortColumn } from './fileSort.ts';
import { isFolder } from './fileSort.ts';

export const COLUMNS: readonly { id: SortColumn; label: string }[] = [
  { id: 'name', label: 'Name' },
  { id: 'size', label: 'Size' },
  { id: 'mtime', label: 'Modified' },
  { id: 'permissions', label: 'Permissions' },
  { id: 'owner', label: 'Owner' },
];

/* One formatter for every row: `toLocaleString` builds a new one per call. */
const MODIFIED = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});

/** The id `aria-activedescendant` names a row or column header by. */
export const rowId = (grid: string, index: number) => `${grid}-row-${index}`;
export const columnId = (grid: string, column: number) => `${grid}-column-${column}`;

/**
 * One entry's row, placed at `top` in the grid's body. Memoized on plain values: moving the focus
 * or the selection re-renders the one or two rows it changes, not every row in view. Pointer
 * events are handled once on the grid (delegated by `data-index`), so no handler props change.
 * The icon carries the path and whether it is a folder for the pane's context menu and drop.
 */
export const FileRow = memo(function FileRow(props: {
  grid: string;
  entry: RemoteFileEntry;
  index: number;
  top: number;
  selected: boolean;
  active: boolean;
  dropTarget: boolean;
}) {
  const { entry, index } = props;
  const folder = isFolder(entry);
  return (
    <div
      role="row"
      id={rowId(props.grid, index)}
      aria-rowindex={index + 2}
      aria-selected={props.selected}
      aria-label={entry.name}
      className="files-row"
      data-index={index}
      data-selected={props.selected || undefined}
      data-active={props.active || undefined}
      data-drop-target={props.dropTarget || undefined}
      style={{ transform: `translateY(${props.top}px)` }}
    >
      <div role="rowheader" className="files-cell">
        <span
          className={`file-icon ${folder ? 'directory' : entry.type}`}
          aria-hidden="true"
          data-path={entry.path}
          data-folder={folder ? 'true' : undefined}
        />
        {entry.name}
      </div>
      <div role="gridcell" className="files-cell">
        {folder ? '' : formatBytes(entry.size)}
      </div>
      <div role="gridcell" className="files-cell">
        {MODIFIED.format(entry.mtime)}
      </div>
      <div role="gridcell" className="files-cell">
        <code>{entry.permissions}</code>
      </div>
      <div role="gridcell" className="files-cell">
        {entry.owner ?? entry.uid}
      </div>
    </div>
  );
});

/** The column headers: a press sorts by the column, a second press the other way. */
export const FileHeader = memo(function FileHeader(props: {
  grid: string;
  sort: FileSort;
  activeColumn: number | undefined;
  onSort: (column: SortColumn) => void;
}) {
  return (
    <div role="rowgroup" className="files-head">
      <div role="row" aria-rowindex={1} className="files-row">
        {COLUMNS.map((column, i) => (
          <div
            key={column.id}
            role="columnheader"
            id={columnId(props.grid, i)}
            aria-sort={props.sort.column === column.id ? props.sort.direction : undefined}
            className="files-column"
            data-active={props.activeColumn === i || undefined}
            onClick={() => props.onSort(column.id)}
          >
            {column.label}
          </div>
        ))}
      </div>
    </div>
  );
});
