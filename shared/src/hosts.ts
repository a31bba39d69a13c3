import type { ConnectionTarget } from './connections.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/**
 * How a plain host is signed in to: one of the vault's keys, or the user's own SSH agent
 * (`SSH_AUTH_SOCK`; OpenSSH's named pipe on Windows), which may hold keys this app never sees.
 */
export type HostAuth = { kind: 'key'; keyId: string } | { kind: 'agent' };

/** A saved SSH server that is not on the platform: its own address, user and key. */
export interface SavedHost {
  id: string;
  /** What the list and the tab show ("backup box"). */
  name: string;
  host: string;
  port: number;
  user: string;
  auth: HostAuth;
  /** Another saved host this one is reached through (`ssh -J`). */
  jumpHostId?: string;
  /** Where an import found it ("PuTTY session “backup”"), for the list's tooltip. */
  importedFrom?: string;
}

export type HostDraft = Omit<SavedHost, 'id'>;

/**
 * A saved way to one node through the Enscale gateway (from an imported PuTTY session that named
 * `NODEID-UID@gateway`): it opens the node the same way its row in the environment tree does.
 */
export interface NodeShortcut {
  id: string;
  name: string;
  nodeId: number;
  uid: number;
  gateway: { host: string; port: number };
  importedFrom?: string;
}

export type ShortcutDraft = Omit<NodeShortcut, 'id'>;

export interface HostsEvents {
  /** The saved hosts or shortcuts changed (in any window, or by an import). */
  changed: { hosts: SavedHost[]; shortcuts: NodeShortcut[] };
}

export const DEFAULT_SSH_PORT = 22;

/** Plain hosts and node shortcuts, saved in the profile. */
export interface HostsApi {
  readonly events: EventSource<HostsEvents>;
  list(): Promise<{ hosts: SavedHost[]; shortcuts: NodeShortcut[] }>;
  /** Adds a host; its fields are checked (a jump host must exist and not lead back to it). */
  add(draft: HostDraft): Promise<SavedHost>;
  /** Replaces a host's fields; its open connections keep going until they are closed. */
  update(id: string, draft: HostDraft): Promise<SavedHost>;
  /** Removes a host (refused while another host jumps through it) or a shortcut. */
  remove(id: string): Promise<void>;
  addShortcut(draft: ShortcutDraft): Promise<NodeShortcut>;
}

export const HOSTS_METHODS = methodList<HostsApi>()(['list', 'add', 'update', 'remove', 'addShortcut']);

/** The connection target of a saved host: its address, with `hostId` telling the core to sign in as the host says. */
export const hostTarget = (host: SavedHost): ConnectionTarget => ({
  gateway: { host: host.host, port: host.port },
  username: host.user,
  hostId: host.id,
});
