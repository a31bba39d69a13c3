import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { useCore } from '../host/HostContext.tsx';
import { PromptDialog } from '../ui/dialogs.tsx';
import { absoluteHint, looksAbsolute, useDownloadsFolder } from './localFolder.ts';

/** The local folder downloaded into last, offered again next time. */
const DOWNLOAD_DIR_KEY = 'enscale.downloadFolder';

/**
 * Downloads the chosen entries into a local folder, one transfer each in one batch, so "apply to
 * all" in a name conflict covers them all.
 */
export function DownloadDialog(props: {
  target: ConnectionTarget;
  entries: RemoteFileEntry[];
  onTransfersStarted: () => void;
  onClose: () => void;
}) {
  const core = useCore();
  const { target, entries } = props;
  const downloads = useDownloadsFolder();
  // The field is prefilled once, so it waits for the Downloads folder (one local call).
  if (downloads === undefined) return null;
  return (
    <PromptDialog
      title={entries.length === 1 ? `Download ${entries[0]?.name}` : `Download ${entries.length} items`}
      label="To the local folder"
      initial={localStorage.getItem(DOWNLOAD_DIR_KEY) ?? downloads?.dir ?? ''}
      description="A folder on this computer, as a full path; files that exist there are asked about."
      confirm="Download"
      validate={(text) =>
        !text.trim()
          ? 'Name a local folder.'
          : looksAbsolute(text)
            ? undefined
            : absoluteHint(downloads, 'a folder')
      }
      onSubmit={async (folder) => {
        // Trailing separators go, but not a root's own (`/`, `C:\`): `C:` alone is drive-relative.
        const local = folder.trim().replace(/(?<=[^/\\:])[/\\]+$/, '');
        localStorage.setItem(DOWNLOAD_DIR_KEY, local);
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
        props.onTransfersStarted();
      }}
      onClose={props.onClose}
    />
  );
}
