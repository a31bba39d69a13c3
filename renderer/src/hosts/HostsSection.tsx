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
          <li key={shortcut.id} className="node">
            <div className="node-info">
              <span className="node-type">{shortcut.name}</span>
            </div>
            <div className="node-actions">
              <Button
                aria-label={`Open terminal on shortcut ${shortcut.name}`}
                className="react-aria-Button icon"
                onPress={() => props.actions.openShortcut(shortcut)}
              >
                &gt;_
              </Button>
              <ItemMenu
                name={shortcut.name}
                onRemove={() => setEditing({ kind: 'remove', item: shortcut })}
              />
            </div>
            <div className="node-meta muted" title={shortcut.importedFrom}>
              Node ID {shortcut.nodeId} · shortcut
            </div>
          </li>
        ))}
        {hosts.map((host) => (
          <li key={host.id} className="node">
            <div className="node-info">
              <span className="node-type">{host.name}</span>
            </div>
            <div className="node-actions">
              <Button
                aria-label={`Open terminal on ${host.name}`}
                className="react-aria-Button icon"
                onPress={() => props.actions.openHostTerminal(host)}
              >
                &gt;_
              </Button>
              <Button
                aria-label={`Open files on ${host.name}`}
                className="react-aria-Button icon"
                onPress={() => props.actions.openHostFiles(host)}
              >
                ▤
              </Button>
              <ItemMenu
                name={host.name}
                onEdit={() => setEditing({ kind: 'edit', host })}
                onRemove={() => setEditing({ kind: 'remove', item: host })}
              />
            </div>
            <div className="node-meta muted" title={host.importedFrom}>
              {`${host.user}@${host.host}${host.port === 22 ? '' : `:${host.port}`}`}
              {host.jumpHostId && ` · via ${hosts.find((h) => h.id === host.jumpHostId)?.name ?? '?'}`}
            </div>
          </li>
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
