import type { ConnectionsApi } from '../../../shared/src/connections.ts';
import { connect as connectSocket, Socket } from 'node:net';
import type ssh2 from 'ssh2';
import { ssh2 as loadSsh2 } from './ssh2Module.ts';
import {
  AppError,
  AuthenticationFailed,
  HostKeyChanged,
  HostKeyRejected,
  HostKeyUnknown,
} from '../../../shared/src/errors.ts';
import {
  connectionKey,
  type ConnectionEvents,
  type ConnectionTarget,
  type PinnedHostKey,
} from '../../../shared/src/connections.ts';
import { Emitter } from '../../../shared/src/rpc/Emitter.ts';
import type { HostKeys } from './HostKeys.ts';
import {
  keysRefusedError,
  KeysRefused,
  offerInTurn,
  readIdentities,
  type IdentityProvider,
  type OfferLog,
  type ReadyIdentity,
} from './keyOffer.ts';
import { poolOutgoingPackets } from './pooledSocket.ts';
import {
  offerAgent,
  plainHostKeyUnknown,
  plainHostRefused,
  type ConnectionRoute,
  type PlainHostRoutes,
} from './connectionRoute.ts';
import type { Duplex } from 'node:stream';
import { hostKeyAlgorithmsFor, isNoMatchingHostKey, watchLiveness } from '@enscale-ssh/ssh2-internals';

export type { GatewayIdentity, IdentityProvider } from './keyOffer.ts';

export interface GatewayConnectionsOptions {
  hostKeys: HostKeys;
  identity: IdentityProvider;
  /** Whether host-key questions can be asked (the UI) or must fail (scripts). */
  interactive: boolean;
  keepaliveIntervalMs?: number;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  readyTimeoutMs?: number;
  /** Saved plain hosts (a target with `hostId`): how each is reached and signed in to. */
  plainHosts?: PlainHostRoutes;
  /**
   * Told the key type that matched a pin given without one, so whoever keeps the pin can keep the
   * type too: each later process (every CLI run) then asks for that key at once, where probing
   * the types in turn cost a whole refused handshake first (Ed25519 before an RSA pin: about 20 ms
   * of each `enscale-ssh ssh` run).
   */
  pinLearned?: (pin: Required<Pick<PinnedHostKey, 'keyType'>> & PinnedHostKey) => void;
}

const PIN_PROBE_ORDER: NonNullable<PinnedHostKey['keyType']>[] = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
];

/** Errors after which trying again cannot help: a person must act first. */
const isPermanent = (error: unknown): boolean =>
  error instanceof AuthenticationFailed ||
  error instanceof HostKeyChanged ||
  error instanceof HostKeyRejected ||
  error instanceof HostKeyUnknown;

interface Entry {
  target: ConnectionTarget;
  client: ssh2.Client | undefined;
  connecting: Promise<ssh2.Client> | undefined;
  attempt: number;
  retryTimer: NodeJS.Timeout | undefined;
  /** Open users (terminals, SFTP) of this connection; with none, a drop is not retried. */
  users: number;
  closed: boolean;
  /** For a pin without a key type: the type that turned out to match. */
  learnedKeyType?: NonNullable<PinnedHostKey['keyType']>;
}

/**
 * One SSH connection per (gateway, user name), shared by every terminal and SFTP channel to that
 * target. Keepalive finds dead links; a dropped connection is re-established with backoff while it
 * has users, but never after an authentication or host-key refusal.
 */
export class GatewayConnections implements ConnectionsApi {
  readonly events = new Emitter<ConnectionEvents>();
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: GatewayConnectionsOptions) {}

  /** The live client for a target, connecting (or waiting for the connection in progress) first. */
  async client(target: ConnectionTarget): Promise<ssh2.Client> {
    const entry = this.entry(target);
    if (entry.client) return entry.client;
    entry.connecting ??= this.connect(entry).finally(() => (entry.connecting = undefined));
    return entry.connecting;
  }

  /** Marks one more user of a target's connection; the returned function releases it. */
  retain(target: ConnectionTarget): () => void {
    const entry = this.entry(target);
    entry.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.users--;
    };
  }

  /** Closes one target's connection (sign-out, platform switch). */
  close(target: ConnectionTarget): void {
    const key = connectionKey(target);
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.closed = true;
    clearTimeout(entry.retryTimer);
    entry.client?.end();
    this.entries.delete(key);
  }

  closeAll(): void {
    for (const entry of [...this.entries.values()]) this.close(entry.target);
  }

  private entry(target: ConnectionTarget): Entry {
    const key = connectionKey(target);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        target,
        client: undefined,
        connecting: undefined,
        attempt: 0,
        retryTimer: undefined,
        users: 0,
        closed: false,
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private emit(
    entry: Entry,
    state: ConnectionEvents['state']['state'],
    reason?: string,
    retryAt?: number,
  ): void {
    this.events.emit('state', {
      key: connectionKey(entry.target),
      state,
      ...(reason ? { reason } : {}),
      ...(retryAt ? { retryAt } : {}),
    });
  }

  private async connect(entry: Entry): Promise<ssh2.Client> {
    const { target } = entry;
    this.emit(entry, 'connecting');
    let client: ssh2.Client;
    let route: ConnectionRoute | undefined;
    try {
      route = await this.route(target);
      client = await this.handshake(entry, route);
    } catch (error) {
      const typed = describeConnectError(error, target, route);
      this.emit(entry, 'failed', typed.message);
      throw typed;
    }
    // Without TCP_NODELAY, Nagle's algorithm holds back SFTP's small read requests (downloads 3–5× slower).
    client.setNoDelay(true);
    entry.client = client;
    entry.attempt = 0;
    this.emit(entry, 'connected');
    client.once('close', () => this.dropped(entry, client));
    // Errors after ready arrive before 'close'; the drop handler reports them.
    client.on('error', () => undefined);
    return client;
  }

  /**
   * Connects with the target's pin. A pin published without its key type (a fingerprint typed by
   * hand) is tried against each key type the server may hold — ssh2 would otherwise settle on the
   * server's first choice, which need not be the published key — and the type that matches is kept.
   */
  private async handshake(entry: Entry, route: ConnectionRoute): Promise<ssh2.Client> {
    // Looked up while the handshake runs; offered once the host key is verified.
    const identities = 'identities' in route.auth ? route.auth.identities().then(readIdentities) : undefined;
    identities?.catch(() => undefined);
    // A plain host is never pinned: its key is checked against known_hosts, asking when new.
    const pinned = route.plain ? undefined : entry.target.pinned;
    if (!pinned || pinned.keyType) return this.connectOnce(route, identities, pinned);
    const types = entry.learnedKeyType ? [entry.learnedKeyType] : PIN_PROBE_ORDER;
    for (const keyType of types) {
      try {
        const client = await this.connectOnce(route, identities, { ...pinned, keyType });
        entry.learnedKeyType = keyType;
        this.options.pinLearned?.({ ...pinned, keyType });
        return client;
      } catch (error) {
        // This key type is not the published key, or the server has none of it: try the next.
        if (error instanceof HostKeyChanged || isNoMatchingHostKey(error)) continue;
        throw error;
      }
    }
    const published = pinned.sha256 ?? `MD5:${pinned.md5}`;
    throw new HostKeyChanged(
      `None of the host keys of ${connectionKey(entry.target).split('@')[1]} is the pinned ${published}. ` +
        'Someone may be intercepting the connection, or the fingerprint is mistyped.',
      { expected: published },
    );
  }

  /** The gateway as the target names it, or a saved plain host as it is saved. */
  private async route(target: ConnectionTarget): Promise<ConnectionRoute> {
    if (target.hostId === undefined)
      return { ...target.gateway, username: target.username, auth: { identities: this.options.identity } };
    if (!this.options.plainHosts) throw new Error('Saved hosts are not available in this app.');
    const route = await this.options.plainHosts(target.hostId);
    return { ...route, plain: { name: route.name } };
  }

  /**
   * The stream the SSH connection runs on: a TCP socket of its own, or for a host behind a jump host
   * a `direct-tcpip` channel of the jump host's connection, held open while this one lives.
   */
  private async transport(route: ConnectionRoute): Promise<{ stream: Duplex; release: () => void }> {
    if (!route.via)
      return { stream: connectSocket({ host: route.host, port: route.port }), release: () => undefined };
    const release = this.retain(route.via);
    try {
      const jump = await this.client(route.via);
      const stream = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
        jump.forwardOut('127.0.0.1', 0, route.host, route.port, (error, channel) =>
          error
            ? reject(new Error(`The jump host could not reach ${route.host}:${route.port}: ${error.message}`))
            : resolve(channel),
        ),
      );
      return { stream, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async connectOnce(
    route: ConnectionRoute,
    identities: Promise<readonly ReadyIdentity[]> | undefined,
    pinned: PinnedHostKey | undefined,
  ): Promise<ssh2.Client> {
    const { host, port, username } = route;
    // Without a pin, the key types known_hosts trusts for the host are the only ones asked for.
    const knownTypes = pinned ? [] : await this.options.hostKeys.knownKeyTypes(host, port);
    // A pin asks for the key type that was published, so it is compared with the right key.
    const serverHostKey = hostKeyAlgorithmsFor(pinned?.keyType ? [pinned.keyType] : knownTypes);
    const client = new (loadSsh2().Client)();
    const log: OfferLog = { offered: [] };
    // The client's own socket, handed to ssh2, so its outgoing packets can use pooled buffers.
    const { stream: socket, release } = await this.transport(route);
    client.once('close', release);
    if (socket instanceof Socket) poolOutgoingPackets(client, socket);
    let hostKeyError: unknown;
    const keepaliveIntervalMs = this.options.keepaliveIntervalMs ?? 15_000;
    return new Promise<ssh2.Client>((resolve, reject) => {
      client.once('ready', () => {
        // A gateway silent for four keepalive intervals is gone: the drop handler reconnects.
        const stop = watchLiveness(socket as Socket, keepaliveIntervalMs, 3, () => client.destroy());
        client.once('close', stop);
        resolve(client);
      });
      // The first cause wins: a host key refused, no key to offer, every key refused, or ssh2's error.
      const failed = (error: unknown) => {
        // No common host key type with a known host: its known key is gone, which is a changed key.
        if (!pinned && knownTypes.length > 0 && isNoMatchingHostKey(error))
          hostKeyError ??= this.options.hostKeys.noKnownKeyType(host, port, knownTypes);
        reject(hostKeyError ?? log.error ?? (log.offered.length > 0 ? new KeysRefused(log.offered) : error));
      };
      client.once('error', (error: Error & { level?: string }) => {
        client.end();
        failed(error);
      });
      // A gateway with a lower auth-try limit hangs up after the last refusal it allows, without an
      // error, and ssh2 then stops its ready timer: without this the connect would wait forever.
      client.once('close', () =>
        failed(new Error(`the ${route.plain ? 'host' : 'gateway'} closed the connection during sign-in`)),
      );
      client.connect({
        sock: socket,
        username,
        authHandler:
          'agent' in route.auth
            ? offerAgent(username, route.auth.agent, log)
            : offerInTurn(username, identities ?? Promise.resolve([]), log),
        keepaliveInterval: keepaliveIntervalMs,
        // ssh2 only sends the keepalives; watchLiveness decides, counting any data (see there).
        keepaliveCountMax: Number.POSITIVE_INFINITY,
        readyTimeout: this.options.readyTimeoutMs ?? 20_000,
        ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          this.options.hostKeys
            .verify({
              host,
              port,
              key,
              interactive: this.options.interactive,
              ...(pinned ? { pinned } : {}),
            })
            .then(
              () => verify(true),
              (error: unknown) => {
                hostKeyError = error;
                verify(false);
              },
            );
        },
      });
    });
  }

  private dropped(entry: Entry, client: ssh2.Client): void {
    if (entry.client !== client) return;
    entry.client = undefined;
    if (entry.closed) return;
    if (entry.users <= 0) {
      this.emit(entry, 'disconnected', 'The connection closed.');
      return;
    }
    this.scheduleReconnect(entry, 'The connection dropped; reconnecting.');
  }

  /** Tries again after 1 s, 2 s, 4 s … up to the maximum, until it connects or is refused. */
  private scheduleReconnect(entry: Entry, reason: string): void {
    const base = this.options.backoffMs ?? 1000;
    const delay = Math.min(base * 2 ** entry.attempt, this.options.maxBackoffMs ?? 30_000);
    entry.attempt++;
    this.emit(entry, 'disconnected', reason, Date.now() + delay);
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      if (entry.closed || entry.client || entry.connecting || entry.users <= 0) return;
      entry.connecting = this.connect(entry).finally(() => (entry.connecting = undefined));
      entry.connecting.catch((error: unknown) => {
        // A refusal is final: a person must act. Anything else (network) is tried again, later.
        if (!isPermanent(error) && !entry.closed) this.scheduleReconnect(entry, (error as Error).message);
      });
    }, delay);
  }
}

/** Turns ssh2's connection errors into typed ones with words a person can act on. */
function describeConnectError(error: unknown, target: ConnectionTarget, route?: ConnectionRoute): Error {
  // HostKeys speaks of the platform's published key; a plain host has none to compare with.
  if (error instanceof HostKeyUnknown && route?.plain) return plainHostKeyUnknown(error, route);
  if (
    error instanceof HostKeyChanged ||
    error instanceof HostKeyRejected ||
    error instanceof HostKeyUnknown
  ) {
    return error;
  }
  // Said by the identity provider (no key to offer): its words are already the user's.
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${route?.host ?? target.gateway.host}:${route?.port ?? target.gateway.port}`;
  if (error instanceof KeysRefused)
    return route?.plain
      ? plainHostRefused(error, route, connectionKey(target))
      : keysRefusedError(error, where, target.username, connectionKey(target));
  const what = route?.plain ? `the host “${route.plain.name}”` : 'the SSH gateway';
  const code = (error as NodeJS.ErrnoException).code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    /Timed out/i.test(message)
  ) {
    return new Error(`Cannot reach ${what} ${where} (${code ?? message}). Check your connection.`);
  }
  return new Error(`SSH connection to ${where} failed: ${message}`);
}
