import { useState } from 'react';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { useFileDrop } from '../ui/useFileDrop.ts';
import { useCore, useHost } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { uploadEntries } from './useUploads.ts';

const isSql = (name: string) => /\.sql(\.gz)?$/i.test(name);

/** How far the browser has got handing the dropped files to the host, in bytes. */
export interface Staging {
  staged: number;
  total: number;
}

/**
 * Uploads into a file pane's folders: files and folders dropped on the pane (into the folder shown)
 * or on a folder row (into that folder), or picked. `dragging` and `dropTarget` while files are held
 * over it, `staging` while a browser hands the dropped files to the host.
 */
export function useUploadDrop(options: {
  target: ConnectionTarget;
  /** The folder shown, where a drop not on a folder row goes. */
  path: string | undefined;
  /** A `.sql`/`.sql.gz` dropped alone goes here instead, when given. */
  onSqlDrop?: ((entry: DroppedEntry) => void) | undefined;
  onTransfersStarted: () => void;
}) {
  const core = useCore();
  const host = useHost();
  const notifier = useNotifier();
  const [dropTarget, setDropTarget] = useState<string>();
  const [staging, setStaging] = useState<Staging>();
  const { target, path } = options;

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
      options.onTransfersStarted();
    } catch (e) {
      notifier.error('Upload failed', errorMessage(e));
    } finally {
      setStaging(undefined);
    }
  };

  /** For the pane's element: the drop zone (ui/useFileDrop), aimed at the folder row under the pointer. */
  const { dragging, handlers } = useFileDrop(
    (dropped, droppedOn) => {
      setDropTarget(undefined);
      const folder = folderUnder(droppedOn) ?? path;
      if (!folder || dropped.length === 0) return;
      const sql =
        dropped.length === 1 && dropped[0]?.kind === 'file' && isSql(dropped[0].name)
          ? dropped[0]
          : undefined;
      if (sql && options.onSqlDrop) options.onSqlDrop(sql);
      else void upload(folder, dropped);
    },
    (e: unknown) => notifier.error('Upload failed', errorMessage(e)),
    (under) => setDropTarget(folderUnder(under)),
  );

  // A folder row is a target only while files are held over the pane.
  return { dragging, dropTarget: dragging ? dropTarget : undefined, staging, upload, handlers };
}

/** The folder row under the pointer, if it is one. */
function folderUnder(target: EventTarget | null): string | undefined {
  const row = (target as Element | null)?.closest?.('[role="row"]');
  const marker = row?.querySelector('[data-folder="true"]');
  return marker?.getAttribute('data-path') ?? undefined;
}
