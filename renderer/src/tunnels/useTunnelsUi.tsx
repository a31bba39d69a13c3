import { useState, type ReactNode } from 'react';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';
import type { PlatformNode, PlatformProfile } from '../../../shared/src/platform.ts';
import { useCore } from '../host/HostContext.tsx';
import { OpenTunnelDialog } from './OpenTunnelDialog.tsx';
import { SqlClientDialog } from './SqlClientDialog.tsx';
import { TunnelsPanel, TunnelsStatus } from './TunnelsPanel.tsx';
import { TunnelsStore } from './TunnelsStore.ts';

export interface TunnelActions {
  openTunnel(node: PlatformNode): void;
  connectSqlClient(node: PlatformNode): void;
}

/**
 * Everything tunnels add to the workbench, in one place: the node menu's two actions, the Tunnels
 * panel (shown when a tunnel opens, toggled from the status bar) and the two dialogs.
 */
export function useTunnelsUi(
  targetOf: (node: PlatformNode) => ConnectionTarget,
  profile: PlatformProfile,
): { actions: TunnelActions; panel: ReactNode; status: ReactNode; dialogs: ReactNode } {
  const core = useCore();
  const [store] = useState(() => new TunnelsStore(core));
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<{ kind: 'tunnel' | 'sql'; node: PlatformNode }>();
  const close = () => setDialog(undefined);
  const shown = () => setOpen(true);
  const node = dialog?.node;
  const demo = profile.demoDatabases?.find((db) => db.nodeId === node?.id);
  return {
    actions: {
      openTunnel: (chosen) => setDialog({ kind: 'tunnel', node: chosen }),
      connectSqlClient: (chosen) => setDialog({ kind: 'sql', node: chosen }),
    },
    panel: open ? <TunnelsPanel store={store} onClose={() => setOpen(false)} /> : null,
    status: <TunnelsStatus store={store} open={open} onToggle={() => setOpen((was) => !was)} />,
    dialogs:
      node && dialog.kind === 'tunnel' ? (
        <OpenTunnelDialog node={node} target={targetOf(node)} onOpened={shown} onClose={close} />
      ) : node && dialog.kind === 'sql' ? (
        <SqlClientDialog
          node={node}
          target={targetOf(node)}
          prefill={demo ? { database: demo.database, user: demo.user, password: demo.password } : undefined}
          onOpened={shown}
          onClose={close}
        />
      ) : null,
  };
}
