import { useMemo, useRef, useState } from 'react';
import { Menu, Popover } from 'react-aria-components';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { InlineError } from '../ui/fields.tsx';
import { fileActionItems, useFileActions } from './FileActions.tsx';
import { EditsStatus } from './EditsStatus.tsx';
import { FilesPaneDialogs } from './FilesPaneDialogs.tsx';
import { FilesToolbar, FolderLocation } from './FilesToolbar.tsx';
import { FileTable } from './FileTable.tsx';
import { isFolder, sortEntries, type FileSort } from './fileSort.ts';
import { parentOf } from './remotePath.ts';
import { StagingProgress } from './StagingProgress.tsx';
import { useEdits } from './useEdits.ts';
import { useRemoteFolder } from './useRemoteFolder.ts';
import { useUploadDrop } from './useUploadDrop.ts';

/**
 * A node's files over SFTP through the gateway: browse, sort, select; upload by dropping files and
 * folders (onto the pane or a folder row) or picking them; download, new folder, rename, delete,
 * permissions, copy path, edit in the user's editor or small text files here. Bytes move in the core;
 * the page passes paths.
 */
export function FilesPane(props: {
  target: ConnectionTarget;
  place: string;
  label: string;
  /** A `.sql`/`.sql.gz` dropped on a database node's pane goes to its import instead. */
  onSqlDrop?: ((entry: DroppedEntry) => void) | undefined;
  onTransfersStarted: () => void;
}) {
  const { target } = props;
  const tableHost = useRef<HTMLDivElement>(null);
  const menuAnchor = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<FileSort>({ column: 'name', direction: 'ascending' });
  const [menuAt, setMenuAt] = useState<{ x: number; y: number }>();
  const folder = useRemoteFolder(target, tableHost);
  const { path, selected, setSelected } = folder;
  const drop = useUploadDrop({
    target,
    path,
    onSqlDrop: props.onSqlDrop,
    onTransfersStarted: props.onTransfersStarted,
  });

  const sorted = useMemo(() => sortEntries(folder.entries, sort), [folder.entries, sort]);
  const selectedEntries = useMemo(
    () => (selected === 'all' ? sorted : sorted.filter((e) => selected.has(e.path))),
    [selected, sorted],
  );
  const single = selectedEntries.length === 1 ? selectedEntries[0] : undefined;
  const edits = useEdits(target, (edit) => {
    if (path && parentOf(edit.remotePath) === path.replace(/(.)\/+$/, '$1')) void folder.relist();
  });
  const actions = useFileActions({
    target,
    path,
    selection: selectedEntries,
    refresh: folder.refresh,
    onEdit: (entry) => void edits.open(entry),
  });
  const runAction = (key: string) => {
    setMenuAt(undefined);
    actions.run(key);
  };
  const menuItems = fileActionItems(selectedEntries, single);

  return (
    <section
      className={drop.dragging ? 'files-view dragging' : 'files-view'}
      aria-label={props.label}
      {...drop.handlers}
    >
      <FilesToolbar
        place={props.place}
        path={path}
        canDownload={selectedEntries.length > 0}
        canEdit={single !== undefined && !isFolder(single)}
        menuItems={menuItems}
        onOpen={folder.open}
        onHome={folder.home}
        onRefresh={folder.refresh}
        onUpload={drop.upload}
        onAction={runAction}
      />
      <FolderLocation
        path={path}
        location={folder.location}
        onLocationChange={folder.setLocation}
        onOpen={folder.open}
      />
      <InlineError message={folder.error} />
      {drop.staging && <StagingProgress staging={drop.staging} />}
      <EditsStatus edits={edits} place={props.place} />
      <div
        ref={tableHost}
        className="files-table-host"
        onContextMenu={(event) => {
          event.preventDefault();
          const row = rowPathUnder(event.target);
          if (row && !(selected === 'all' || selected.has(row))) setSelected(new Set([row]));
          const box = event.currentTarget.getBoundingClientRect();
          setMenuAt({ x: event.clientX - box.left, y: event.clientY - box.top });
        }}
      >
        {/*
          One table per folder: opening another starts from the top with nothing focused, rather
          than the virtualizer keeping (and laying out all rows to find) the last folder's focused row.
        */}
        <FileTable
          key={path}
          autoFocus={folder.focusTable}
          path={path ?? ''}
          entries={sorted}
          sort={sort}
          onSort={setSort}
          selected={selected}
          onSelect={setSelected}
          onOpen={(entry) => {
            if (isFolder(entry)) void folder.open(entry.path);
            else setSelected(new Set([entry.path]));
          }}
          loading={folder.loading}
          dropTarget={drop.dropTarget}
        />
        <div
          ref={menuAnchor}
          className="context-anchor"
          style={menuAt ? { left: menuAt.x, top: menuAt.y } : undefined}
        />
        {/* Without a trigger of its own the popover is a dialog, which must have a name. */}
        <Popover
          aria-label="File actions"
          triggerRef={menuAnchor}
          isOpen={menuAt !== undefined}
          onOpenChange={(isOpen) => !isOpen && setMenuAt(undefined)}
          placement="bottom start"
        >
          <Menu aria-label="File actions" onAction={(key) => runAction(String(key))} autoFocus="first">
            {menuItems}
          </Menu>
        </Popover>
      </div>
      {drop.dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop to upload to {drop.dropTarget ?? path}
        </div>
      )}
      <FilesPaneDialogs
        dialog={actions.dialog}
        target={target}
        place={props.place}
        path={path}
        refresh={folder.refresh}
        onTransfersStarted={props.onTransfersStarted}
        onClose={actions.closeDialog}
      />
    </section>
  );
}

/** The row under the pointer, by the path its name cell carries. */
function rowPathUnder(target: EventTarget | null): string | undefined {
  const row = (target as Element | null)?.closest?.('[role="row"]');
  return row?.querySelector('[data-path]')?.getAttribute('data-path') ?? undefined;
}
