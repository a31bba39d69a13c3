import { useCallback, useEffect, useReducer, useState } from 'react';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { LocalTerminalRequest } from '../../../shared/src/terminals.ts';
import { menuUser, nodeUser, sftpCommand, sshCommand } from '../../../shared/src/gatewayAddress.ts';
import type { Account, Environment, PlatformNode, PlatformProfile } from '../../../shared/src/platform.ts';
import type { EnvironmentList } from '../../../shared/src/platformService.ts';
import type { OpenTerminalRequest } from '../../../shared/src/terminals.ts';
import { errorMessage } from '../ui/errorMessage.ts';
import { SqlDialog, type SqlTarget } from '../databases/SqlDialog.tsx';
import type { DroppedEntry } from '../host/droppedEntries.ts';
import { ConflictDialog } from '../transfers/ConflictDialog.tsx';
import { TransfersContext } from '../transfers/TransfersContext.tsx';
import { TransfersPanel, TransfersStatus } from '../transfers/TransfersPanel.tsx';
import { TransfersStore } from '../transfers/TransfersStore.ts';
import { useTunnelsUi } from '../tunnels/useTunnelsUi.tsx';
import { useCore, useCoreEvent } from '../host/HostContext.tsx';
import { HostKeyChangedDialog } from '../hostkeys/HostKeyDialog.tsx';
import { hostActions } from '../hosts/hostActions.ts';
import { useNotifier } from '../notify/Notifier.tsx';
import { gridLayout, type TerminalContent } from '../panes/paneLayout.ts';
import { tabSummaries } from '../panes/paneNames.ts';
import { EMPTY_TABS, tabsReducer, type Tab } from '../tabs/tabList.ts';
import { TabStrip } from '../tabs/TabStrip.tsx';
import { terminalTabMenus } from '../tabs/TabMenu.tsx';
import type { TerminalStatus } from '../terminal/TerminalConnection.ts';
import { TerminalHub } from '../terminal/TerminalHub.ts';
import { useTerminalLogs } from '../terminal/useTerminalLogs.ts';
import { useAction } from '../ui/useAction.ts';
import { useShortcuts } from './useShortcuts.ts';
import { environmentHold } from './environmentHold.ts';
import { Sidebar } from './Sidebar.tsx';
import { useEnvironmentChanges } from './useEnvironmentChanges.ts';
import { TabContentView } from './TabContentView.tsx';
import { NEW_LOCAL_KEYS, WorkbenchHeader } from './WorkbenchHeader.tsx';

const newTabId = () => `tab-${crypto.randomUUID()}`;

/** The signed-in app: environments on the left, terminal and file tabs on the right. */
export function Workbench({ state }: { state: { profile: PlatformProfile; account: Account } }) {
  const core = useCore();
  const notifier = useNotifier();
  const { profile, account } = state;
  const [list, setList] = useState<EnvironmentList | null>(null);
  const { busy: loading, error: listError, run: load } = useAction();
  const [tabs, dispatch] = useReducer(tabsReducer, EMPTY_TABS);
  const changes = useEnvironmentChanges();
  const [statuses, setStatuses] = useState<Record<string, TerminalStatus>>({});
  const terminalLogs = useTerminalLogs();
  const [changedKey, setChangedKey] = useState<string>();
  const [gatewayHub] = useState(() => new TerminalHub<OpenTerminalRequest>(core.terminals));
  const [localHub] = useState(() => new TerminalHub<LocalTerminalRequest>(core.localTerminals));
  const [transfers] = useState(() => new TransfersStore(core));
  const [transfersOpen, setTransfersOpen] = useState(false);
  const [sqlDialog, setSqlDialog] = useState<{
    mode: 'import' | 'export';
    sql: SqlTarget;
    dump?: DroppedEntry;
  }>();

  const refresh = useCallback(
    () => load(async () => setList(await core.platform.environments())),
    [load, core],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useCoreEvent(core.platform.events, 'environments', setList);

  const target = (username: string): ConnectionTarget => ({
    gateway: profile.gateway,
    username,
    ...(profile.gatewayKey ? { pinned: profile.gatewayKey } : {}),
  });

  const tunnels = useTunnelsUi((node) => target(nodeUser(node.id, account.uid)), profile);
  const open = (title: string, content: Tab['content']) =>
    dispatch({ type: 'open', tab: { id: newTabId(), title, content } });

  const copy = (text: string, what: string) => {
    navigator.clipboard.writeText(text).then(
      () => notifier.info(`Copied the ${what}`, text),
      () => notifier.error(`Could not copy the ${what}`, text),
    );
  };

  const nodeTerminal = (env: Environment, node: PlatformNode): TerminalContent => ({
    kind: 'node',
    target: target(nodeUser(node.id, account.uid)),
    nodeId: node.id,
    envName: env.envName,
  });
  const actions = {
    ...tunnels.actions,
    openTerminal: (env: Environment, node: PlatformNode) =>
      open(`${node.id} · ${env.envName}`, nodeTerminal(env, node)),
    /** One tab, one pane per node (a node group's, or an environment's). */
    openTerminals: (env: Environment, nodes: PlatformNode[], title: string) => {
      const contents = nodes.map((node) => nodeTerminal(env, node));
      const id = newTabId();
      if (contents[0])
        dispatch({
          type: 'open',
          tab: { id, title, content: contents[0], layout: gridLayout(id, contents) },
        });
    },
    openFiles: (env: Environment, node: PlatformNode) =>
      open(`Files ${node.id} · ${env.envName}`, {
        kind: 'files',
        target: target(nodeUser(node.id, account.uid)),
        nodeId: node.id,
        envName: env.envName,
        nodeType: node.nodeType,
      }),
    importSql: (node: PlatformNode, dump?: DroppedEntry) =>
      setSqlDialog({ mode: 'import', sql: sqlTarget(node.id, node.nodeType), ...(dump ? { dump } : {}) }),
    exportSql: (node: PlatformNode) =>
      setSqlDialog({ mode: 'export', sql: sqlTarget(node.id, node.nodeType) }),
    copySsh: (node: PlatformNode) => copy(sshCommand(profile.gateway, node.id, account.uid), 'ssh command'),
    copySftp: (node: PlatformNode) =>
      copy(sftpCommand(profile.gateway, node.id, account.uid), 'sftp command'),
  };
  const sqlTarget = (nodeId: number, nodeType: string): SqlTarget => ({
    target: target(nodeUser(nodeId, account.uid)),
    nodeId,
    nodeType,
  });
  const openMenu = () => open('Gateway menu', { kind: 'menu', target: target(menuUser(account.uid)) });
  const openLocal = () => open('Local shell', { kind: 'local' });
  /** Pages (keys, settings) open once: a second press shows the open one. */
  const openPage = (kind: 'keys' | 'settings', title: string) => {
    const existing = tabs.tabs.find((t) => t.content.kind === kind);
    if (existing) dispatch({ type: 'activate', id: existing.id });
    else open(title, { kind });
  };

  useShortcuts(tabs, dispatch, openLocal);

  const onStatus = (id: string) => (status: TerminalStatus) => {
    setStatuses((s) => ({ ...s, [id]: status }));
    if (status.errorCode === 'HostKeyChanged') setChangedKey(status.message);
  };

  const panel = (tab: Tab, active: boolean) => (
    <TabContentView
      tab={tab}
      active={active}
      hubs={{ gateway: gatewayHub, local: localHub }}
      statuses={statuses}
      onStatus={onStatus}
      onChange={(change) => dispatch({ type: 'pane', tabId: tab.id, change })}
      onSqlDrop={(nodeId, nodeType, dump) =>
        setSqlDialog({ mode: 'import', sql: sqlTarget(nodeId, nodeType), dump })
      }
      onTransfersStarted={() => setTransfersOpen(true)}
      state={state}
      log={terminalLogs.bind}
      holdFor={(envName) => environmentHold(list, changes.pending, envName)}
    />
  );

  const demo = profile.demoDatabases?.find((db) => db.nodeId === sqlDialog?.sql.nodeId);
  return (
    <TransfersContext.Provider value={transfers}>
      <div className="workbench">
        <WorkbenchHeader
          profile={profile}
          account={account}
          onLocal={openLocal}
          onPage={openPage}
          onSignOut={() =>
            void core.platform.signOut().catch((e: unknown) => notifier.error('Sign out', errorMessage(e)))
          }
        />
        <Sidebar
          list={list}
          error={listError}
          loading={loading}
          onRefresh={() => void refresh()}
          onOpenMenu={openMenu}
          actions={actions}
          changes={changes}
          hostActions={hostActions(open, list, profile)}
        />
        <main className="main">
          <TabStrip
            tabs={tabs}
            dispatch={dispatch}
            {...tabSummaries(tabs.tabs, statuses, terminalLogs.logs)}
            panel={panel}
            menu={terminalTabMenus({ ...terminalLogs, statuses, dispatch })}
            empty={
              <div className="welcome">
                <p>Open a node’s terminal from the list on the left, or the gateway menu.</p>
                <p className="muted">{NEW_LOCAL_KEYS.label} opens a local shell.</p>
              </div>
            }
          />
          {transfersOpen && <TransfersPanel onClose={() => setTransfersOpen(false)} />}
          {tunnels.panel}
        </main>
        <footer className="statusbar">
          <TransfersStatus open={transfersOpen} onToggle={() => setTransfersOpen((open) => !open)} />
          {tunnels.status}
          <span className="spacer" />
          {list?.offline && <span className="offline">Offline</span>}
        </footer>
        <HostKeyChangedDialog message={changedKey} onClose={() => setChangedKey(undefined)} />
        <ConflictDialog />
        {tunnels.dialogs}
        {sqlDialog && (
          <SqlDialog
            mode={sqlDialog.mode}
            sql={sqlDialog.sql}
            dump={sqlDialog.dump}
            prefill={demo ? { database: demo.database, user: demo.user, password: demo.password } : undefined}
            onClose={() => setSqlDialog(undefined)}
          />
        )}
      </div>
    </TransfersContext.Provider>
  );
}
