import { checkSsh2Internals, PacketPool, poolPackets } from '@enscale-ssh/ssh2-internals';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ClientInfo } from 'ssh2';
import type { Store } from '../store/Store.ts';
import type { AuditSink } from './AuditLog.ts';
import { ClientConnection } from './ClientConnection.ts';
import { resolveGatewayOptions } from './GatewayOptions.ts';
import type { GatewayOptions } from './GatewayOptions.ts';
import type { HostKeySet } from './hostKeys.ts';
import { KeyPolicy } from './KeyPolicy.ts';
import { PublicKeyAuthenticator } from './PublicKeyAuthenticator.ts';
import { UserConnections } from './UserConnections.ts';
import { PreAuthSlots } from './PreAuthSlots.ts';
import { SourcePenalties } from './SourcePenalties.ts';
import { sourceKey } from '../sourceKey.ts';
import { TurnTaking } from './takeTurns.ts';
import { UpstreamPool } from './UpstreamPool.ts';

export interface GatewayServerDeps {
  store: Store;
  hostKeys: HostKeySet;
  /** Private key (OpenSSH format) that every node's sshd accepts for its service user. */
  nodeAccessKey: string | Buffer;
  audit: AuditSink;
  options?: Partial<GatewayOptions>;
  /**
   * Milliseconds since the epoch, for the per-source lockout's window and block (`Date.now` unless
   * given): a test moves it forward to see a 30-minute block expire without waiting 30 minutes.
   */
  clock?: () => number;
  /** Uniform in [0, 1) for random early drop (`Math.random` unless given): tests pin the coin. */
  random?: () => number;
}

/** Where the gateway listens, as handed to clients and the sandbox's ready line. */
export interface GatewayAddress {
  host: string;
  port: number;
}

/** A TCP connection from accept until close, before and after the SSH handshake. */
interface Admission {
  /** Connection id for the audit log, given at accept so that even a silent socket has one. */
  id: string;
  socket: Socket;
  ip: string;
  /** Who the lockout and the per-source slot share count this connection against (sourceKey). */
  source: string;
  authenticated: boolean;
  failedAttempts: number;
  graceExpired: boolean;
  graceTimer: NodeJS.Timeout;
  client: ClientConnection | undefined;
}

/**
 * The SSH gateway: port 3022 of the real service in miniature. It owns the TCP listener so that
 * limits ssh2 does not have are applied before any SSH work is done for a connection — per-source
 * lockout, a cap on connections still authenticating, the login grace time — and hands accepted
 * sockets to ssh2 for the protocol.
 */
export class GatewayServer {
  readonly options: GatewayOptions;
  private readonly ssh: ssh2.Server;
  private readonly tcp: NetServer;
  private readonly pool: UpstreamPool;
  private readonly penalties: SourcePenalties;
  private readonly authenticator: PublicKeyAuthenticator;
  private readonly admissions = new Map<string, Admission>();
  private readonly slots: PreAuthSlots;
  private readonly users: UserConnections;
  /** Client and node sockets alike: one rotation decides what the gateway reads next. */
  private readonly turns: TurnTaking;
  /** Outgoing packet buffers, for client and node connections alike. */
  private readonly packets = new PacketPool({ shared: true });
  private closing = false;

  constructor(private readonly deps: GatewayServerDeps) {
    // The gateway answers for ssh2 through its private fields (bare sessions, open failures): an
    // ssh2 other than the one they were written for stops it here, naming the version expected.
    checkSsh2Internals();
    this.options = resolveGatewayOptions(deps.options);
    const options = this.options;
    this.authenticator = new PublicKeyAuthenticator(
      deps.store,
      new KeyPolicy(options.keyTypes, options.minRsaBits),
    );
    this.penalties = new SourcePenalties(
      {
        failures: options.penaltyFailures,
        windowMs: options.penaltyWindowMs,
        blockMs: options.penaltyBlockMs,
      },
      deps.clock ?? Date.now,
    );
    this.slots = new PreAuthSlots(options, deps.random ?? Math.random);
    this.users = new UserConnections(options.maxConnectionsPerUser);
    this.turns = new TurnTaking(options.bulkReadsPerTurn);
    this.pool = new UpstreamPool({
      turns: this.turns,
      packets: this.packets,
      privateKey: deps.nodeAccessKey,
      audit: deps.audit,
      connectTimeoutMs: options.upstreamConnectTimeoutMs,
      channelsPerConnection: options.upstreamChannelsPerConnection,
      idleMs: options.upstreamIdleMs,
      keepaliveIntervalMs: options.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax,
    });
    this.ssh = new ssh2.Server(
      {
        hostKeys: [deps.hostKeys.rsa.privateKey, deps.hostKeys.ed25519.privateKey],
        ident: options.ident,
        // ssh2 starts keepalives only after authentication; the grace timer covers the time before.
        keepaliveInterval: options.keepaliveIntervalMs > 0 ? options.keepaliveIntervalMs : 2 ** 31 - 1,
        keepaliveCountMax: options.keepaliveCountMax,
      },
      (connection, info) => this.onHandshake(connection, info),
    );
    this.tcp = createServer({ noDelay: true }, (socket) => this.onSocket(socket));
  }

  listen(port: number, host = '127.0.0.1'): Promise<GatewayAddress> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        const address = this.tcp.address() as AddressInfo;
        resolve({ host, port: address.port });
      });
    });
  }

  /**
   * Stops listening, disconnects every client with SSH_MSG_DISCONNECT (clients report "closed by
   * remote host", not a reset), and closes the pooled node connections.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const listenerClosed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    const socketsClosed = [...this.admissions.values()].map(
      (admission) =>
        new Promise<void>((resolve) => {
          if (admission.socket.destroyed) return resolve();
          admission.socket.once('close', () => resolve());
          if (admission.client) admission.client.end('gateway shutting down');
          else admission.socket.end();
          // A client that never acknowledges must not keep the gateway from stopping.
          setTimeout(() => admission.socket.destroy(), 2_000).unref();
        }),
    );
    await Promise.all(socketsClosed);
    await this.pool.close();
    await listenerClosed;
  }

  private onSocket(socket: Socket): void {
    const ip = normalizeAddress(socket.remoteAddress);
    const source = sourceKey(socket.remoteAddress);
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const blockedFor = this.penalties.blockedFor(source);
    const refusal = this.closing
      ? 'gateway shutting down'
      : blockedFor > 0
        ? `source blocked for ${Math.ceil(blockedFor / 1000)} s after repeated failed logins`
        : this.slots.refusal(source);
    if (refusal) {
      this.deps.audit.record({ event: 'refused', conn: newConnectionId(), ip, reason: refusal });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.slots.take(source);
    const admission: Admission = {
      id: newConnectionId(),
      socket,
      ip,
      source,
      authenticated: false,
      failedAttempts: 0,
      graceExpired: false,
      client: undefined,
      graceTimer: setTimeout(() => {
        admission.graceExpired = true;
        if (admission.client) {
          admission.client.end('login grace time exceeded');
        } else {
          // Not even an SSH identification arrived: no SSH goodbye is possible, only a close.
          this.deps.audit.record({
            event: 'disconnect',
            conn: admission.id,
            ip,
            reason: 'login grace time exceeded before the SSH handshake',
            durationMs: this.options.loginGraceMs,
          });
          socket.destroy();
        }
      }, this.options.loginGraceMs),
    };
    admission.graceTimer.unref();
    this.admissions.set(key, admission);
    const acceptedAt = Date.now();
    socket.once('close', () => {
      clearTimeout(admission.graceTimer);
      this.admissions.delete(key);
      if (!admission.client && !admission.graceExpired) {
        // No SSH identification ever arrived (a port scan, random bytes, another protocol): without
        // this line such a connection would leave no trace in the audit log.
        this.deps.audit.record({
          event: 'disconnect',
          conn: admission.id,
          ip,
          reason: 'closed before the SSH handshake',
          durationMs: Date.now() - acceptedAt,
        });
      }
      if (admission.authenticated) return;
      this.slots.release(source);
      this.recordNoLogin(admission);
    });
    this.ssh.injectSocket(socket);
    // After ssh2 has paused the socket for its key exchange (see TurnTaking).
    this.turns.add(socket);
  }

  /**
   * Every connection that ends without logging in counts (OpenSSH PerSourcePenalties noauth):
   * silence until the grace time, garbage and `none`-only probes hold a slot just as a wrong key
   * does, and only counting them lets the lockout stop a slot-exhaustion flood.
   */
  private recordNoLogin(admission: Admission): void {
    const outcome = this.penalties.recordFailure(admission.source);
    if (outcome === 'counted') return;
    const { penaltyFailures, penaltyWindowMs, penaltyBlockMs } = this.options;
    const limit = `${penaltyFailures} connections without login within ${Math.ceil(penaltyWindowMs / 1000)} s`;
    this.deps.audit.record({
      event: 'penalty',
      conn: admission.id,
      ip: admission.ip,
      source: admission.source,
      result: outcome,
      reason:
        outcome === 'blocked'
          ? `${limit}: blocked for ${Math.ceil(penaltyBlockMs / 1000)} s`
          : `${limit}, but the table of blocked sources is full: let through`,
    });
  }

  private onHandshake(connection: Connection, info: ClientInfo): void {
    const admission = this.admissions.get(`${info.ip}:${info.port}`);
    if (!admission) {
      connection.end();
      return;
    }
    const id = admission.id;
    // Before the key exchange ends ('connection' comes with the client's identification).
    poolPackets(connection, admission.socket, this.packets, this.turns.batching);
    this.deps.audit.record({
      event: 'connect',
      conn: id,
      ip: admission.ip,
      port: info.port,
      client: info.header.versions.software.slice(0, 120),
    });
    admission.client = new ClientConnection(
      id,
      connection,
      admission.socket,
      {
        store: this.deps.store,
        authenticator: this.authenticator,
        pool: this.pool,
        audit: this.deps.audit,
        options: this.options,
        users: this.users,
      },
      {
        onAuthenticated: () => {
          admission.authenticated = true;
          clearTimeout(admission.graceTimer);
          this.slots.release(admission.source);
          this.penalties.recordSuccess(admission.source);
        },
        onAuthFailure: () => {
          admission.failedAttempts++;
        },
      },
    );
  }
}

function newConnectionId(): string {
  return randomBytes(6).toString('hex');
}

/** `::ffff:127.0.0.1` is logged as `127.0.0.1`. */
function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
