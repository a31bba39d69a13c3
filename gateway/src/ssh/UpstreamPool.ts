import ssh2 from 'ssh2';
import type { Client as SshClient, ServerHostKeyAlgorithm } from 'ssh2';
import { parsePublicKey } from '../keys/publicKey.ts';
import type { NodeAccess } from '../store/types.ts';
import type { AuditSink } from './AuditLog.ts';

export type NodeConnectFailure = 'unreachable' | 'host-key-mismatch' | 'access-refused' | 'shutting-down';

/** Why the gateway could not reach a node; the message is shown to the user as it is. */
export class NodeConnectError extends Error {
  constructor(
    message: string,
    readonly reason: NodeConnectFailure,
  ) {
    super(message);
    this.name = 'NodeConnectError';
  }
}

export interface UpstreamPoolOptions {
  /** The gateway's node-access private key (OpenSSH format), accepted by every node's sshd. */
  privateKey: string | Buffer;
  audit: AuditSink;
  connectTimeoutMs: number;
  channelsPerConnection: number;
  idleMs: number;
  keepaliveIntervalMs: number;
}

/** A pooled connection lent out for one channel; `release` exactly once when that channel is gone. */
export interface UpstreamLease {
  client: SshClient;
  release(): void;
}

interface PooledConnection {
  client: SshClient;
  ready: Promise<void>;
  channels: number;
  closed: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Connections from the gateway to nodes' sshd, shared between the gateway's clients: a second
 * `ssh 518839-4856@gate true` reuses the connection the first one opened, which is what makes a
 * gateway hop cheap. A connection carries at most `channelsPerConnection` channels (sshd refuses
 * sessions beyond its MaxSessions, 10 by default) and is closed when idle.
 */
export class UpstreamPool {
  private readonly pools = new Map<string, PooledConnection[]>();
  private closing = false;

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** A connection to the node with room for one more channel. @throws NodeConnectError */
  async acquire(nodeId: number, access: NodeAccess, conn?: string): Promise<UpstreamLease> {
    if (this.closing)
      throw new NodeConnectError('The gateway is shutting down. Reconnect in a moment.', 'shutting-down');
    // The pinned host key is part of the pool key, so re-pinning a node never reuses a connection
    // that was verified against the old key.
    const key = `${nodeId}|${access.user}@${access.host}:${access.port}|${access.hostKey}`;
    const pool = this.pools.get(key) ?? [];
    this.pools.set(key, pool);
    let pooled = pool.find(
      (candidate) => !candidate.closed && candidate.channels < this.options.channelsPerConnection,
    );
    if (!pooled) {
      pooled = this.connect(nodeId, access, conn, () => {
        const at = pool.indexOf(pooled as PooledConnection);
        if (at >= 0) pool.splice(at, 1);
        if (pool.length === 0 && this.pools.get(key) === pool) this.pools.delete(key);
      });
      pool.push(pooled);
    }
    const lent = pooled;
    lent.channels++;
    if (lent.idleTimer) {
      clearTimeout(lent.idleTimer);
      lent.idleTimer = undefined;
    }
    try {
      await lent.ready;
    } catch (error) {
      this.release(lent);
      throw error;
    }
    let released = false;
    return {
      client: lent.client,
      release: () => {
        if (released) return;
        released = true;
        this.release(lent);
      },
    };
  }

  /** Ends every pooled connection; later `acquire` calls fail with a "shutting down" message. */
  async close(): Promise<void> {
    this.closing = true;
    const all = [...this.pools.values()].flat();
    this.pools.clear();
    await Promise.all(
      all.map(
        (pooled) =>
          new Promise<void>((resolve) => {
            if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
            if (pooled.closed) return resolve();
            pooled.client.once('close', () => resolve());
            pooled.client.end();
            // A node that never answers our disconnect must not hold up shutdown.
            setTimeout(() => {
              pooled.client.destroy();
              resolve();
            }, 2_000).unref();
          }),
      ),
    );
  }

  private release(pooled: PooledConnection): void {
    pooled.channels--;
    if (pooled.channels > 0 || pooled.closed) return;
    pooled.idleTimer = setTimeout(() => pooled.client.end(), this.options.idleMs);
    pooled.idleTimer.unref();
  }

  private connect(
    nodeId: number,
    access: NodeAccess,
    conn: string | undefined,
    onGone: () => void,
  ): PooledConnection {
    const client = new ssh2.Client();
    const pinned = pinnedHostKey(access.hostKey);
    let hostKeyMismatch = false;
    let settled = false;
    const pooled: PooledConnection = {
      client,
      channels: 0,
      closed: false,
      idleTimer: undefined,
      ready: new Promise<void>((resolve, reject) => {
        client.once('ready', () => {
          settled = true;
          resolve();
        });
        // Errors after 'ready' (keepalive timeout, reset) only end the connection: its channels
        // close and their clients see that; only failures to connect are audited here.
        client.on('error', (error: Error & { level?: string; code?: string }) => {
          if (settled) return;
          settled = true;
          const failure = this.describeFailure(nodeId, error, hostKeyMismatch);
          if (failure.reason === 'host-key-mismatch' || failure.reason === 'unreachable') {
            this.options.audit.record({
              event: 'upstream',
              ...(conn ? { conn } : {}),
              nodeId,
              result: failure.reason,
              detail: error.message,
            });
          }
          reject(failure);
        });
        // A node that hangs up during the handshake without an error must not leave callers waiting.
        client.once('close', () => {
          if (settled) return;
          settled = true;
          reject(
            this.describeFailure(
              nodeId,
              new Error('the connection was closed during the handshake'),
              hostKeyMismatch,
            ),
          );
        });
      }),
    };
    // Nobody may be awaiting `ready` when a late error arrives; the rejection is handled there.
    pooled.ready.catch(() => undefined);
    client.once('close', () => {
      pooled.closed = true;
      if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
      onGone();
    });
    client.connect({
      host: access.host,
      port: access.port,
      username: access.user,
      privateKey: this.options.privateKey,
      readyTimeout: this.options.connectTimeoutMs,
      keepaliveInterval: this.options.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      ...(pinned ? { algorithms: { serverHostKey: pinned.algorithms } } : {}),
      // Never accept an unknown node key: ssh2 accepts anything when no verifier is set.
      hostVerifier: (key: Buffer) => {
        const matches = pinned !== undefined && key.equals(pinned.blob);
        if (!matches) hostKeyMismatch = true;
        return matches;
      },
    });
    // Node sockets use Nagle by default: small requests (an sftp read, a keystroke) would wait
    // for the ACK of earlier data, which stalls request/response traffic such as sftp downloads.
    client.setNoDelay(true);
    return pooled;
  }

  private describeFailure(
    nodeId: number,
    error: Error & { level?: string; code?: string },
    hostKeyMismatch: boolean,
  ) {
    if (hostKeyMismatch) {
      return new NodeConnectError(
        `Node ${nodeId} presented a host key that does not match the one on record, so the gateway did not connect (this could be an interception attempt). The incident is logged; please contact support.`,
        'host-key-mismatch',
      );
    }
    if (error.level === 'client-authentication') {
      return new NodeConnectError(
        `Node ${nodeId} did not accept the gateway's access key. Restart the node from the dashboard; contact support if it persists.`,
        'access-refused',
      );
    }
    const why =
      error.level === 'client-timeout'
        ? 'it did not answer in time'
        : `its SSH service is not answering (${error.code ?? error.message})`;
    return new NodeConnectError(
      `Node ${nodeId} is not reachable: ${why}. Try again in a minute; if it persists, restart the node from the dashboard.`,
      'unreachable',
    );
  }
}

/** The pinned key's blob and the host-key algorithms that make the node present exactly that key. */
function pinnedHostKey(openssh: string): { blob: Buffer; algorithms: ServerHostKeyAlgorithm[] } | undefined {
  try {
    const key = parsePublicKey(openssh);
    const algorithms: ServerHostKeyAlgorithm[] =
      key.algorithm === 'ssh-rsa'
        ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
        : [key.algorithm as ServerHostKeyAlgorithm];
    return { blob: key.blob, algorithms };
  } catch {
    // An unparsable pin must refuse every key, never fall back to accepting one.
    return undefined;
  }
}
