import { useCallback, useRef, useState } from 'react';
import type { TerminalLogState } from '../../../shared/src/terminals.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';
import type { TerminalConnection } from './TerminalConnection.ts';

/** What a tab's menu needs of its terminal's connection. */
export type TerminalLogControl = Pick<TerminalConnection<unknown>, 'startLog' | 'stopLog' | 'log'>;

/**
 * The session logs of the workbench's terminal tabs: each tab's state (for the strip's marker and
 * menu), the tabs' connections (which start and stop them), and "Open log folder". A log that
 * fails — it could not start, or a write failed — is said in a toast with the core's words.
 */
export function useTerminalLogs() {
  const core = useCore();
  const notifier = useNotifier();
  const [logs, setLogs] = useState<Record<string, TerminalLogState>>({});
  const connections = useRef(new Map<string, TerminalLogControl>());

  const bind = useCallback(
    (tabId: string) => ({
      onLog: (state: TerminalLogState) => {
        setLogs((all) => ({ ...all, [tabId]: state }));
        if (state.error) notifier.error('Session log', state.error);
      },
      onConnection: (connection: TerminalLogControl | undefined) => {
        if (connection) connections.current.set(tabId, connection);
        else connections.current.delete(tabId);
      },
    }),
    [notifier],
  );

  const toggle = useCallback(
    (tabId: string) => {
      const connection = connections.current.get(tabId);
      if (!connection) return;
      const logging = Boolean(connection.log.path);
      (logging ? connection.stopLog() : connection.startLog()).catch((error: unknown) =>
        notifier.error(
          logging ? 'Could not stop the session log' : 'Could not start a session log',
          errorMessage(error),
        ),
      );
    },
    [notifier],
  );

  const openFolder = useCallback(() => {
    core.terminals.openLogFolder().then(
      ({ path }) => notifier.info('Opened the log folder', path),
      (error: unknown) => notifier.error('Could not open the log folder', errorMessage(error)),
    );
  }, [core, notifier]);

  return { logs, bind, toggle, openFolder };
}
