import { useState } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { Environment } from '../../../shared/src/platform.ts';
import { useCopySshConfig } from '../sshConfig/useCopySshConfig.ts';
import { ConfirmDialog } from '../ui/dialogs.tsx';
import { Working } from '../ui/Working.tsx';
import {
  allowedChanges,
  CHANGE_PROGRESS,
  type EnvironmentChange,
  type EnvironmentChanges,
} from './useEnvironmentChanges.ts';

const LABELS: Record<EnvironmentChange, string> = { start: 'Start', stop: 'Stop…', sleep: 'Sleep…' };

/** The environment's ⋯ menu (start, stop, sleep), the question before nodes go down, and progress. */
export function EnvironmentControls({ env, changes }: { env: Environment; changes: EnvironmentChanges }) {
  const [asking, setAsking] = useState<Exclude<EnvironmentChange, 'start'>>();
  const copySshConfig = useCopySshConfig();
  const pending = changes.pending[env.envName];
  if (pending)
    return (
      <div className="environment-controls">
        <Working label={CHANGE_PROGRESS[pending]} />
      </div>
    );
  // The menu is there in every status: "Copy ssh config" is, whatever the environment's status.
  const offered = allowedChanges(env.status);
  return (
    <div className="environment-controls">
      <MenuTrigger>
        <Button aria-label={`Actions for environment ${env.envName}`} className="react-aria-Button icon">
          ⋯
        </Button>
        <Popover placement="bottom end">
          <Menu
            onAction={(key) => {
              if (key === 'sshConfig') return copySshConfig({ kind: 'environment', name: env.envName });
              const change = key as EnvironmentChange;
              if (change === 'start') changes.run(env.envName, 'start');
              else setAsking(change);
            }}
          >
            {offered.map((change) => (
              <MenuItem
                key={change}
                id={change}
                className={change === 'start' ? undefined : 'react-aria-MenuItem danger'}
              >
                {LABELS[change]}
              </MenuItem>
            ))}
            <MenuItem id="sshConfig">Copy ssh config</MenuItem>
          </Menu>
        </Popover>
      </MenuTrigger>
      {asking && (
        <ConfirmDialog
          title={asking === 'stop' ? `Stop ${env.envName}?` : `Put ${env.envName} to sleep?`}
          confirm={asking === 'stop' ? 'Stop environment' : 'Put to sleep'}
          danger
          onConfirm={async () => changes.run(env.envName, asking)}
          onClose={() => setAsking(undefined)}
        >
          <p>These nodes go down; terminals, file panes and tunnels on them end:</p>
          <ul className="going-down">
            {env.nodes.map((node) => (
              <li key={node.id}>
                {node.displayName || node.nodeType} — node {node.id}
              </li>
            ))}
          </ul>
          <p className="muted">
            {asking === 'stop'
              ? 'Start it again from this menu; the platform keeps its files and databases.'
              : 'A sleeping environment wakes when started from this menu or the dashboard.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
