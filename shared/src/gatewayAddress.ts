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

const portOption = (flag: '-p' | '-P', port: number): string => (port === 22 ? '' : ` ${flag} ${port}`);

/** The OpenSSH command line that opens a shell on a node, for scripts and the clipboard. */
export function sshCommand(gateway: GatewayAddress, nodeId: number, uid: number): string {
  return `ssh ${nodeUser(nodeId, uid)}@${gateway.host}${portOption('-p', gateway.port)}`;
}

/** The OpenSSH sftp command line for a node (sftp spells the port option -P). */
export function sftpCommand(gateway: GatewayAddress, nodeId: number, uid: number): string {
  return `sftp${portOption('-P', gateway.port)} ${nodeUser(nodeId, uid)}@${gateway.host}`;
}
