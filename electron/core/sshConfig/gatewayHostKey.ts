import { hostKeyAlgorithmsFor } from '@enscale-ssh/ssh2-internals';
import { readFile } from 'node:fs/promises';
import { ssh2 as loadSsh2 } from '../ssh/ssh2Module.ts';
import type { PinnedHostKey } from '../../../shared/src/connections.ts';
import { HostKeyChanged, HostKeyUnknown } from '../../../shared/src/errors.ts';
import type { GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { decodeTextFile } from '../keys/textFile.ts';
import { md5Fingerprint, sha256Fingerprint } from '../ssh/HostKeys.ts';
import { entryMatches, formatEntry, hostToken, parseKnownHosts } from '../ssh/knownHostsFile.ts';
import { writeFileAtomic } from '../storage/atomicFile.ts';

const PROBE_ORDER: NonNullable<PinnedHostKey['keyType']>[] = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
];

const HEADER =
  "# Written by Enscale SSH: the SSH gateway's host key, checked against the platform's published key\n" +
  "# or trusted by you in the app. The app's ssh config entries check the gateway against this file.\n";

async function readText(file: string): Promise<string> {
  try {
    return decodeTextFile(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

const keyTypeOf = (blob: Buffer): string =>
  blob.subarray(4, 4 + (blob.length >= 4 ? blob.readUInt32BE(0) : 0)).toString('latin1');

const matchesPin = (blob: Buffer, pinned: PinnedHostKey): boolean =>
  pinned.sha256 ? sha256Fingerprint(blob) === pinned.sha256 : md5Fingerprint(blob) === pinned.md5;

/**
 * Asks the gateway for its host key of one type and ends the connection at once, before anything
 * is signed: the key is only taken if it is the published one (checked by the caller).
 */
export function probeHostKey(gateway: GatewayAddress, keyType: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = new (loadSsh2().Client)();
    let key: Buffer | undefined;
    const serverHostKey = hostKeyAlgorithmsFor([keyType]);
    const done = (error?: Error) => {
      client.end();
      if (key) resolve(key);
      else reject(error ?? new Error('the gateway closed the connection'));
    };
    client.once('error', done);
    client.once('close', () => done());
    client.once('ready', () => done());
    client.connect({
      host: gateway.host,
      port: gateway.port,
      username: 'enscale-ssh-host-key-probe',
      readyTimeout: 20_000,
      ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
      hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
        key = Buffer.from(blob);
        // Refused on purpose: the handshake ends here, no user name or key is ever offered.
        verify(false);
      },
    });
  });
}

export interface GatewayKeyOptions {
  gateway: GatewayAddress;
  /** The platform's published key, when it publishes one. */
  pinned?: PinnedHostKey;
  /** HostKeys' known_hosts: keys the user trusted in the app. */
  appKnownHosts: string;
  /** The app's known_hosts for ssh, written here. */
  sshKnownHosts: string;
  probe?: (gateway: GatewayAddress, keyType: string) => Promise<Buffer>;
}

/**
 * Puts the gateway's host key in the known_hosts the ssh config names, and answers its lines. A
 * pinned gateway's key comes from a file that already holds it (no network), else from one probe
 * connection whose key must match the pin; an unpinned gateway's keys are those the user trusted in
 * the app. A key nobody checked is never written.
 */
export async function writeGatewayKnownHosts(options: GatewayKeyOptions): Promise<string[]> {
  const { gateway, pinned } = options;
  const token = hostToken(gateway.host, gateway.port);
  const known = (text: string) =>
    parseKnownHosts(text).filter((entry) => !entry.revoked && entryMatches(entry, token));
  const trusted = known(await readText(options.appKnownHosts));
  let blobs: Buffer[];
  if (pinned && (pinned.sha256 || pinned.md5)) {
    const written = known(await readText(options.sshKnownHosts));
    const found = [...trusted, ...written]
      .map((entry) => Buffer.from(entry.key, 'base64'))
      .find((blob) => matchesPin(blob, pinned));
    blobs = [found ?? (await probePinned(options, pinned))];
  } else {
    if (trusted.length === 0)
      throw new HostKeyUnknown(
        `The host key of the gateway ${token} is not known yet: open a node's terminal in the app once ` +
          'and trust its key (compare it with the one your platform publishes), then try again.',
        { host: token },
      );
    blobs = trusted.map((entry) => Buffer.from(entry.key, 'base64'));
  }
  const lines = [
    ...new Set(blobs.map((blob) => formatEntry(token, keyTypeOf(blob), blob.toString('base64')))),
  ];
  const text = `${HEADER}${lines.join('\n')}\n`;
  if ((await readText(options.sshKnownHosts)) !== text)
    await writeFileAtomic(options.sshKnownHosts, text, 0o600);
  return lines;
}

async function probePinned(options: GatewayKeyOptions, pinned: PinnedHostKey): Promise<Buffer> {
  const probe = options.probe ?? probeHostKey;
  const token = hostToken(options.gateway.host, options.gateway.port);
  const published = pinned.sha256 ?? `MD5:${pinned.md5}`;
  let offered: string | undefined;
  for (const keyType of pinned.keyType ? [pinned.keyType] : PROBE_ORDER) {
    let blob: Buffer;
    try {
      blob = await probe(options.gateway, keyType);
    } catch (error) {
      // The gateway has no key of this type: try the next. Anything else (unreachable) is said as is.
      if (!pinned.keyType && /no matching host key/i.test((error as Error).message)) continue;
      throw new Error(`Cannot read the host key of the gateway ${token}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (matchesPin(blob, pinned)) return blob;
    offered = sha256Fingerprint(blob);
  }
  throw new HostKeyChanged(
    `WARNING: the gateway ${token} does not offer the published host key ${published}` +
      `${offered ? ` (it offered ${offered})` : ''}. Someone may be intercepting the connection: ` +
      'nothing was written.',
    { host: token, expected: published, ...(offered ? { actual: offered } : {}) },
  );
}
