import { useState, type ReactNode } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { NodeShortcut, SavedHost } from '../../../shared/src/hosts.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { ConfirmDialog } from '../ui/dialogs.tsx';
import { InlineError } from '../ui/fields.tsx';
import { HostDialog } from './HostDialog.tsx';
import { useHosts } from './useHosts.ts';

export interface HostActions {
  openHostTerminal(host: SavedHost): void;
  openHostFiles(host: SavedHost): void;
  openShortcut(shortcut: NodeShortcut): void;
}

type Editing =
  { kind: 'add' } | { kind: 'edit'; host: SavedHost } | { kind: 'remove'; item: SavedHost | NodeShortcut };

/** Saved plain SSH hosts and node shortcuts, under the environments: open, add, edit, remove. */
export function HostsSection(props: { actions: HostActions; importButton?: ReactNode }) {
  const core = useCore();
  const notifier = useNotifier();
  const { hosts, shortcuts, error } = useHosts();
  const [editing, setEditing] = useState<Editing | undefined>();
  const close = () => setEditing(undefined);
  return (
    <section className="hosts" aria-label="Hosts">
      <div className="sidebar-head">
        <h2>Hosts</h2>
        <Button className="react-aria-Button" onPress={() => setEditing({ kind: 'add' })}>
          Add host
        </Button>
      </div>
      <InlineError message={error} />
      {hosts.length === 0 && shortcuts.length === 0 && !error && (
        <p className="muted">Your own servers, and sessions imported from PuTTY or ~/.ssh/config.</p>
      )}
      <ul className="nodes">
        {shortcuts.map((shortcut) => (
          <SavedRow
            key={shortcut.id}
            name={shortcut.name}
            terminalLabel={`Open terminal on shortcut ${shortcut.name}`}
            onTerminal={() => props.actions.openShortcut(shortcut)}
            onRemove={() => setEditing({ kind: 'remove', item: shortcut })}
            meta={`Node ID ${shortcut.nodeId} · shortcut`}
            importedFrom={shortcut.importedFrom}
          />
        ))}
        {hosts.map((host) => (
          <SavedRow
            key={host.id}
            name={host.name}
            terminalLabel={`Open terminal on ${host.name}`}
            onTerminal={() => props.actions.openHostTerminal(host)}
            onFiles={() => props.actions.openHostFiles(host)}
            onEdit={() => setEditing({ kind: 'edit', host })}
            onRemove={() => setEditing({ kind: 'remove', item: host })}
            meta={
              `${host.user}@${host.host}${host.port === 22 ? '' : `:${host.port}`}` +
              (host.jumpHostId ? ` · via ${hosts.find((h) => h.id === host.jumpHostId)?.name ?? '?'}` : '')
            }
            importedFrom={host.importedFrom}
          />
        ))}
      </ul>
      {props.importButton}
      {editing?.kind === 'add' && <HostDialog hosts={hosts} onClose={close} />}
      {editing?.kind === 'edit' && <HostDialog editing={editing.host} hosts={hosts} onClose={close} />}
      {editing?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${editing.item.name}?`}
          confirm="Remove"
          danger
          onConfirm={async () => {
            await core.hosts.remove(editing.item.id);
            notifier.info(`Removed ${editing.item.name}`, 'Its known host key stays in known_hosts.');
          }}
          onClose={close}
        >
          <p>
            {'host' in editing.item
              ? `The saved host ${editing.item.user}@${editing.item.host} is removed from this app; the server is not touched.`
              : `The shortcut to node ${editing.item.nodeId} is removed; the node is not touched.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** One saved host's or shortcut's row: its name, how it is reached, and its actions. */
function SavedRow(props: {
  name: string;
  terminalLabel: string;
  onTerminal: () => void;
  onFiles?: () => void;
  onEdit?: () => void;
  onRemove: () => void;
  meta: string;
  importedFrom: string | undefined;
}) {
  return (
    <li className="node">
      <div className="node-info">
        <span className="node-type">{props.name}</span>
      </div>
      <div className="node-actions">
        <Button
          aria-label={props.terminalLabel}
          className="react-aria-Button icon"
          onPress={props.onTerminal}
        >
          &gt;_
        </Button>
        {props.onFiles && (
          <Button
            aria-label={`Open files on ${props.name}`}
            className="react-aria-Button icon"
            onPress={props.onFiles}
          >
            ▤
          </Button>
        )}
        <ItemMenu
          name={props.name}
          {...(props.onEdit ? { onEdit: props.onEdit } : {})}
          onRemove={props.onRemove}
        />
      </div>
      <div className="node-meta muted" title={props.importedFrom}>
        {props.meta}
      </div>
    </li>
  );
}

function ItemMenu(props: { name: string; onEdit?: () => void; onRemove: () => void }) {
  return (
    <MenuTrigger>
      <Button aria-label={`More actions for ${props.name}`} className="react-aria-Button icon">
        ⋯
      </Button>
      <Popover placement="bottom end">
        <Menu
          onAction={(key) => {
            if (key === 'edit') props.onEdit?.();
            if (key === 'remove') props.onRemove();
          }}
        >
          {props.onEdit && <MenuItem id="edit">Edit…</MenuItem>}
          <MenuItem id="remove">Remove…</MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
