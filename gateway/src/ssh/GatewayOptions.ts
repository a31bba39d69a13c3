import type { AllowedKeyType } from './KeyPolicy.ts';

/**
 * Everything about the gateway that a deployment (or a test) may want to tune. Defaults follow
 * the real service and the bastions it is compared with (OpenSSH, Warpgate); tests pass small
 * values so that limits can be observed in milliseconds instead of minutes.
 */
export interface GatewayOptions {
  /** Key types accepted for user authentication. DSA is never accepted, whatever this says. */
  keyTypes: readonly AllowedKeyType[];
  /** Smallest RSA modulus accepted, in bits. */
  minRsaBits: number;
  /** Failed authentication attempts after which a connection is dropped (OpenSSH MaxAuthTries). */
  maxAuthTries: number;
  /** Time a connection has to authenticate before it is dropped (OpenSSH LoginGraceTime). */
  loginGraceMs: number;
  /** Connections that have not authenticated yet, over which new ones are refused (MaxStartups). */
  maxUnauthenticated: number;
  /** Share of those one source (IPv4 address, IPv6 /64) may hold; 0 = max(2, cap / 8). */
  maxUnauthenticatedPerSource: number;
  /**
   * Random early drop, as OpenSSH MaxStartups start:rate:full with full = maxUnauthenticated: from
   * this many unauthenticated connections a new one is refused with probability earlyDropRate %,
   * rising to 100 % at the cap. 0 = cap / 2 (off below a cap of 16).
   */
  earlyDropStart: number;
  earlyDropRate: number;
  /** Per-source lockout: this many failed connections within `penaltyWindowMs`… */
  penaltyFailures: number;
  penaltyWindowMs: number;
  /** …block further connections from that address for this long. */
  penaltyBlockMs: number;
  /** SSH-level keepalive towards clients after authentication; 0 disables it. */
  keepaliveIntervalMs: number;
  /** Unanswered keepalives after which a client is considered gone. */
  keepaliveCountMax: number;
  /** A connection without any channel traffic for this long is closed; 0 disables it. */
  idleTimeoutMs: number;
  /** How long to wait for a node's sshd to answer before telling the user it is unreachable. */
  upstreamConnectTimeoutMs: number;
  /** Channels multiplexed on one pooled node connection (sshd's MaxSessions defaults to 10). */
  upstreamChannelsPerConnection: number;
  /** A pooled node connection with no channels is closed after this long. */
  upstreamIdleMs: number;
  /**
   * Session and direct-tcpip channels one client connection may have open at once (OpenSSH's
   * MaxSessions is 10). Bounds what a client that opens channels and never reads can make the
   * gateway hold: a few channel windows per channel.
   */
  maxChannelsPerConnection: number;
  /**
   * Authenticated connections one user (uid) may hold at once. 32 leaves room for a desktop app
   * (a few pooled links) plus scripts and terminals, while one tenant can hold at most
   * 32 × maxChannelsPerConnection channels.
   */
  maxConnectionsPerUser: number;
  /**
   * Large socket reads (64 KiB of bulk data each) served per turn of the event loop, in rotation;
   * small reads (keystrokes, echoes) are served in every turn. Fewer keep keystrokes quicker beside
   * bulk transfers, at a little throughput (`TurnTaking`; figures in docs/reliability.md).
   */
  bulkReadsPerTurn: number;
  /** Identification string sent to clients (`SSH-2.0-…`). */
  ident: string;
}

export const DEFAULT_GATEWAY_OPTIONS: Readonly<GatewayOptions> = Object.freeze({
  keyTypes: Object.freeze(['rsa'] as const),
  minRsaBits: 2048,
  maxAuthTries: 6,
  loginGraceMs: 30_000,
  maxUnauthenticated: 64,
  maxUnauthenticatedPerSource: 0,
  earlyDropStart: 0,
  earlyDropRate: 30,
  penaltyFailures: 5,
  penaltyWindowMs: 15 * 60_000,
  penaltyBlockMs: 30 * 60_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  idleTimeoutMs: 60 * 60_000,
  upstreamConnectTimeoutMs: 3_000,
  upstreamChannelsPerConnection: 8,
  upstreamIdleMs: 60_000,
  maxChannelsPerConnection: 64,
  maxConnectionsPerUser: 32,
  bulkReadsPerTurn: 8,
  ident: 'EnscaleSSHGateway_1.0',
});

/** Thrown when an option makes no sense; the message names the option and what it needs. */
export class GatewayOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayOptionsError';
  }
}

const NON_NEGATIVE: readonly (keyof GatewayOptions)[] = [
  'loginGraceMs',
  'maxUnauthenticatedPerSource',
  'earlyDropStart',
  'earlyDropRate',
  'penaltyWindowMs',
  'penaltyBlockMs',
  'keepaliveIntervalMs',
  'keepaliveCountMax',
  'idleTimeoutMs',
  'upstreamIdleMs',
];
const POSITIVE: readonly (keyof GatewayOptions)[] = [
  'minRsaBits',
  'maxAuthTries',
  'maxUnauthenticated',
  'penaltyFailures',
  'upstreamConnectTimeoutMs',
  'upstreamChannelsPerConnection',
  'maxChannelsPerConnection',
  'maxConnectionsPerUser',
  'bulkReadsPerTurn',
];

/** Fills in defaults and checks every number, so a typo fails at start-up rather than at 3 a.m. */
export function resolveGatewayOptions(partial: Partial<GatewayOptions> = {}): GatewayOptions {
  const options: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...stripUndefined(partial) };
  for (const name of NON_NEGATIVE) {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new GatewayOptionsError(`Gateway option ${name} must be a number ≥ 0, got ${String(value)}.`);
    }
  }
  for (const name of POSITIVE) {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new GatewayOptionsError(`Gateway option ${name} must be a number > 0, got ${String(value)}.`);
    }
  }
  if (options.earlyDropRate > 100) {
    throw new GatewayOptionsError(
      `Gateway option earlyDropRate is a percentage (0–100), got ${options.earlyDropRate}.`,
    );
  }
  if (options.keyTypes.length === 0) {
    throw new GatewayOptionsError(
      'Gateway option keyTypes must name at least one key type (rsa, ed25519, ecdsa).',
    );
  }
  return options;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
