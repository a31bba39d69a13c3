import {
  hostKeyAlgorithmsFor,
  poolPackets,
  watchLiveness,
  type PacketPool,
} from '@enscale-ssh/ssh2-internals';
import { connect as connectTcp } from 'node:net';
import ssh2 from 'ssh2';
import type { Client as SshClient, ServerHostKeyAlgorithm } from 'ssh2';
import { parsePublicKey } from '../keys/publicKey.ts';
import type { NodeAccess } from '../store/types.ts';
import type { AuditSink } from './AuditLog.ts';
import type { TurnTaking } from './takeTurns.ts';

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
  /** The gateway's read rotation, shared with its client sockets. */
  turns: TurnTaking;
  /** The gateway's outgoing packet buffers, shared with its client connections. */
  packets: PacketPool;
  connectTimeoutMs: number;
  channelsPerConnection: number;
  idleMs: number;
  /** A keepalive is sent this often; 0 disables keepalives and the liveness check. */
  keepaliveIntervalMs: number;
  /** Intervals in a row in which nothing at all arrived from the node, after which it is given up. */
  keepaliveCountMax: number;
}

/**
 * Which connections a channel may share. Terminals never share a node connection with file transfers:
 * one TCP stream delivers in order, so a keystroke and its echo would queue behind the megabytes of
 * SFTP data other channels have in flight on it.
 */
export type UpstreamLane = 'terminal' | 'bulk';

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
  /** The gateway itself is ending it (idle, shutdown, dead node): its close is not a drop. */
  ending: boolean;
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
  async acquire(
    nodeId: number,
    access: NodeAccess,
    lane: UpstreamLane,
    conn?: string,
  ): Promise<UpstreamLease> {
    if (this.closing)
      throw new NodeConnectError('The gateway is shutting down. Reconnect in a moment.', 'shutting-down');
    // The pinned host key is part of the pool key, so re-pinning a node never reuses a connection
    // that was verified against the old key.
    const key = `${lane}|${nodeId}|${access.user}@${access.host}:${access.port}|${access.hostKey}`;
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
            pooled.ending = true;
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
    pooled.idleTimer = setTimeout(() => {
      pooled.ending = true;
      pooled.client.end();
    }, this.options.idleMs);
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
      ending: false,
      idleTimer: undefined,
      ready: new Promise<void>((resolve, reject) => {
        client.once('ready', () => {
          settled = true;
          resolve();
        });
        client.on('error', (error: Error & { level?: string; code?: string }) => {
          if (settled) {
            // Once up, an error ends the connection and every channel on it: the clients see their
            // channels close, and the log says why — otherwise a dozen sessions ending at once would
            // leave no trace of the cause.
            this.recordDrop(nodeId, pooled, error.message);
            return;
          }
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
    const socket = connectTcp({ host: access.host, port: access.port, noDelay: true });
    const stopLiveness = watchLiveness(
      socket,
      this.options.keepaliveIntervalMs,
      this.options.keepaliveCountMax,
      () => {
        // Before 'ready' the handshake's own timeout applies.
        if (!settled) return;
        this.recordDrop(
          nodeId,
          pooled,
          `nothing arrived from the node for ${this.options.keepaliveCountMax + 1} keepalive intervals`,
        );
        client.destroy();
      },
    );
    client.once('close', () => {
      stopLiveness();
      // Closed by the node or the network while channels were open, with no error to say so.
      if (settled && !pooled.ending && pooled.channels > 0) {
        this.recordDrop(nodeId, pooled, 'the node closed the connection');
      }
      pooled.closed = true;
      if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
      onGone();
    });
    poolPackets(client, socket, this.options.packets, this.options.turns.batching);
    client.connect({
      sock: socket,
      username: access.user,
      privateKey: this.options.privateKey,
      readyTimeout: this.options.connectTimeoutMs,
      keepaliveInterval: this.options.keepaliveIntervalMs,
      // ssh2 counts only answers to its keepalives, and under load an answer queues behind the bulk
      // data in front of it, so a connection busy moving data could be given up as dead (the likely
      // end of 16 sessions' SFTP at once in a load run: docs/reliability.md). ssh2 only sends the
      // keepalives; `watchLiveness` decides, counting anything that arrives, as OpenSSH's
      // ServerAliveInterval does.
      keepaliveCountMax: Number.POSITIVE_INFINITY,
      ...(pinned ? { algorithms: { serverHostKey: pinned.algorithms } } : {}),
      // Never accept an unknown node key: ssh2 accepts anything when no verifier is set.
      hostVerifier: (key: Buffer) => {
        const matches = pinned !== undefined && key.equals(pinned.blob);
        if (!matches) hostKeyMismatch = true;
        return matches;
      },
    });
    // After ssh2's own reader is attached (see TurnTaking): node sockets are read in rotation with
    // the clients', so no single busy node connection holds up the rest.
    this.options.turns.add(socket);
    return pooled;
  }

  /**
   * One audit line per connection lost while up, naming how many channels went with it (no `conn`:
   * the connection is shared by several clients, whose channel lines follow).
   */
  private recordDrop(nodeId: number, pooled: PooledConnection, why: string): void {
    if (pooled.closed || pooled.ending) return;
    pooled.ending = true;
    this.options.audit.record({
      event: 'upstream',
      nodeId,
      result: 'dropped',
      detail: why,
      channels: pooled.channels,
    });
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
    // A type the shared table does not list is asked for by its own name, as before.
    const algorithms = hostKeyAlgorithmsFor([key.algorithm]) ?? [key.algorithm as ServerHostKeyAlgorithm];
    return { blob: key.blob, algorithms };
  } catch {
    // An unparsable pin must refuse every key, never fall back to accepting one.
    return undefined;
  }
}
