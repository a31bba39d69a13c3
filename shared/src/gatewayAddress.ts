import { InvalidInput } from './errors.ts';
import { shellWords } from './shellQuote.ts';

/**
 * Where the SSH gateway listens, and the user names it understands: `UID` opens the interactive
 * menu, `NODEID-UID` goes straight to one node (what scripts, sftp, scp and rsync use).
 */
export interface GatewayAddress {
  host: string;
  port: number;
}

export type GatewayUser = { kind: 'menu'; uid: number } | { kind: 'node'; uid: number; nodeId: number };

// Ids are positive integers; nine digits is far beyond any real one and keeps names short.
const ID = '[1-9][0-9]{0,8}';
const USER = new RegExp(`^(?:(${ID})-)?(${ID})$`);

export function menuUser(uid: number): string {
  return String(uid);
}

export function nodeUser(nodeId: number, uid: number): string {
  return `${nodeId}-${uid}`;
}

/** Reads a gateway user name; anything but `UID` or `NODEID-UID` is `undefined`. */
export function parseGatewayUser(name: string): GatewayUser | undefined {
  const match = USER.exec(name);
  if (!match) return undefined;
  const uid = Number(match[2]);
  return match[1] === undefined ? { kind: 'menu', uid } : { kind: 'node', uid, nodeId: Number(match[1]) };
}

const portOption = (flag: '-p' | '-P', port: number): string[] => (port === 22 ? [] : [flag, String(port)]);

// What a host may be, checked where one is entered: it becomes a known_hosts pattern (where a space,
// comma, `*` or newline would add patterns or whole lines) and part of a command line users paste.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_RULE =
  'a DNS name (letters, digits and hyphens between dots, e.g. ssh.example.com), an IPv4 address ' +
  '(203.0.113.5) or an IPv6 address ([2001:db8::1])';

/** The host in the form ssh2 and known_hosts use (IPv6 without brackets), or undefined if it is none. */
function canonicalHost(text: string): string | undefined {
  const host = text.trim().toLowerCase();
  if (IPV4.test(host)) return host;
  const v6 = /^\[(.*)\]$/.exec(host)?.[1] ?? host;
  if (v6.includes(':')) {
    if (!/^[0-9a-f:.]+$/.test(v6)) return undefined;
    try {
      // The WHATWG parser knows IPv6 exactly (and compresses it); `[…]` is how a URL holds one.
      return new URL(`http://[${v6}]/`).hostname.slice(1, -1);
    } catch {
      return undefined;
    }
  }
  const labels = host.split('.');
  // An all-numeric last label is an address, not a name (RFC 3696): `1.2.3` is refused, not guessed.
  if (host.length > 253 || /^\d+$/.test(labels.at(-1) ?? '')) return undefined;
  return labels.every((label) => LABEL.test(label)) ? host : undefined;
}

/** A gateway host as typed, checked and made canonical; anything else is refused with the rule. */
export function checkedGatewayHost(text: string): string {
  const host = canonicalHost(text);
  if (host === undefined)
    throw new InvalidInput(`The gateway host ${JSON.stringify(text)} is not a host: use ${HOST_RULE}.`);
  return host;
}

/** A gateway address as typed (first run, the CLI), checked, with its host made canonical. */
export function checkedGatewayAddress(address: GatewayAddress): GatewayAddress {
  const host = checkedGatewayHost(address.host);
  const port = address.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidInput(`The gateway port must be a whole number from 1 to 65535, not ${port}.`);
  return { host, port };
}

/**
 * The OpenSSH command line that opens a shell on a node, for scripts and the clipboard. Quoted
 * where needed although hosts are checked when entered: a profile saved earlier may hold anything.
 */
export function sshCommand(gateway: GatewayAddress, nodeId: number, uid: number): string {
  return shellWords(['ssh', `${nodeUser(nodeId, uid)}@${gateway.host}`, ...portOption('-p', gateway.port)]);
}

/** The OpenSSH sftp command line for a node (sftp spells the port option -P, and needs `[v6]`). */
export function sftpCommand(gateway: GatewayAddress, nodeId: number, uid: number): string {
  const host = gateway.host.includes(':') ? `[${gateway.host}]` : gateway.host;
  return shellWords(['sftp', ...portOption('-P', gateway.port), `${nodeUser(nodeId, uid)}@${host}`]);
}
