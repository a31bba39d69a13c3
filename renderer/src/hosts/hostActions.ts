import { nodeUser } from '../../../shared/src/gatewayAddress.ts';
import { hostTarget, type NodeShortcut, type SavedHost } from '../../../shared/src/hosts.ts';
import type { PlatformProfile } from '../../../shared/src/platform.ts';
import type { EnvironmentList } from '../../../shared/src/platformService.ts';
import type { Tab } from '../tabs/tabList.ts';
import type { HostActions } from './HostsSection.tsx';

/**
 * What the Hosts list opens: a saved host's terminal or files, and a shortcut's node as its row in
 * the environment tree would open it (the gateway's published key pinned when it is this platform's).
 */
export function hostActions(
  open: (title: string, content: Tab['content']) => void,
  list: EnvironmentList | null,
  profile: PlatformProfile,
): HostActions {
  return {
    openHostTerminal: (host: SavedHost) =>
      open(host.name, { kind: 'host', target: hostTarget(host), hostId: host.id, name: host.name }),
    openHostFiles: (host: SavedHost) =>
      open(`Files · ${host.name}`, {
        kind: 'hostFiles',
        target: hostTarget(host),
        hostId: host.id,
        name: host.name,
      }),
    openShortcut: (shortcut: NodeShortcut) => {
      const env = list?.environments.find((e) => e.nodes.some((n) => n.id === shortcut.nodeId));
      const ours =
        shortcut.gateway.host === profile.gateway.host && shortcut.gateway.port === profile.gateway.port;
      open(`${shortcut.nodeId} · ${env?.envName ?? shortcut.name}`, {
        kind: 'node',
        target: {
          gateway: shortcut.gateway,
          username: nodeUser(shortcut.nodeId, shortcut.uid),
          ...(ours && profile.gatewayKey ? { pinned: profile.gatewayKey } : {}),
        },
        nodeId: shortcut.nodeId,
        envName: env?.envName ?? shortcut.name,
      });
    },
  };
}
