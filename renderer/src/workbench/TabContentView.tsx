import type { LocalTerminalRequest, TerminalLogState } from '../../../shared/src/terminals.ts';
import { isDatabaseNodeType } from '../../../shared/src/nodeGroups.ts';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import type { OpenTerminalRequest } from '../../../shared/src/terminals.ts';
import { FilesPane } from '../files/FilesPane.tsx';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { KeysPage } from '../keys/KeysPage.tsx';
import { SettingsPage } from '../settings/SettingsPage.tsx';
import type { Tab } from '../tabs/tabList.ts';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import type { TerminalHub } from '../terminal/TerminalHub.ts';
import { TerminalView } from '../terminal/TerminalView.tsx';
import type { TerminalLogControl } from '../terminal/useTerminalLogs.ts';

/** What one tab shows: a terminal (node, gateway menu, local), a file pane, or a page. */
export function TabContentView(props: {
  content: Tab['content'];
  active: boolean;
  hubs: { gateway: TerminalHub<OpenTerminalRequest>; local: TerminalHub<LocalTerminalRequest> };
  onStatus: (status: TerminalStatus) => void;
  onClose: () => void;
  onSqlDrop: (nodeId: number, nodeType: string, dump: DroppedEntry) => void;
  onTransfersStarted: () => void;
  state: { profile: PlatformProfile; account: Account };
  /** Why the tab's node is down (its environment is not running), for its terminal. */
  held?: string | undefined;
  /** A terminal's session log: its state, and its connection for the tab's menu. */
  log: {
    onLog: (state: TerminalLogState) => void;
    onConnection: (connection: TerminalLogControl | undefined) => void;
  };
}) {
  const { content, active, hubs } = props;
  switch (content.kind) {
    case 'node':
    case 'menu':
      return (
        <TerminalView
          hub={hubs.gateway}
          request={(size, log) => ({
            ...size,
            target: content.target,
            log: content.kind === 'node' ? { ...log, environment: content.envName } : log,
          })}
          label={content.kind === 'node' ? `Terminal on node ${content.nodeId}` : 'Gateway menu terminal'}
          active={active}
          held={content.kind === 'node' ? props.held : undefined}
          onStatus={props.onStatus}
          onClose={props.onClose}
          {...props.log}
        />
      );
    case 'local':
      return (
        <TerminalView
          hub={hubs.local}
          request={(size, log) => ({ ...size, log })}
          label="Local shell"
          active={active}
          onStatus={props.onStatus}
          onClose={props.onClose}
          {...props.log}
        />
      );
    case 'files':
      return (
        <FilesPane
          target={content.target}
          nodeId={content.nodeId}
          label={`Files on node ${content.nodeId}`}
          onSqlDrop={
            isDatabaseNodeType(content.nodeType)
              ? (dump) => props.onSqlDrop(content.nodeId, content.nodeType, dump)
              : undefined
          }
          onTransfersStarted={props.onTransfersStarted}
        />
      );
    case 'keys':
      return <KeysPage />;
    case 'settings':
      return <SettingsPage account={props.state.account} profile={props.state.profile} />;
  }
}
