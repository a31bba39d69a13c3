import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Selection } from 'react-aria-components';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { FINAL_TRANSFER_STATES } from '../../../shared/src/transfers.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { parentOf } from './remotePath.ts';

/**
 * The folder a file pane shows: its path, the location field's text, its listing, the selection in
 * it and the listing's error. Starts at the node's home folder; opening another folder clears the
 * selection. `tableHost` holds the pane's table, so a folder opened from the keyboard there passes
 * the focus on to the new folder's table.
 */
export function useRemoteFolder(target: ConnectionTarget, tableHost: RefObject<HTMLDivElement | null>) {
  const core = useCore();
  const [path, setPath] = useState<string>();
  const [location, setLocation] = useState('');
  const [entries, setEntries] = useState<RemoteFileEntry[]>([]);
  const [selected, setSelected] = useState<Selection>(new Set());
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const [focusTable, setFocusTable] = useState(false);

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
    [core, target, tableHost],
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

  return {
    path,
    location,
    setLocation,
    entries,
    selected,
    setSelected,
    error,
    loading,
    focusTable,
    open,
    refresh,
    /** Lists the folder shown again keeping the selection (a save from "Edit" arrived in it). */
    relist,
    home,
  };
}
