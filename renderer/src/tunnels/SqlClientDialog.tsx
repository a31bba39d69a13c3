import { useEffect, useRef, useState } from 'react';
import { Button, Input, TextField } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { DatabaseCredentials } from '../../../shared/src/databases.ts';
import type { PlatformNode } from '../../../shared/src/platform.ts';
import { databaseOf, sqlClientCommand, type TunnelInfo } from '../../../shared/src/tunnels.ts';
import { credentialsKey } from '../databases/SqlDialog.tsx';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';
import { useAction } from '../ui/useAction.ts';
import { tunnelLabel } from './OpenTunnelDialog.tsx';
import { useCopy } from './useCopy.ts';

/** One setting a client asks for, with its copy button. */
function Setting(props: { label: string; value: string; copy: () => void; children?: React.ReactNode }) {
  return (
    <div className="sql-setting">
      <span className="sql-setting-label">{props.label}</span>
      {props.children ?? <code className="sql-setting-value">{props.value}</code>}
      <Button
        aria-label={`Copy the ${props.label.toLowerCase()}`}
        onPress={props.copy}
        isDisabled={!props.value}
      >
        Copy
      </Button>
    </div>
  );
}

/**
 * "Connect a SQL client" on a database node: opens a tunnel to the node's database port at once
 * and shows what to paste into a client (host, port, user, database, password) with copy buttons,
 * and the `mysql` / `psql` command line. User and database come from the keychain (the SQL dialog's
 * remembered credentials) or the sandbox's demo database, and can be changed here.
 */
export function SqlClientDialog(props: {
  node: PlatformNode;
  target: ConnectionTarget;
  /** Offered when nothing is remembered for this node (the sandbox's demo database). */
  prefill?: DatabaseCredentials | undefined;
  onOpened: (tunnel: TunnelInfo) => void;
  onClose: () => void;
}) {
  const core = useCore();
  const copy = useCopy();
  const { node } = props;
  const database = databaseOf(node.nodeType) ?? { engine: 'mysql' as const, port: 3306 };
  const [tunnel, setTunnel] = useState<TunnelInfo>();
  const [credentials, setCredentials] = useState<DatabaseCredentials>(
    props.prefill ?? { database: '', user: '', password: '' },
  );
  const { busy, error, setError, run } = useAction();

  // Once, even where React runs effects twice (development): a second tunnel would be a second port.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void run(async () => {
      const opened = await core.tunnels.open({
        target: props.target,
        remotePort: database.port,
        label: tunnelLabel(node),
      });
      props.onOpened(opened);
      setTunnel(opened);
      if (opened.state === 'failed') setError(opened.error ?? 'The tunnel failed.');
    });
    core.databases.savedCredentials(credentialsKey({ target: props.target, nodeId: node.id })).then(
      (saved) => saved && setCredentials(saved),
      () => undefined,
    );
  }, [core, run, setError, props, node, database.port]);

  const port = tunnel?.local.port ?? 0;
  const ready = tunnel !== undefined && tunnel.state !== 'failed';
  const command = sqlClientCommand(database.engine, port, credentials.user, credentials.database);
  const title = `Connect a SQL client to node ${node.id}`;
  return (
    <ModalDialog title={title} onClose={props.onClose}>
      {busy && (
        <p role="status" className="muted">
          Opening a tunnel to port {database.port} on node {node.id}…
        </p>
      )}
      <InlineError message={error} />
      {ready && (
        <>
          <p role="status">
            The node’s {database.engine === 'mysql' ? 'MySQL / MariaDB' : 'PostgreSQL'} port {database.port}{' '}
            is on this computer at <code>127.0.0.1:{port}</code>. Paste these into your client:
          </p>
          <div className="sql-settings">
            <Setting label="Host" value="127.0.0.1" copy={() => copy('127.0.0.1', 'host')} />
            <Setting label="Port" value={String(port)} copy={() => copy(String(port), 'port')} />
            <Setting label="User" value={credentials.user} copy={() => copy(credentials.user, 'user')}>
              <TextField
                aria-label="User"
                value={credentials.user}
                onChange={(user) => setCredentials((c) => ({ ...c, user }))}
                autoComplete="off"
                className="sql-setting-value"
              >
                <Input />
              </TextField>
            </Setting>
            <Setting
              label="Database"
              value={credentials.database}
              copy={() => copy(credentials.database, 'database')}
            >
              <TextField
                aria-label="Database"
                value={credentials.database}
                onChange={(name) => setCredentials((c) => ({ ...c, database: name }))}
                autoComplete="off"
                className="sql-setting-value"
              >
                <Input />
              </TextField>
            </Setting>
            <Setting
              label="Password"
              value={credentials.password}
              copy={() => copy(credentials.password, 'password', 'The password is on the clipboard.')}
            >
              <span className="sql-setting-value muted">
                {credentials.password ? '•••••••• (hidden)' : 'your database password (not known here)'}
              </span>
            </Setting>
          </div>
          <p className="sql-command-label">Command line (asks for the password):</p>
          <div className="sql-setting">
            <code className="sql-command" aria-label="Command line">
              {command}
            </code>
            <Button aria-label="Copy the command line" onPress={() => copy(command, 'command line')}>
              Copy
            </Button>
          </div>
          <p className="muted">The tunnel stays open until you close it in the Tunnels panel.</p>
        </>
      )}
      <div className="row end">
        {ready && (
          <Button
            onPress={() => {
              void core.tunnels.close(tunnel.id);
              props.onClose();
            }}
          >
            Close tunnel
          </Button>
        )}
        <Button className="react-aria-Button primary" onPress={props.onClose}>
          Done
        </Button>
      </div>
    </ModalDialog>
  );
}
