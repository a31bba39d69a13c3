import { useState } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { canEnter, environmentStatusLabel } from '../../../shared/src/environment.ts';
import { isDatabaseNodeType } from '../../../shared/src/nodeGroups.ts';
import { droppedEntries, type DroppedEntry } from '../host/droppedEntries.ts';
import type { Environment, PlatformNode } from '../../../shared/src/platform.ts';
import { OpenEveryNode } from '../panes/OpenEveryNode.tsx';
import { useCopySshConfig } from '../sshConfig/useCopySshConfig.ts';
import type { TunnelActions } from '../tunnels/useTunnelsUi.tsx';
import { EnvironmentControls } from './EnvironmentControls.tsx';
import { allowedChanges, type EnvironmentChanges } from './useEnvironmentChanges.ts';

export interface NodeActions extends TunnelActions {
  openTerminal(env: Environment, node: PlatformNode): void;
  /** One tab with a pane per node (a group's, or the environment's). */
  openTerminals(env: Environment, nodes: PlatformNode[], title: string): void;
  openFiles(env: Environment, node: PlatformNode): void;
  copySsh(node: PlatformNode): void;
  copySftp(node: PlatformNode): void;
  importSql(node: PlatformNode, dump?: DroppedEntry): void;
  exportSql(node: PlatformNode): void;
}

/** Nodes by node group, in the order the dashboard lists them, each group under its heading. */
function byGroup(nodes: PlatformNode[]): { name: string; nodes: PlatformNode[] }[] {
  const groups = new Map<string, { name: string; nodes: PlatformNode[] }>();
  for (const node of nodes) {
    const group = groups.get(node.nodeGroup) ?? { name: node.nodeGroupName, nodes: [] };
    group.nodes.push(node);
    groups.set(node.nodeGroup, group);
  }
  return [...groups.values()];
}

/** One environment in the sidebar: its status, and its nodes with their IDs and actions. */
export function EnvironmentItem(props: {
  env: Environment;
  actions: NodeActions;
  changes: EnvironmentChanges;
}) {
  const { env, actions } = props;
  const status = environmentStatusLabel(env.status);
  const enterable = canEnter(env.status);
  const why = enterable
    ? undefined
    : allowedChanges(env.status).includes('start')
      ? `${env.envName} is ${status.toLowerCase()}: start it from its ⋯ menu to open its nodes.`
      : `${env.envName} is ${status.toLowerCase()}: its nodes open once it is running.`;
  return (
    <section
      role="group"
      aria-label={`Environment ${env.envName}, ${status}`}
      className={enterable ? 'environment' : 'environment disabled'}
      title={why}
    >
      <header className="environment-head">
        <span className={`status-dot ${enterable ? 'on' : 'off'}`} aria-hidden="true" />
        <span className="environment-name">{env.displayName || env.envName}</span>
        <span className="badge">{status}</span>
        <OpenEveryNode env={env} nodes={env.nodes} enterable={enterable} onOpen={actions.openTerminals} />
        <EnvironmentControls env={env} changes={props.changes} />
      </header>
      <div className="environment-domain muted">{env.domain}</div>
      {why && <p className="environment-why">{why}</p>}
      {byGroup(env.nodes).map((group) => (
        <div key={group.name} className="node-group">
          <div className="node-group-head">
            <h3 className="node-group-name">{group.name}</h3>
            <OpenEveryNode
              env={env}
              nodes={group.nodes}
              group={group.name}
              enterable={enterable}
              onOpen={actions.openTerminals}
            />
          </div>
          <ul className="nodes">
            {group.nodes.map((node) => (
              <NodeRow key={node.id} env={env} node={node} enterable={enterable} actions={actions} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function NodeRow(props: { env: Environment; node: PlatformNode; enterable: boolean; actions: NodeActions }) {
  const { env, node, enterable, actions } = props;
  const database = isDatabaseNodeType(node.nodeType);
  const [dropping, setDropping] = useState(false);
  const copySshConfig = useCopySshConfig();
  // A dump dropped on a database node's row goes to its import dialog.
  const dropProps =
    database && enterable
      ? {
          onDragOver: (event: React.DragEvent) => {
            if (!event.dataTransfer.types.includes('Files')) return;
            event.preventDefault();
            setDropping(true);
          },
          onDragLeave: () => setDropping(false),
          onDrop: (event: React.DragEvent) => {
            event.preventDefault();
            setDropping(false);
            void droppedEntries(event.dataTransfer).then(([dump]) => dump && actions.importSql(node, dump));
          },
        }
      : {};
  return (
    <li className={dropping ? 'node drop-target' : 'node'} {...dropProps}>
      <div className="node-info">
        <span className="node-type">{node.displayName || node.nodeType}</span>
        {node.isMaster && (
          <span className="badge master" title="The master node of its group">
            master
          </span>
        )}
      </div>
      <div className="node-actions">
        <Button
          aria-label={`Open terminal on node ${node.id}`}
          isDisabled={!enterable}
          onPress={() => actions.openTerminal(env, node)}
          className="react-aria-Button icon"
        >
          &gt;_
        </Button>
        <Button
          aria-label={`Open files on node ${node.id}`}
          isDisabled={!enterable}
          onPress={() => actions.openFiles(env, node)}
          className="react-aria-Button icon"
        >
          ▤
        </Button>
        <MenuTrigger>
          <Button aria-label={`More actions for node ${node.id}`} className="react-aria-Button icon">
            ⋯
          </Button>
          <Popover placement="bottom end">
            <Menu
              onAction={(key) => {
                if (key === 'ssh') actions.copySsh(node);
                if (key === 'sftp') actions.copySftp(node);
                if (key === 'sshConfig') copySshConfig({ kind: 'node', nodeId: node.id });
                if (key === 'import') actions.importSql(node);
                if (key === 'export') actions.exportSql(node);
                if (key === 'tunnel') actions.openTunnel(node);
                if (key === 'sqlClient') actions.connectSqlClient(node);
              }}
            >
              <MenuItem id="ssh">Copy ssh command</MenuItem>
              <MenuItem id="sftp">Copy sftp command</MenuItem>
              <MenuItem id="sshConfig">Copy ssh config</MenuItem>
              {database && (
                <MenuItem id="import" isDisabled={!enterable} aria-label={`Import SQL into node ${node.id}`}>
                  Import SQL…
                </MenuItem>
              )}
              {database && (
                <MenuItem id="export" isDisabled={!enterable} aria-label={`Export SQL from node ${node.id}`}>
                  Export SQL…
                </MenuItem>
              )}
              <MenuItem id="tunnel" isDisabled={!enterable} aria-label={`Open tunnel to node ${node.id}`}>
                Open tunnel…
              </MenuItem>
              {database && (
                <MenuItem
                  id="sqlClient"
                  isDisabled={!enterable}
                  aria-label={`Connect a SQL client to node ${node.id}`}
                >
                  Connect a SQL client
                </MenuItem>
              )}
            </Menu>
          </Popover>
        </MenuTrigger>
      </div>
      <div className="node-meta muted">
        <span>Node ID {node.id}</span> · <span>LAN {node.intIP}</span>
      </div>
    </li>
  );
}
