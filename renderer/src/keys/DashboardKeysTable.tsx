import { Button, Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { DashboardKey } from '../../../shared/src/platform.ts';

/** The key type word of an OpenSSH public key line (`ssh-rsa` → RSA). */
function typeOf(publicKey: string): string {
  const type = publicKey.trim().split(/\s+/)[0] ?? '';
  return { 'ssh-rsa': 'RSA', 'ssh-ed25519': 'Ed25519' }[type] ?? type;
}

/** Dashboard keys whose private half is not on this device: other computers', or deleted here. */
export function DashboardKeysTable(props: { keys: DashboardKey[]; onDelete: (key: DashboardKey) => void }) {
  return (
    <Table aria-label="Dashboard keys not on this device" className="keys-table">
      <TableHeader>
        <Column isRowHeader className="react-aria-Column col-name">
          Title
        </Column>
        <Column className="react-aria-Column col-type">Type</Column>
        <Column className="react-aria-Column col-fingerprint">
          Fingerprint (MD5, as the dashboard shows it)
        </Column>
        <Column className="react-aria-Column col-wide-actions">
          <span className="visually-hidden">Actions</span>
        </Column>
      </TableHeader>
      <TableBody
        renderEmptyState={() => <p className="keys-empty">Every dashboard key is also on this device.</p>}
      >
        {props.keys.map((key) => (
          <Row key={key.id} id={key.id}>
            <Cell>
              <span className="key-name">{key.title}</span>
            </Cell>
            <Cell>{typeOf(key.publicKey)}</Cell>
            <Cell>
              <code className="fingerprint">{key.fingerprint}</code>
            </Cell>
            <Cell className="react-aria-Cell col-actions">
              <Button
                className="react-aria-Button small"
                aria-label={`Delete ${key.title} from the dashboard`}
                onPress={() => props.onDelete(key)}
              >
                Delete…
              </Button>
            </Cell>
          </Row>
        ))}
      </TableBody>
    </Table>
  );
}
