import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import type { LocalStart } from '../../../shared/src/localFolders.ts';
import { DestinationField } from '../folders/DestinationField.tsx';
import { rememberFolder } from '../folders/useDestinationPicker.tsx';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { absoluteHint, looksAbsolute } from './localFolder.ts';

/**
 * Downloads the chosen entries into a local folder, one transfer each in one batch, so "apply to
 * all" in a name conflict covers them all. The folder is offered where the last download went (else
 * Downloads), typed or chosen with "Choose…", and remembered for next time.
 */
export function DownloadDialog(props: {
  target: ConnectionTarget;
  entries: RemoteFileEntry[];
  onTransfersStarted: () => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { target, entries } = props;
  const [start, setStart] = useState<LocalStart | null>();
  const [folder, setFolder] = useState('');
  const { busy, error, run } = useAction({ keepBusyOnSuccess: true });
  useEffect(() => {
    let live = true;
    core.localFolders.start('download').then(
      (found) => {
        if (!live) return;
        setStart(found);
        setFolder(found.path);
      },
      () => live && setStart(null), // Nothing to offer: the field says to type a full path.
    );
    return () => {
      live = false;
    };
  }, [core]);
  // The field is prefilled once, so it waits for the start folder (one local call).
  if (start === undefined) return null;

  const invalid = !folder.trim()
    ? 'Name a local folder.'
    : looksAbsolute(folder)
      ? undefined
      : absoluteHint(start && { dir: start.path, separator: start.separator }, 'a folder');
  const title = entries.length === 1 ? `Download ${entries[0]?.name}` : `Download ${entries.length} items`;

  const download = () =>
    run(async () => {
      // Trailing separators go, but not a root's own (`/`, `C:\`): `C:` alone is drive-relative.
      const local = folder.trim().replace(/(?<=[^/\\:])[/\\]+$/, '');
      const batch = crypto.randomUUID();
      for (const entry of entries)
        await core.transfers.download({
          target,
          // The core names the file after the remote entry, checked as a local name: a
          // listing's '../x' or 'con' never becomes part of a path here.
          localPath: local,
          intoFolder: true,
          remotePath: entry.path,
          batch,
        });
      await rememberFolder(core, 'download', local);
      props.onTransfersStarted();
      props.onClose();
    });

  return (
    <ModalDialog title={title} busy={busy} onClose={props.onClose}>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          if (!invalid) void download();
        }}
      >
        <DestinationField
          kind="download"
          label="To the local folder"
          value={folder}
          onChange={setFolder}
          onChosen={(chosen) => setFolder(chosen.path)}
          autoFocus
          isDisabled={busy}
          description="A folder on this computer, as a full path; files that exist there are asked about."
        />
        {folder !== start?.path && invalid && <p className="inline-error">{invalid}</p>}
        <InlineError message={error} />
        <div className="row end">
          <Button onPress={props.onClose} isDisabled={busy}>
            Cancel
          </Button>
          <Button
            type="submit"
            className="react-aria-Button primary"
            isDisabled={busy || invalid !== undefined}
          >
            Download
          </Button>
        </div>
      </Form>
    </ModalDialog>
  );
}
