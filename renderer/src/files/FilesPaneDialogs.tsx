import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { useCore } from '../host/HostContext.tsx';
import { ConfirmDialog, PromptDialog, TextEditorDialog } from '../ui/dialogs.tsx';
import { DownloadDialog } from './DownloadDialog.tsx';
import { isFolder } from './fileSort.ts';
import { joinRemote, parentOf, parseMode, validEntryName } from './remotePath.ts';

export type OpenDialog =
  | { kind: 'mkdir' }
  | { kind: 'rename'; entry: RemoteFileEntry }
  | { kind: 'delete'; entries: RemoteFileEntry[] }
  | { kind: 'chmod'; entry: RemoteFileEntry }
  | { kind: 'download'; entries: RemoteFileEntry[] }
  | { kind: 'edit'; entry: RemoteFileEntry; text: string };

/**
 * The file pane's one open dialog, if any: new folder, rename, permissions, delete, download, edit.
 * Each that changes the folder lists it again once done.
 */
export function FilesPaneDialogs(props: {
  dialog: OpenDialog | undefined;
  target: ConnectionTarget;
  place: string;
  /** The folder shown, where a new folder is made. */
  path: string | undefined;
  refresh: () => Promise<void>;
  onTransfersStarted: () => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { dialog, target, path, refresh, onClose } = props;
  switch (dialog?.kind) {
    case undefined:
      return null;
    case 'mkdir':
      return path ? (
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
          onClose={onClose}
        />
      ) : null;
    case 'rename':
      return (
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
          onClose={onClose}
        />
      );
    case 'chmod':
      return (
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
          onClose={onClose}
        />
      );
    case 'delete':
      return (
        <DeleteEntriesDialog
          target={target}
          place={props.place}
          entries={dialog.entries}
          refresh={refresh}
          onClose={onClose}
        />
      );
    case 'download':
      return (
        <DownloadDialog
          target={target}
          entries={dialog.entries}
          onTransfersStarted={props.onTransfersStarted}
          onClose={onClose}
        />
      );
    case 'edit':
      return (
        <TextEditorDialog
          title={`Edit ${dialog.entry.path}`}
          initial={dialog.text}
          onSave={async (text) => {
            await core.files.writeText(target, dialog.entry.path, text);
            await refresh();
          }}
          onClose={onClose}
        />
      );
  }
}

/** Deletes the chosen entries, folders with everything in them, naming the first ten. */
function DeleteEntriesDialog(props: {
  target: ConnectionTarget;
  place: string;
  entries: RemoteFileEntry[];
  refresh: () => Promise<void>;
  onClose: () => void;
}) {
  const core = useCore();
  const { entries } = props;
  return (
    <ConfirmDialog
      title={entries.length === 1 ? `Delete ${entries[0]?.name}?` : `Delete ${entries.length} items?`}
      confirm="Delete"
      danger
      onConfirm={async () => {
        for (const entry of entries) await core.files.remove(props.target, entry.path, { recursive: true });
        await props.refresh();
      }}
      onClose={props.onClose}
    >
      <p>
        {entries.length === 1 && entries[0] && !isFolder(entries[0])
          ? `This deletes it on ${props.place}.`
          : `This deletes them on ${props.place}, folders with everything in them.`}{' '}
        It cannot be undone.
      </p>
      <ul className="delete-list">
        {entries.slice(0, 10).map((e) => (
          <li key={e.path}>
            <code>{e.path}</code>
          </li>
        ))}
        {entries.length > 10 && <li>…and {entries.length - 10} more</li>}
      </ul>
    </ConfirmDialog>
  );
}
