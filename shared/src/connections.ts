import type { GatewayAddress } from './gatewayAddress.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';

/** Where an SSH connection goes: the gateway and the user name that picks menu or node. */
export interface ConnectionTarget {
  gateway: GatewayAddress;
  /** `UID` for the menu, `NODEID-UID` for a node. */
  username: string;
  /** The platform's published gateway key, trusted without asking. */
  pinned?: PinnedHostKey;
  /**
   * A saved plain host (hosts.ts) rather than the gateway: the core signs in with the host's own key
   * or agent and through its jump host, and takes address and user from what is saved.
   */
  hostId?: string;
}

/**
 * A published host key: its type (so the client asks the server for that key and not another one
 * it may also have) and its fingerprint in either form.
 */
export interface PinnedHostKey {
  /** When known, the client asks the server for this key type only. */
  keyType?: 'ssh-rsa' | 'ssh-ed25519' | 'ecdsa-sha2-nistp256';
  md5?: string;
  sha256?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'failed';

export interface ConnectionStateEvent {
  /** `user@host:port`. */
  key: string;
  state: ConnectionState;
  /** Why it is disconnected or failed, in words a person can act on. */
  reason?: string;
  /** When it will try again, for a dropped connection (ms since epoch). */
  retryAt?: number;
}

export interface ConnectionEvents {
  state: ConnectionStateEvent;
}

/**
 * One connection per key. Two saved hosts at the same address may sign in differently (another key,
 * another jump host), so a saved host's connection is its own.
 */
export const connectionKey = (target: ConnectionTarget): string =>
  `${target.username}@${target.gateway.host}:${target.gateway.port}${target.hostId ? `#${target.hostId}` : ''}`;

/** Connection state only: nothing to call. */
export interface ConnectionsApi {
  readonly events: EventSource<ConnectionEvents>;
}

export const CONNECTIONS_METHODS = methodList<ConnectionsApi>()([]);
