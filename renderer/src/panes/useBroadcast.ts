import { useCallback, useRef } from 'react';
import type { TerminalConnection } from '../terminal/TerminalConnection.ts';
import { inputTargets, type PaneLayout } from './paneLayout.ts';

/** What broadcasting needs of a pane's connection. */
export type PaneConnection = Pick<TerminalConnection<unknown>, 'input' | 'current'>;

/**
 * A tab's panes' connections, and where each pane's typed and pasted input goes (`inputTargets`).
 * The layout is read at the moment of each key, so turning broadcast off stops it for the very next
 * key; whether a pane is connected is its connection's own state at that moment, not a rendered copy.
 */
export function useBroadcast(layout: PaneLayout) {
  const connections = useRef(new Map<string, PaneConnection>());
  const latest = useRef(layout);
  latest.current = layout;

  const register = useCallback((id: string, connection: PaneConnection | undefined) => {
    if (connection) connections.current.set(id, connection);
    else connections.current.delete(id);
  }, []);

  const send = useCallback((from: string, data: string) => {
    const all = connections.current;
    const connected = (id: string) => all.get(id)?.current.state === 'connected';
    for (const id of inputTargets(latest.current, from, connected)) all.get(id)?.input(data);
  }, []);

  return { register, send };
}
