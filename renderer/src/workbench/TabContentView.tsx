import type { LocalTerminalRequest } from '../../../shared/src/terminals.ts';
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
}) {
  const { content, active, hubs } = props;
  switch (content.kind) {
    case 'node':
    case 'menu':
      return (
        <TerminalView
          hub={hubs.gateway}
          request={(size) => ({ ...size, target: content.target })}
          label={content.kind === 'node' ? `Terminal on node ${content.nodeId}` : 'Gateway menu terminal'}
          active={active}
          onStatus={props.onStatus}
          onClose={props.onClose}
        />
      );
    case 'local':
      return (
        <TerminalView
          hub={hubs.local}
          request={(size) => size}
          label="Local shell"
          active={active}
          onStatus={props.onStatus}
          onClose={props.onClose}
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
