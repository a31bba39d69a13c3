import { useEffect, useState } from 'react';
import type { NodeShortcut, SavedHost } from '../../../shared/src/hosts.ts';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

export interface HostsState {
  hosts: SavedHost[];
  shortcuts: NodeShortcut[];
  /** Why the saved hosts cannot be read (a damaged file), if so. */
  error?: string;
}

/** The saved hosts and shortcuts, kept current as any window (or an import) changes them. */
export function useHosts(): HostsState {
  const core = useCore();
  const [state, setState] = useState<HostsState>({ hosts: [], shortcuts: [] });
  useEffect(() => {
    let live = true;
    core.hosts.list().then(
      (list) => live && setState(list),
      (error: unknown) => live && setState({ hosts: [], shortcuts: [], error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
  }, [core]);
  useCoreEvent(core.hosts.events, 'changed', setState);
  return state;
}
