import type {
  LocalTerminalRequest,
  OpenTerminalRequest,
  TerminalLogState,
} from '../../../shared/src/terminals.ts';
import { tabLayout, type Tab } from '../tabs/tabList.ts';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { TerminalHub } from '../terminal/TerminalHub.ts';
import { TerminalView } from '../terminal/TerminalView.tsx';
import type { TerminalLogControl } from '../terminal/useTerminalLogs.ts';
import type { PaneChange, TerminalContent } from './paneLayout.ts';
import { PaneGrid, type PaneTerminal } from './PaneGrid.tsx';
import type { PaneConnection } from './useBroadcast.ts';

export interface TabPanesProps {
  tab: Tab;
  active: boolean;
  hubs: { gateway: TerminalHub<OpenTerminalRequest>; local: TerminalHub<LocalTerminalRequest> };
  statuses: Readonly<Record<string, TerminalStatus>>;
  /** A pane's session state changed. */
  onStatus: (paneId: string) => (status: TerminalStatus) => void;
  /** A pane's session log: its state, and its connection for the tab's menu. */
  log: (paneId: string) => {
    onLog: (state: TerminalLogState) => void;
    onConnection: (connection: TerminalLogControl | undefined) => void;
  };
  /** Why a node's environment is down (not running), for the terminals on its nodes. */
  holdFor: (envName: string) => string | undefined;
  onChange: (change: PaneChange) => void;
}

/** A terminal tab: its panes, each a full terminal (reconnects, hold, session log) on its own target. */
export function TabPanes(props: TabPanesProps) {
  const { hubs } = props;
  const layout = tabLayout(props.tab);
  if (!layout) return null;

  const terminal = (id: string, content: TerminalContent, pane: PaneTerminal) => {
    const log = props.log(id);
    const common = {
      label: pane.label,
      active: pane.active,
      onStatus: props.onStatus(id),
      onClose: pane.onClose,
      onInput: pane.onInput,
      onLog: log.onLog,
      onConnection: (connection: (TerminalLogControl & PaneConnection) | undefined) => {
        log.onConnection(connection);
        pane.onConnection(connection);
      },
    };
    switch (content.kind) {
      case 'node':
      case 'menu':
        return (
          <TerminalView
            {...common}
            hub={hubs.gateway}
            request={(size, choice) => ({
              ...size,
              target: content.target,
              log: content.kind === 'node' ? { ...choice, environment: content.envName } : choice,
            })}
            held={content.kind === 'node' ? props.holdFor(content.envName) : undefined}
          />
        );
      case 'host':
        return (
          <TerminalView
            {...common}
            hub={hubs.gateway}
            request={(size, choice) => ({
              ...size,
              target: content.target,
              log: { ...choice, environment: content.name },
            })}
          />
        );
      case 'local':
        return (
          <TerminalView {...common} hub={hubs.local} request={(size, choice) => ({ ...size, log: choice })} />
        );
    }
  };

  return (
    <PaneGrid
      tabTitle={props.tab.title}
      layout={layout}
      active={props.active}
      statuses={props.statuses}
      onChange={props.onChange}
      terminal={terminal}
    />
  );
}
