import type { Socket } from 'node:net';
import type { AuthContext, Connection } from 'ssh2';
import type { Store } from '../store/Store.ts';
import type { AuditSink } from './AuditLog.ts';
import { finishBareSessionClose } from '@enscale-ssh/ssh2-internals';
import { ChannelOpenFailureReason, rejectChannelOpen } from './channelOpenFailure.ts';
import { serveDirectSession } from './directSession.ts';
import { serveDirectTcpip } from './directTcpip.ts';
import type { GatewayOptions } from './GatewayOptions.ts';
import type { GatewayUser } from './gatewayUser.ts';
import { describeUserName } from './gatewayUser.ts';
import { serveMenuSession } from './menu/MenuSession.ts';
import type { ConnectionContext } from './nodeChannel.ts';
import type { AuthDecision, PublicKeyAuthenticator } from './PublicKeyAuthenticator.ts';
import type { UpstreamPool } from './UpstreamPool.ts';
import type { UserAdmission, UserConnections } from './UserConnections.ts';

export interface ClientConnectionDeps {
  store: Store;
  authenticator: PublicKeyAuthenticator;
  pool: UpstreamPool;
  audit: AuditSink;
  options: GatewayOptions;
  users: UserConnections;
}

/** How long a client has to close its side after the gateway said goodbye. */
const CLOSE_GRACE_MS = 2_000;
/** How long a connection over its user's limit may stay to read why its channels are refused. */
const OVER_LIMIT_CLOSE_MS = 10_000;

/** Called back by the connection so the server can keep its per-source and per-state counts. */
export interface ConnectionObserver {
  onAuthenticated(): void;
  /** A refused attempt; the server turns connections with these into per-source penalties. */
  onAuthFailure(): void;
}

/**
 * One client connection after the SSH handshake: authentication with its attempt limit, then
 * the channels of a menu (`UID`) or direct (`NODEID-UID`) login, and the idle timeout.
 */
export class ClientConnection {
  private failures = 0;
  /** Session and direct-tcpip channels open now, for the per-connection limit. */
  private openChannels = 0;
  private user: GatewayUser | undefined;
  /** What this connection holds in its user's count (released on close). */
  private userPlace: UserAdmission | undefined;
  private endReason: string | undefined;
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  constructor(
    readonly id: string,
    private readonly connection: Connection,
    /** The TCP socket under `connection`, to cut when a client does not take part in closing. */
    private readonly socket: Socket,
    private readonly deps: ClientConnectionDeps,
    private readonly observer: ConnectionObserver,
  ) {
    connection.on('authentication', (ctx: AuthContext) => void this.authenticate(ctx));
    connection.on('ready', () => this.onReady());
    // Every error ends in 'close', which is audited; only the reason is worth keeping.
    connection.on('error', (error: Error & { level?: string }) => {
      if (error.level !== 'client-timeout') return;
      // ssh2 has already sent its disconnect; a client that answers nothing will not close either.
      this.endReason ??= 'no answer to keepalives';
      this.cutAfterGrace();
    });
    connection.once('close', () => this.onClose());
  }

  /** Disconnects the client with SSH_MSG_DISCONNECT (a clean "closed by remote host"). */
  end(reason: string): void {
    this.endReason ??= reason;
    this.connection.end();
    this.cutAfterGrace();
  }

  /**
   * After our SSH_MSG_DISCONNECT the socket closes once the client closes its side; a frozen or
   * hostile client never does, so the socket is destroyed after a short grace.
   */
  private cutAfterGrace(): void {
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  get authenticated(): boolean {
    return this.user !== undefined;
  }

  private async authenticate(ctx: AuthContext): Promise<void> {
    // Requests the client sent before our disconnect reached it are not answered or counted.
    if (this.failures >= this.deps.options.maxAuthTries) return;
    let decision: AuthDecision;
    try {
      decision = await this.deps.authenticator.decide(ctx);
    } catch {
      // The store failing is not the user's fault: refuse this attempt without counting it.
      ctx.reject(['publickey']);
      return;
    }
    if (this.failures >= this.deps.options.maxAuthTries) return;
    const base = {
      event: 'auth' as const,
      conn: this.id,
      method: ctx.method,
      user: describeUserName(ctx.username),
    };
    switch (decision.verdict) {
      case 'ignore':
        ctx.reject(['publickey']);
        return;
      case 'key-ok':
        ctx.accept();
        return;
      case 'accept':
        this.user = decision.user;
        this.deps.audit.record({
          ...base,
          result: 'success',
          ...decision.key,
          uid: decision.user.uid,
          mode: decision.user.mode,
          ...(decision.user.mode === 'direct' ? { nodeId: decision.user.nodeId } : {}),
        });
        ctx.accept();
        return;
      case 'reject': {
        this.failures++;
        this.observer.onAuthFailure();
        this.deps.audit.record({
          ...base,
          result: 'failure',
          reason: decision.reason,
          ...(decision.key ?? {}),
          ...(decision.user ? { uid: decision.user.uid } : {}),
          attempt: this.failures,
        });
        ctx.reject(['publickey']);
        if (this.failures >= this.deps.options.maxAuthTries) {
          this.end(`too many authentication failures (${this.failures})`);
        }
        return;
      }
    }
  }

  private onReady(): void {
    const user = this.user;
    if (!user) {
      this.end('authenticated without a user');
      return;
    }
    this.observer.onAuthenticated();
    this.userPlace = this.deps.users.admit(user.uid);
    if (this.userPlace !== 'open') {
      this.refuseOverUserLimit(user.uid, this.userPlace);
      return;
    }
    this.scheduleIdleCheck();
    const context: ConnectionContext = {
      conn: this.id,
      uid: user.uid,
      store: this.deps.store,
      pool: this.deps.pool,
      audit: this.deps.audit,
      touch: () => {
        this.lastActivity = Date.now();
      },
    };
    this.connection.on('session', (accept, reject) => {
      if (this.refuseOverChannelLimit(reject)) return;
      const session = accept();
      this.openChannels++;
      session.once('close', () => {
        this.openChannels--;
        finishBareSessionClose(this.connection, session);
      });
      if (user.mode === 'menu') serveMenuSession(session, context);
      else serveDirectSession(session, context, user.nodeId);
    });
    this.connection.on('tcpip', (accept, reject, info) => {
      if (this.refuseOverChannelLimit(reject)) return;
      if (user.mode === 'menu') {
        rejectChannelOpen(
          this.connection,
          reject,
          ChannelOpenFailureReason.AdministrativelyProhibited,
          `port forwarding needs the NODEID-${user.uid} login`,
        );
        return;
      }
      this.openChannels++;
      void serveDirectTcpip(this.connection, accept, reject, info, context, user.nodeId).finally(
        () => this.openChannels--,
      );
    });
    // Global requests: remote forwards (tcpip-forward, streamlocal) are not offered and are refused.
    // With this listener ssh2 also honours no-more-sessions@openssh.com, the hardening OpenSSH clients
    // send so that nobody can open further sessions on their connection.
    this.connection.on('request', (_accept, reject) => reject?.());
  }

  /**
   * Each channel can hold a few channel windows of data when its reader stalls, so a client that
   * opens channels without end and reads none of them could exhaust the gateway's memory. Past the
   * limit a new channel is refused (as OpenSSH's MaxSessions does), with the reason.
   */
  private refuseOverChannelLimit(reject: () => void): boolean {
    const limit = this.deps.options.maxChannelsPerConnection;
    if (this.openChannels < limit) return false;
    rejectChannelOpen(
      this.connection,
      reject,
      ChannelOpenFailureReason.ResourceShortage,
      `too many channels open on this connection (${limit}); close some, or open another connection`,
    );
    this.deps.audit.record({
      event: 'refused',
      conn: this.id,
      ip: this.socket.remoteAddress ?? 'unknown',
      reason: `channel limit reached (${limit} open)`,
    });
    return true;
  }

  /**
   * Over the per-user limit: the first channel the client opens is refused with the reason, which
   * OpenSSH prints ("open failed: resource shortage: too many connections …"), and the connection is
   * closed behind it. Past the few such connections a user may have at once (`drop`), it is closed
   * at once, with only the audit line to say why.
   */
  private refuseOverUserLimit(uid: number, place: 'notice' | 'drop'): void {
    const limit = this.deps.options.maxConnectionsPerUser;
    const ending = `user connection limit (${limit})`;
    this.deps.audit.record({
      event: 'refused',
      conn: this.id,
      ip: this.socket.remoteAddress ?? 'unknown',
      reason: `user connection limit reached (${limit} open for uid ${uid})`,
    });
    if (place === 'drop') {
      this.end(ending);
      return;
    }
    const reason = `too many connections open for user ${uid} (${limit}); close some and try again`;
    // Not ended before a channel is asked for: the refusal must reach the client before a
    // disconnect overtakes it. Behind the refusal, on the same stream, the disconnect is safe.
    const refuse = (reject: () => void) => {
      rejectChannelOpen(this.connection, reject, ChannelOpenFailureReason.ResourceShortage, reason);
      this.end(ending);
    };
    this.connection.on('session', (_accept, reject) => refuse(reject));
    this.connection.on('tcpip', (_accept, reject) => refuse(reject));
    this.connection.on('request', (_accept, reject) => reject?.());
    // A client that opens no channel (ssh -N) is closed after a while rather than held.
    setTimeout(() => this.end(ending), OVER_LIMIT_CLOSE_MS).unref();
  }

  private scheduleIdleCheck(): void {
    const idleMs = this.deps.options.idleTimeoutMs;
    if (idleMs <= 0) return;
    const wait = Math.max(0, this.lastActivity + idleMs - Date.now());
    this.idleTimer = setTimeout(() => {
      if (Date.now() - this.lastActivity >= idleMs) this.end(`idle timeout (${idleMs} ms without traffic)`);
      else this.scheduleIdleCheck();
    }, wait);
    this.idleTimer.unref();
  }

  private onClose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.userPlace && this.user) this.deps.users.release(this.user.uid, this.userPlace);
    this.userPlace = undefined;
    this.deps.audit.record({
      event: 'disconnect',
      conn: this.id,
      ...(this.user ? { uid: this.user.uid } : {}),
      reason: this.endReason ?? 'client disconnected',
      durationMs: Date.now() - this.startedAt,
    });
  }
}
