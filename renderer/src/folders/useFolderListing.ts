import { useCallback, useEffect, useRef, useState } from 'react';
import type { LocalFolderListing } from '../../../shared/src/localFolders.ts';
import { useCore } from '../host/HostContext.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

/**
 * The folder the chooser shows, read from the core. Opening another folder keeps the current one on
 * screen until the new listing arrives; a folder that cannot be opened (gone, permission denied)
 * leaves the chooser where it was, with the core's reason. A slower answer for a folder left
 * meanwhile is dropped, so the list always shows the last folder asked for.
 */
export function useFolderListing(start: string) {
  const core = useCore();
  const [listing, setListing] = useState<LocalFolderListing>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const asked = useRef(0);

  const open = useCallback(
    async (path: string): Promise<boolean> => {
      const ask = ++asked.current;
      setLoading(true);
      setError(undefined);
      try {
        const next = await core.localFolders.list(path);
        if (ask === asked.current) setListing(next);
        return true;
      } catch (e) {
        if (ask === asked.current) setError(errorMessage(e));
        return false;
      } finally {
        if (ask === asked.current) setLoading(false);
      }
    },
    [core],
  );

  useEffect(() => {
    void open(start);
  }, [open, start]);

  return { listing, error, loading, open, clearError: () => setError(undefined) };
}
