import { useState } from 'react';
import { MenuItem } from 'react-aria-components';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { TEXT_FILE_MAX_BYTES, type RemoteFileEntry } from '../../../shared/src/files.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { isFolder } from './fileSort.ts';
import type { OpenDialog } from './FilesPaneDialogs.tsx';

/**
 * The file actions' menu items, for both the toolbar's "More file actions" menu and the table's
 * context menu; their ids are the keys `useFileActions` runs. A fragment, not a component: the menus
 * take the items as their own children.
 */
export function fileActionItems(selection: RemoteFileEntry[], single: RemoteFileEntry | undefined) {
  return (
    <>
      <MenuItem id="download" isDisabled={selection.length === 0}>
        Download
      </MenuItem>
      <MenuItem id="rename" isDisabled={!single}>
        Rename
      </MenuItem>
      <MenuItem id="chmod" isDisabled={!single}>
        Change permissions
      </MenuItem>
      <MenuItem id="openInEditor" isDisabled={!single || isFolder(single)}>
        Edit
      </MenuItem>
      <MenuItem id="edit" isDisabled={!single || isFolder(single) || single.size > TEXT_FILE_MAX_BYTES}>
        Quick edit
      </MenuItem>
      <MenuItem id="copyPath">Copy path</MenuItem>
      <MenuItem id="delete" isDisabled={selection.length === 0}>
        Delete
      </MenuItem>
      <MenuItem id="mkdir">New folder</MenuItem>
      <MenuItem id="refresh">Refresh</MenuItem>
    </>
  );
}

/**
 * Runs a file action by its menu key on the selection (or the folder shown): most open their
 * dialog, Refresh and Copy path act at once, Quick edit first reads the file, Edit opens it in the
 * user's editor (`onEdit`). Nothing runs before a folder is shown.
 */
export function useFileActions(options: {
  target: ConnectionTarget;
  path: string | undefined;
  selection: RemoteFileEntry[];
  refresh: () => Promise<void>;
  /** "Edit": the file in the user's editor, each save uploaded (useEdits). */
  onEdit: (entry: RemoteFileEntry) => void;
}) {
  const core = useCore();
  const notifier = useNotifier();
  const [dialog, setDialog] = useState<OpenDialog>();
  const { target, path, selection } = options;
  const single = selection.length === 1 ? selection[0] : undefined;

  const act = async (what: string, call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (e) {
      notifier.error(what, errorMessage(e));
    }
  };

  const run = (key: string) => {
    if (!path) return;
    if (key === 'mkdir') setDialog({ kind: 'mkdir' });
    if (key === 'refresh') void options.refresh();
    if (key === 'download' && selection.length) setDialog({ kind: 'download', entries: selection });
    if (key === 'rename' && single) setDialog({ kind: 'rename', entry: single });
    if (key === 'delete' && selection.length) setDialog({ kind: 'delete', entries: selection });
    if (key === 'chmod' && single) setDialog({ kind: 'chmod', entry: single });
    if (key === 'copyPath')
      void act('Could not copy the path', () => navigator.clipboard.writeText(single?.path ?? path));
    if (key === 'openInEditor' && single && !isFolder(single)) options.onEdit(single);
    if (key === 'edit' && single)
      void act(`Could not open ${single.name}`, async () =>
        setDialog({ kind: 'edit', entry: single, text: await core.files.readText(target, single.path) }),
      );
  };

  return { dialog, closeDialog: () => setDialog(undefined), run };
}
