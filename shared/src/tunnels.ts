import type { ConnectionTarget } from './connections.ts';
import type { DatabaseEngine } from './databases.ts';
import { isDatabaseNodeType } from './nodeGroups.ts';
import type { EventSource } from './rpc/Emitter.ts';
import { methodList } from './rpc/methods.ts';
import { shellWords } from './shellQuote.ts';

/** Where every tunnel listens on this computer: loopback only, so no other computer can use it. */
export const TUNNEL_LOCAL_HOST = '127.0.0.1';
/** Where a tunnel leads on the node: the node's own loopback, where its services listen. */
export const TUNNEL_REMOTE_HOST = '127.0.0.1';

/**
 * - `opening`: binding the local port and reaching the node.
 * - `open`: accepting local clients; each gets its own channel to the node's port.
 * - `reconnecting`: the gateway connection dropped; the local port stays bound and new clients
 *   wait while it is tried again (`retryAt`).
 * - `failed`: it cannot work (the node forbids forwarding, the key was refused …): `error` says why;
 *   the local port is released.
 * - `closed`: closed by the user; the last event about it.
 */
export type TunnelState = 'opening' | 'open' | 'reconnecting' | 'failed' | 'closed';

export interface OpenTunnelRequest {
  /** The node's connection through the gateway (`NODEID-UID`). */
  target: ConnectionTarget;
  /** The port on the node (its own 127.0.0.1). */
  remotePort: number;
  /** The port on this computer's 127.0.0.1; a free one when left out (or 0). */
  localPort?: number;
  /** What it is for, shown beside it ("MariaDB", "PostgreSQL"). */
  label?: string;
}

export interface TunnelEnd {
  host: string;
  port: number;
}

export interface TunnelInfo {
  id: string;
  /** The node it leads to (from the target's `NODEID-UID`). */
  nodeId: number;
  target: ConnectionTarget;
  label?: string;
  local: TunnelEnd;
  remote: TunnelEnd;
  state: TunnelState;
  /** Bytes from the node to the local clients. */
  bytesIn: number;
  /** Bytes from the local clients to the node. */
  bytesOut: number;
  /** Local clients connected now. */
  clients: number;
  /** Local clients accepted since it opened. */
  connections: number;
  /**
   * The latest problem, in the words of whoever had it: the node's own refusal of a forward
   * ("administratively prohibited: open failed"), a port nothing listens on, a dropped gateway.
   */
  error?: string;
  /** While reconnecting: when the next attempt starts (ms since epoch). */
  retryAt?: number;
  openedAt: number;
}

export interface TunnelEvents {
  /** A tunnel's state, figures or error changed (figures at most a few times a second). */
  changed: TunnelInfo;
}

/**
 * Local port forwards through the gateway (`ssh -L 127.0.0.1:LOCAL:127.0.0.1:REMOTE NODEID-UID@gateway`):
 * each client accepted on the local port gets a `direct-tcpip` channel to the node's port, which the
 * node itself allows or refuses. They live as long as the core, or until closed.
 */
export interface TunnelsApi {
  readonly events: EventSource<TunnelEvents>;
  /**
   * Binds the local port and checks the node lets the forward through. Resolves with the tunnel
   * `open`, or `failed` with the node's words when the node refuses forwarding (it stays listed, so
   * the refusal can be shown). A local port that cannot be bound is an error, and nothing is listed.
   */
  open(request: OpenTunnelRequest): Promise<TunnelInfo>;
  list(): Promise<TunnelInfo[]>;
  /** Closes the local port and every client's channel, and forgets the tunnel. */
  close(id: string): Promise<void>;
}

export const TUNNELS_METHODS = methodList<TunnelsApi>()(['open', 'list', 'close']);

/**
 * A database node's engine and the port its server listens on, as the platform shows it (MariaDB,
 * MySQL and Percona on 3306, PostgreSQL on 5432); undefined for any other node.
 */
export function databaseOf(nodeType: string): { engine: DatabaseEngine; port: number } | undefined {
  if (!isDatabaseNodeType(nodeType)) return undefined;
  return /^postgres/i.test(nodeType) ? { engine: 'postgresql', port: 5432 } : { engine: 'mysql', port: 3306 };
}

/**
 * The engine's own client through a tunnel on this computer's `port`. The password is never on the
 * line: `mysql -p` and `psql` ask for it, so it stays out of the shell's history and process list.
 * Every name follows an option that takes it as its value, so none can be read as an option itself.
 */
export function sqlClientCommand(
  engine: DatabaseEngine,
  port: number,
  user: string,
  database: string,
): string {
  const host = ['-h', TUNNEL_LOCAL_HOST];
  const words =
    engine === 'mysql'
      ? [
          'mysql',
          ...host,
          '-P',
          String(port),
          ...(user ? ['-u', user] : []),
          '-p',
          ...(database ? ['-D', database] : []),
        ]
      : [
          'psql',
          ...host,
          '-p',
          String(port),
          ...(user ? ['-U', user] : []),
          ...(database ? ['-d', database] : []),
        ];
  return shellWords(words);
}
