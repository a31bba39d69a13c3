import {
  SSH2_VERSION,
  Ssh2InternalsError,
  installedSsh2Version,
  ssh2Require,
  versionProblem,
} from './version.ts';

/*
 * What the hacks in this package rely on, checked once before the first connection: the exact
 * version, then the shape of every private method and field that can be checked without a live
 * connection (the prototypes, and an SFTP client made with no channel under it). Each use checks
 * its own fields again on the live object and falls back to ssh2's public path; this check is what
 * turns a silent fallback into an error that names the cause at once.
 */

type Prototype = Record<string, unknown>;

/** The parts of ssh2 the check reads, loaded from its internal modules (see `loadSsh2`). */
export interface Ssh2Insides {
  version: string;
  protocol: Prototype;
  channelManager: Prototype;
  channelModule: { MAX_WINDOW?: unknown; PACKET_SIZE?: unknown };
  /** An ssh2 SFTP client as it is constructed, before any channel or server is involved. */
  makeSftp(): Record<string, unknown>;
}

export function loadSsh2(): Ssh2Insides {
  const Protocol = ssh2Require('ssh2/lib/protocol/Protocol.js') as { prototype: Prototype };
  const { ChannelManager } = ssh2Require('ssh2/lib/utils.js') as { ChannelManager: { prototype: Prototype } };
  const channelModule = ssh2Require('ssh2/lib/Channel.js') as Ssh2Insides['channelModule'];
  const { SFTP } = ssh2Require('ssh2/lib/protocol/SFTP.js') as {
    SFTP: new (client: unknown, chanInfo: unknown, cfg?: unknown) => Record<string, unknown>;
  };
  const side = { id: 0, window: 0, packetSize: 0, state: 'open' };
  return {
    version: installedSsh2Version(),
    protocol: Protocol.prototype,
    channelManager: ChannelManager.prototype,
    channelModule,
    makeSftp: () =>
      new SFTP(
        { _protocol: { _remoteIdentRaw: 'SSH-2.0-OpenSSH_9.2' } },
        { type: 'sftp', incoming: side, outgoing: { ...side } },
      ),
  };
}

const METHODS: Array<[where: 'protocol' | 'channelManager', name: string, usedBy: string]> = [
  ['protocol', 'channelWindowAdjust', 'channelWindow.ts'],
  ['protocol', 'channelData', 'framedWrites.ts'],
  ['protocol', 'channelOpenFail', 'channelOpenFailure.ts'],
  ['protocol', 'channelClose', 'bareSession.ts'],
  ['channelManager', 'remove', 'bareSession.ts'],
];

const SFTP_FIELDS: Array<[name: string, type: 'number' | 'object' | 'array' | 'boolean' | 'undefined']> = [
  ['_writeReqid', 'number'],
  ['_requests', 'object'],
  ['_maxWriteLen', 'number'],
  ['_maxReadLen', 'number'],
  ['_buffer', 'array'],
  ['_waitWindow', 'boolean'],
  ['_chunkcb', 'undefined'],
  ['_extensions', 'object'],
  ['_protocol', 'object'],
  ['outgoing', 'object'],
  ['readable', 'boolean'],
];

const typeOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/** Every way `insides` differs from what the hacks expect; empty when all is as expected. */
export function ssh2Problems(insides: Ssh2Insides): string[] {
  const wrongVersion = versionProblem(insides.version);
  // Another version's fields may match by accident; the version alone decides.
  if (wrongVersion) return [wrongVersion];
  const problems: string[] = [];
  for (const [where, name, usedBy] of METHODS) {
    if (typeof insides[where][name] !== 'function')
      problems.push(`${where}.${name} is not a function (${usedBy})`);
  }
  const { MAX_WINDOW, PACKET_SIZE } = insides.channelModule;
  if (MAX_WINDOW !== 2 * 1024 * 1024)
    problems.push(`Channel.MAX_WINDOW is ${String(MAX_WINDOW)}, not 2 MiB (channelWindow.ts)`);
  if (PACKET_SIZE !== 32 * 1024) problems.push(`Channel.PACKET_SIZE is ${String(PACKET_SIZE)}, not 32 KiB`);
  let sftp: Record<string, unknown> | undefined;
  try {
    sftp = insides.makeSftp();
  } catch (error) {
    problems.push(
      `an SFTP client cannot be made without a channel: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  for (const [name, type] of sftp ? SFTP_FIELDS : []) {
    const actual = typeOf(sftp?.[name]);
    if (actual !== type)
      problems.push(`SFTP.${name} is ${actual}, not ${type} (framedWrites.ts, sftpChannel.ts)`);
  }
  return problems;
}

let checked = false;

/**
 * Throws `Ssh2InternalsError` naming the expected version, or every field not as expected, unless
 * the installed ssh2 is the one the hacks were written for. Cheap after the first call.
 */
export function checkSsh2Internals(insides: () => Ssh2Insides = loadSsh2): void {
  if (checked && insides === loadSsh2) return;
  const problems = ssh2Problems(insides());
  if (problems.length > 0) {
    throw new Ssh2InternalsError(
      problems.length === 1 && problems[0]?.startsWith('ssh2 ')
        ? problems[0]
        : `ssh2 ${SSH2_VERSION}'s private fields are not as packages/ssh2-internals expects: ${problems.join('; ')}.`,
    );
  }
  if (insides === loadSsh2) checked = true;
}
