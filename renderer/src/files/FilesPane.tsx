import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Selection } from 'react-aria-components';
import {
  Breadcrumb,
  Breadcrumbs,
  Button,
  FileTrigger,
  Form,
  Input,
  Link,
  Menu,
  MenuItem,
  MenuTrigger,
  Popover,
  ProgressBar,
  TextField,
} from 'react-aria-components';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { TEXT_FILE_MAX_BYTES, type RemoteFileEntry } from '../../../shared/src/files.ts';
import { FINAL_TRANSFER_STATES } from '../../../shared/src/transfers.ts';
import { errorMessage } from '../app/errorMessage.ts';
import { droppedEntries, pickedEntries, type DroppedEntry } from '../host/droppedEntries.ts';
import { useCore, useCoreEvent, useHost } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { ConfirmDialog, PromptDialog, TextEditorDialog } from '../ui/dialogs.tsx';
import { formatBytes } from '../transfers/format.ts';
import { InlineError } from '../ui/fields.tsx';
import { FileTable } from './FileTable.tsx';
import { isFolder, sortEntries, type FileSort } from './fileSort.ts';
import { crumbsOf, joinRemote, parentOf, parseMode, validEntryName } from './remotePath.ts';
import { uploadEntries } from './useUploads.ts';

type Dialog =
  | { kind: 'mkdir' }
  | { kind: 'rename'; entry: RemoteFileEntry }
  | { kind: 'delete'; entries: RemoteFileEntry[] }
  | { kind: 'chmod'; entry: RemoteFileEntry }
  | { kind: 'download'; entries: RemoteFileEntry[] }
  | { kind: 'edit'; entry: RemoteFileEntry; text: string };

const DOWNLOAD_DIR_KEY = 'enscale.downloadFolder';
const isSql = (name: string) => /\.sql(\.gz)?$/i.test(name);

/**
 * A node's files over SFTP through the gateway: browse, sort, select; upload by dropping files and
 * folders (onto the pane or a folder row) or picking them; download, new folder, rename, delete,
 * permissions, copy path, edit small text files. Bytes move in the core; the page passes paths.
 */
export function FilesPane(props: {
  target: ConnectionTarget;
  nodeId: number;
  label: string;
  /** A `.sql`/`.sql.gz` dropped on a database node's pane goes to its import instead. */
  onSqlDrop?: ((entry: DroppedEntry) => void) | undefined;
  onTransfersStarted: () => void;
}) {
  const core = useCore();
  const host = useHost();
  const notifier = useNotifier();
  const [path, setPath] = useState<string>();
  const [location, setLocation] = useState('');
  const [entries, setEntries] = useState<RemoteFileEntry[]>([]);
  const [sort, setSort] = useState<FileSort>({ column: 'name', direction: 'ascending' });
  const [selected, setSelected] = useState<Selection>(new Set());
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [dialog, setDialog] = useState<Dialog>();
  const [dropTarget, setDropTarget] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number }>();
  const [staging, setStaging] = useState<{ staged: number; total: number }>();
  const [focusTable, setFocusTable] = useState(false);
  const tableHost = useRef<HTMLDivElement>(null);
  const menuAnchor = useRef<HTMLDivElement>(null);
  const { target } = props;

  const open = useCallback(
    async (next: string) => {
      setError(undefined);
      setLoading(true);
      // Opened from the keyboard (Enter on a folder row): the new folder's table takes the focus.
      const fromTable = tableHost.current?.contains(document.activeElement) ?? false;
      try {
        const list = await core.files.list(target, next);
        setEntries(list);
        setPath(next);
        setLocation(next);
        setSelected(new Set());
        setFocusTable(fromTable);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [core, target],
  );
  const refresh = useCallback(() => (path ? open(path) : Promise.resolve()), [open, path]);

  // Uploads that end into the folder on show (dropped here, resumed from the Transfers panel,
  // started in another pane) appear without a manual refresh — a folder that failed half-way too.
  // One listing at a time however many end, applied only if the pane still shows that folder; the
  // selection is kept.
  const shown = useRef(path);
  shown.current = path;
  const relistsWanted = useRef(0);
  const relisting = useRef(false);
  const relist = useCallback(async () => {
    relistsWanted.current += 1;
    if (relisting.current) return;
    relisting.current = true;
    try {
      // Asked again while listing: list once more, for the uploads that finished meanwhile.
      for (let served = 0; served < relistsWanted.current;) {
        served = relistsWanted.current;
        const folder = shown.current;
        if (!folder) return;
        const list = await core.files.list(target, folder).catch(() => undefined);
        if (list && shown.current === folder) setEntries(list);
      }
    } finally {
      relisting.current = false;
      relistsWanted.current = 0;
    }
  }, [core, target]);
  useCoreEvent(core.transfers.events, 'job', (job) => {
    if (job.direction !== 'upload' || job.parentId || !FINAL_TRANSFER_STATES.includes(job.state)) return;
    if (!path) return;
    if (parentOf(job.remotePath) === path.replace(/(.)\/+$/, '$1')) void relist();
  });
  const home = useCallback(async () => {
    try {
      await open(await core.files.home(target));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [core, open, target]);

  useEffect(() => {
    void home();
  }, [home]);

  const sorted = useMemo(() => sortEntries(entries, sort), [entries, sort]);
  const selectedEntries = useMemo(
    () => (selected === 'all' ? sorted : sorted.filter((e) => selected.has(e.path))),
    [selected, sorted],
  );
  const single = selectedEntries.length === 1 ? selectedEntries[0] : undefined;

  const upload = async (folder: string, dropped: DroppedEntry[]) => {
    // In a browser the dropped files are first streamed to the host, which takes a while for a
    // large file or thousands of small ones: say so until the transfers appear.
    let shownPercent = -1;
    const onStaging = (staged: number, total: number) => {
      const percent = total > 0 ? Math.floor((100 * staged) / total) : 100;
      if (percent === shownPercent) return;
      shownPercent = percent;
      setStaging({ staged, total });
    };
    try {
      await uploadEntries(host, core, target, folder, dropped, onStaging);
      props.onTransfersStarted();
    } catch (e) {
      notifier.error('Upload failed', errorMessage(e));
    } finally {
      setStaging(undefined);
    }
  };

  const onDrop = (event: React.DragEvent) => {
    event.preventDefault();
    setDragging(false);
    setDropTarget(undefined);
    const folder = folderUnder(event.target) ?? path;
    const pending = droppedEntries(event.dataTransfer);
    void pending.then((dropped) => {
      if (!folder || dropped.length === 0) return;
      const sql =
        dropped.length === 1 && dropped[0]?.kind === 'file' && isSql(dropped[0].name)
          ? dropped[0]
          : undefined;
      if (sql && props.onSqlDrop) props.onSqlDrop(sql);
      else void upload(folder, dropped);
    });
  };

  const act = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (e) {
      notifier.error(what, errorMessage(e));
    }
  };

  const runAction = (key: string) => {
    setMenuAt(undefined);
    if (!path) return;
    if (key === 'mkdir') setDialog({ kind: 'mkdir' });
    if (key === 'refresh') void refresh();
    if (key === 'download' && selectedEntries.length)
      setDialog({ kind: 'download', entries: selectedEntries });
    if (key === 'rename' && single) setDialog({ kind: 'rename', entry: single });
    if (key === 'delete' && selectedEntries.length) setDialog({ kind: 'delete', entries: selectedEntries });
    if (key === 'chmod' && single) setDialog({ kind: 'chmod', entry: single });
    if (key === 'copyPath')
      void act('Could not copy the path', () => navigator.clipboard.writeText(single?.path ?? path));
    if (key === 'edit' && single)
      void act(`Could not open ${single.name}`, async () =>
        setDialog({ kind: 'edit', entry: single, text: await core.files.readText(target, single.path) }),
      );
  };

  const menuItems = (
    <>
      <MenuItem id="download" isDisabled={selectedEntries.length === 0}>
        Download
      </MenuItem>
      <MenuItem id="rename" isDisabled={!single}>
        Rename
      </MenuItem>
      <MenuItem id="chmod" isDisabled={!single}>
        Change permissions
      </MenuItem>
      <MenuItem id="edit" isDisabled={!single || isFolder(single) || single.size > TEXT_FILE_MAX_BYTES}>
        Edit
      </MenuItem>
      <MenuItem id="copyPath">Copy path</MenuItem>
      <MenuItem id="delete" isDisabled={selectedEntries.length === 0}>
        Delete
      </MenuItem>
      <MenuItem id="mkdir">New folder</MenuItem>
      <MenuItem id="refresh">Refresh</MenuItem>
    </>
  );

  return (
    <section
      className={dragging ? 'files-view dragging' : 'files-view'}
      aria-label={props.label}
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
        setDropTarget(folderUnder(event.target));
      }}
      onDragLeave={(event) => {
        if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
        setDragging(false);
        setDropTarget(undefined);
      }}
      onDrop={onDrop}
    >
      <div className="files-toolbar" role="toolbar" aria-label={`File actions on node ${props.nodeId}`}>
        <Button
          aria-label="Up"
          onPress={() => path && void open(parentOf(path))}
          isDisabled={!path || path === '/'}
        >
          ↑
        </Button>
        <Button aria-label="Home" onPress={() => void home()}>
          ⌂
        </Button>
        <Button aria-label="Refresh" onPress={() => void refresh()}>
          ↻
        </Button>
        <FileTrigger
          allowsMultiple
          onSelect={(files) => files && path && void upload(path, pickedEntries(files))}
        >
          <Button>Upload files</Button>
        </FileTrigger>
        <FileTrigger
          acceptDirectory
          onSelect={(files) => files && path && void upload(path, pickedEntries(files))}
        >
          <Button>Upload folder</Button>
        </FileTrigger>
        <Button onPress={() => runAction('download')} isDisabled={selectedEntries.length === 0}>
          Download
        </Button>
        <Button onPress={() => runAction('mkdir')}>New folder</Button>
        <MenuTrigger>
          <Button aria-label="More file actions">⋯</Button>
          <Popover placement="bottom end">
            <Menu onAction={(key) => runAction(String(key))}>{menuItems}</Menu>
          </Popover>
        </MenuTrigger>
      </div>
      <div className="files-location">
        <Breadcrumbs className="crumbs" onAction={(key) => void open(String(key))}>
          {crumbsOf(path ?? '/').map((crumb) => (
            <Breadcrumb key={crumb.path} id={crumb.path}>
              <Link>{crumb.name}</Link>
            </Breadcrumb>
          ))}
        </Breadcrumbs>
        <Form
          className="location"
          onSubmit={(event) => {
            event.preventDefault();
            if (location.trim()) void open(location.trim());
          }}
        >
          <TextField aria-label="Location" value={location} onChange={setLocation} className="location-field">
            <Input />
          </TextField>
        </Form>
      </div>
      <InlineError message={error} />
      {staging && (
        <ProgressBar
          aria-label="Reading the dropped files"
          className="progress staging-progress"
          value={staging.staged}
          maxValue={Math.max(1, staging.total)}
        >
          <span className="muted">
            Reading the dropped files: {formatBytes(staging.staged)} of {formatBytes(staging.total)}
          </span>
          <div className="bar">
            <div
              className="fill"
              style={{ width: `${staging.total > 0 ? (100 * staging.staged) / staging.total : 100}%` }}
            />
          </div>
        </ProgressBar>
      )}
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
          autoFocus={focusTable}
          path={path ?? ''}
          entries={sorted}
          sort={sort}
          onSort={setSort}
          selected={selected}
          onSelect={setSelected}
          onOpen={(entry) => {
            if (isFolder(entry)) void open(entry.path);
            else setSelected(new Set([entry.path]));
          }}
          loading={loading}
          dropTarget={dropTarget}
        />
        <div
          ref={menuAnchor}
          className="context-anchor"
          style={menuAt ? { left: menuAt.x, top: menuAt.y } : undefined}
        />
        <Popover
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
      {dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop to upload to {dropTarget ?? path}
        </div>
      )}
      {dialog?.kind === 'mkdir' && path && (
        <PromptDialog
          title="New folder"
          label="Folder name"
          initial=""
          confirm="Create"
          validate={validEntryName}
          onSubmit={async (name) => {
            await core.files.mkdir(target, joinRemote(path, name));
            await refresh();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'rename' && (
        <PromptDialog
          title={`Rename ${dialog.entry.name}`}
          label="New name"
          initial={dialog.entry.name}
          confirm="Rename"
          validate={validEntryName}
          onSubmit={async (name) => {
            await core.files.rename(target, dialog.entry.path, joinRemote(parentOf(dialog.entry.path), name));
            await refresh();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'chmod' && (
        <PromptDialog
          title={`Permissions of ${dialog.entry.name}`}
          label="Mode"
          initial={(dialog.entry.mode & 0o7777).toString(8).padStart(3, '0')}
          description={`Now ${dialog.entry.permissions}. Octal like 644 or 755, or rw-r--r--.`}
          confirm="Change"
          validate={(text) =>
            parseMode(text) === undefined ? 'Octal like 644, or like rw-r--r--.' : undefined
          }
          onSubmit={async (text) => {
            await core.files.chmod(target, dialog.entry.path, parseMode(text) ?? 0);
            await refresh();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={
            dialog.entries.length === 1
              ? `Delete ${dialog.entries[0]?.name}?`
              : `Delete ${dialog.entries.length} items?`
          }
          confirm="Delete"
          danger
          onConfirm={async () => {
            for (const entry of dialog.entries)
              await core.files.remove(target, entry.path, { recursive: true });
            await refresh();
          }}
          onClose={() => setDialog(undefined)}
        >
          <p>
            This deletes them on node {props.nodeId}, folders with everything in them. It cannot be undone.
          </p>
          <ul className="delete-list">
            {dialog.entries.slice(0, 10).map((e) => (
              <li key={e.path}>
                <code>{e.path}</code>
              </li>
            ))}
            {dialog.entries.length > 10 && <li>…and {dialog.entries.length - 10} more</li>}
          </ul>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'download' && (
        <PromptDialog
          title={
            dialog.entries.length === 1
              ? `Download ${dialog.entries[0]?.name}`
              : `Download ${dialog.entries.length} items`
          }
          label="To the local folder"
          initial={localStorage.getItem(DOWNLOAD_DIR_KEY) ?? ''}
          description="A folder on this computer; files that exist there are asked about."
          confirm="Download"
          validate={(text) => (text.trim() ? undefined : 'Name a local folder.')}
          onSubmit={async (folder) => {
            const local = folder.trim().replace(/[/\\]+$/, '');
            localStorage.setItem(DOWNLOAD_DIR_KEY, local);
            const batch = crypto.randomUUID();
            const { conflict } = (await core.settings.get()).transfers;
            for (const entry of dialog.entries)
              await core.transfers.download({
                target,
                // The core names the file after the remote entry, checked as a local name: a
                // listing's '../x' or 'con' never becomes part of a path here.
                localPath: local,
                intoFolder: true,
                remotePath: entry.path,
                conflict,
                batch,
              });
            props.onTransfersStarted();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'edit' && (
        <TextEditorDialog
          title={`Edit ${dialog.entry.path}`}
          initial={dialog.text}
          onSave={async (text) => {
            await core.files.writeText(target, dialog.entry.path, text);
            await refresh();
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
    </section>
  );
}

/** The row under the pointer, by the path its name cell carries. */
function rowPathUnder(target: EventTarget | null): string | undefined {
  const row = (target as Element | null)?.closest?.('[role="row"]');
  return row?.querySelector('[data-path]')?.getAttribute('data-path') ?? undefined;
}

/** The folder row under the pointer, if it is one. */
function folderUnder(target: EventTarget | null): string | undefined {
  const row = (target as Element | null)?.closest?.('[role="row"]');
  const marker = row?.querySelector('[data-folder="true"]');
  return marker?.getAttribute('data-path') ?? undefined;
}
