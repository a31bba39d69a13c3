import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Cell,
  Column,
  Form,
  Input,
  Row,
  Table,
  TableBody,
  TableHeader,
  TextField,
} from 'react-aria-components';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { RemoteFileEntry } from '../../../shared/src/files.ts';
import { errorMessage } from '../app/errorMessage.ts';
import { useCore } from '../host/HostContext.tsx';
import { InlineError } from '../ui/fields.tsx';

const parentOf = (path: string): string => {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  return index <= 0 ? '/' : trimmed.slice(0, index);
};

const size = (bytes: number): string => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
};

/** A node's files over SFTP through the gateway: browse by path, folders first. */
export function FilesView(props: { target: ConnectionTarget; label: string }) {
  const core = useCore();
  const [path, setPath] = useState<string>();
  const [location, setLocation] = useState('');
  const [entries, setEntries] = useState<RemoteFileEntry[]>([]);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const open = useCallback(
    async (next: string) => {
      setError(undefined);
      setLoading(true);
      try {
        const list = await core.files.list(props.target, next);
        list.sort((a, b) =>
          (a.type === 'directory') === (b.type === 'directory')
            ? a.name.localeCompare(b.name)
            : a.type === 'directory'
              ? -1
              : 1,
        );
        setEntries(list);
        setPath(next);
        setLocation(next);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [core, props.target],
  );

  const home = useCallback(async () => {
    try {
      await open(await core.files.home(props.target));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [core, open, props.target]);

  useEffect(() => {
    void home();
  }, [home]);

  return (
    <section className="files-view" aria-label={props.label}>
      <div className="files-toolbar">
        <Button
          aria-label="Up"
          onPress={() => path && void open(parentOf(path))}
          isDisabled={!path || path === '/'}
        >
          ↑
        </Button>
        <Button aria-label="Home" onPress={() => void home()}>
          ⌂
        </Button>
        <Button aria-label="Refresh" onPress={() => path && void open(path)}>
          ↻
        </Button>
        <Form
          className="location"
          onSubmit={(event) => {
            event.preventDefault();
            if (location.trim()) void open(location.trim());
          }}
        >
          <TextField aria-label="Location" value={location} onChange={setLocation} className="location-field">
            <Input />
          </TextField>
        </Form>
      </div>
      <InlineError message={error} />
      <Table
        aria-label={`Files in ${path ?? ''}`}
        className="files-table"
        onRowAction={(key) => {
          const entry = entries.find((e) => e.path === key);
          if (entry && (entry.type === 'directory' || entry.targetType === 'directory'))
            void open(entry.path);
        }}
      >
        <TableHeader>
          <Column isRowHeader>Name</Column>
          <Column>Size</Column>
          <Column>Modified</Column>
          <Column>Permissions</Column>
          <Column>Owner</Column>
        </TableHeader>
        <TableBody items={entries} renderEmptyState={() => (loading ? 'Loading…' : 'This folder is empty.')}>
          {(entry) => (
            <Row id={entry.path} textValue={entry.name}>
              <Cell>
                <span className={`file-icon ${entry.type}`} aria-hidden="true" />
                {entry.name}
                {entry.target ? ` → ${entry.target}` : ''}
              </Cell>
              <Cell>{entry.type === 'directory' ? '' : size(entry.size)}</Cell>
              <Cell>{new Date(entry.mtime).toLocaleString()}</Cell>
              <Cell>
                <code>{entry.permissions}</code>
              </Cell>
              <Cell>{entry.owner ?? entry.uid}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>
    </section>
  );
}
