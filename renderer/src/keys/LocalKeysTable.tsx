import {
  Button,
  Cell,
  Column,
  Menu,
  MenuItem,
  MenuTrigger,
  Popover,
  Row,
  Table,
  TableBody,
  TableHeader,
} from 'react-aria-components';
import type { KeyInfo } from '../../../shared/src/keys.ts';
import type { DashboardKey } from '../../../shared/src/platform.ts';
import { KeyWarning } from './KeyWarning.tsx';

export type LocalKeyAction = 'sync' | 'copy' | 'export' | 'delete';

const TYPE_WORDS: Record<KeyInfo['type'], string> = { 'ssh-rsa': 'RSA', 'ssh-ed25519': 'Ed25519' };

/** Where a key stands on the dashboard: there (under which title), not there, or not known. */
function DashboardState(props: {
  keyInfo: KeyInfo;
  onDashboard: DashboardKey[];
  known: boolean;
  syncing: boolean;
  onSync: () => void;
}) {
  const { keyInfo, onDashboard } = props;
  if (!props.known) return <span className="muted">Unknown</span>;
  const first = onDashboard[0];
  if (first)
    return (
      <span className="key-state on">
        On the dashboard
        {first.title !== keyInfo.name && <span className="muted"> as “{first.title}”</span>}
      </span>
    );
  return (
    <Button
      className="react-aria-Button small"
      // The visible words first, so speech input's "click Add to dashboard" finds it (WCAG 2.5.3).
      aria-label={`Add to dashboard: ${keyInfo.name}`}
      onPress={props.onSync}
      isDisabled={props.syncing}
    >
      {props.syncing ? 'Adding…' : 'Add to dashboard'}
    </Button>
  );
}

/** This device's keys: name, type and size, SHA256 fingerprint, dashboard state, and what to do with each. */
export function LocalKeysTable(props: {
  rows: { key: KeyInfo; onDashboard: DashboardKey[] }[];
  dashboardKnown: boolean;
  syncing: ReadonlySet<string>;
  loading: boolean;
  onAction: (key: KeyInfo, action: LocalKeyAction) => void;
}) {
  return (
    <Table aria-label="Keys on this device" className="keys-table">
      <TableHeader>
        <Column isRowHeader className="react-aria-Column col-name">
          Name
        </Column>
        <Column className="react-aria-Column col-type">Type</Column>
        <Column className="react-aria-Column col-fingerprint">Fingerprint (SHA256)</Column>
        <Column className="react-aria-Column col-state">Dashboard</Column>
        <Column className="react-aria-Column col-actions">
          <span className="visually-hidden">Actions</span>
        </Column>
      </TableHeader>
      <TableBody
        renderEmptyState={() => (
          <p className="keys-empty">
            {props.loading
              ? 'Loading…'
              : 'No keys on this device yet. Generate one, or import a PuTTY or OpenSSH key file.'}
          </p>
        )}
      >
        {props.rows.map(({ key, onDashboard }) => (
          <Row key={key.id} id={key.id}>
            <Cell>
              <span className="key-name">{key.name}</span>
            </Cell>
            <Cell>
              {TYPE_WORDS[key.type]} {key.type === 'ssh-rsa' ? key.bits : ''}
              <KeyWarning keyInfo={key} compact />
            </Cell>
            <Cell>
              <code className="fingerprint">{key.fingerprints.sha256}</code>
            </Cell>
            <Cell>
              <DashboardState
                keyInfo={key}
                onDashboard={onDashboard}
                known={props.dashboardKnown}
                syncing={props.syncing.has(key.id)}
                onSync={() => props.onAction(key, 'sync')}
              />
            </Cell>
            <Cell className="react-aria-Cell col-actions">
              <MenuTrigger>
                <Button aria-label={`Actions for ${key.name}`} className="react-aria-Button icon">
                  ⋯
                </Button>
                <Popover placement="bottom end">
                  <Menu onAction={(action) => props.onAction(key, action as LocalKeyAction)}>
                    <MenuItem id="copy">Copy public key</MenuItem>
                    <MenuItem id="export">Export private key…</MenuItem>
                    {props.dashboardKnown && onDashboard.length === 0 && (
                      <MenuItem id="sync">Add to dashboard</MenuItem>
                    )}
                    <MenuItem id="delete" className="react-aria-MenuItem danger">
                      Delete…
                    </MenuItem>
                  </Menu>
                </Popover>
              </MenuTrigger>
            </Cell>
          </Row>
        ))}
      </TableBody>
    </Table>
  );
}
