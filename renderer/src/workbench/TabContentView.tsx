import { isDatabaseNodeType } from '../../../shared/src/nodeGroups.ts';
import type { Account, PlatformProfile } from '../../../shared/src/platform.ts';
import { FilesPane } from '../files/FilesPane.tsx';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { KeysPage } from '../keys/KeysPage.tsx';
import { TabPanes, type TabPanesProps } from '../panes/TabPanes.tsx';
import { SettingsPage } from '../settings/SettingsPage.tsx';

/** What one tab shows: terminals (node, gateway menu, local, saved host) in panes, a file pane, or a page. */
export function TabContentView(
  props: TabPanesProps & {
    onSqlDrop: (nodeId: number, nodeType: string, dump: DroppedEntry) => void;
    onTransfersStarted: () => void;
    state: { profile: PlatformProfile; account: Account };
  },
) {
  const content = props.tab.content;
  switch (content.kind) {
    case 'node':
    case 'menu':
    case 'local':
    case 'host':
      return <TabPanes {...props} />;
    case 'files':
      return (
        <FilesPane
          target={content.target}
          place={`node ${content.nodeId}`}
          label={`Files on node ${content.nodeId}`}
          onSqlDrop={
            isDatabaseNodeType(content.nodeType)
              ? (dump) => props.onSqlDrop(content.nodeId, content.nodeType, dump)
              : undefined
          }
          onTransfersStarted={props.onTransfersStarted}
        />
      );
    case 'hostFiles':
      return (
        <FilesPane
          target={content.target}
          place={`“${content.name}”`}
          label={`Files on ${content.name}`}
          onSqlDrop={undefined}
          onTransfersStarted={props.onTransfersStarted}
        />
      );
    case 'keys':
      return <KeysPage />;
    case 'settings':
      return <SettingsPage account={props.state.account} profile={props.state.profile} />;
  }
}
