import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Single-quotes a value for /bin/sh. */
const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * A port on the node's own loopback that leads to a Unix socket the node sees: how a database node's
 * server answers on the node's 127.0.0.1:3306 (or 5432) as it does on the platform, while the
 * sandbox's server runs outside the node on a port of the host.
 */
export interface NodePort {
  port: number;
  /** A socket path as the node sees it, e.g. /run/mysqld/mysqld.sock. */
  socket: string;
}

/** A node with a network of its own: its loopback only, and these ports on it. */
export interface NodeNetwork {
  ports: readonly NodePort[];
}

/**
 * Whether this sshd takes its listening socket from its parent (systemd's socket activation,
 * `LISTEN_FDS`): Debian's and Ubuntu's do since 9.2p1-2, upstream OpenSSH does not. Only such an
 * sshd can run in a network namespace of the node's own while the gateway reaches it on the host's
 * loopback: the socket is bound on the host, the sshd (and every connection it makes for a port
 * forward) lives in the node's network.
 */
export function sshdTakesListeningSocket(sshd: string): boolean {
  try {
    return readFileSync(sshd).includes('sd_listen_fds');
  } catch {
    return false;
  }
}

/** A listening socket on the host for a node's sshd, handed to it as its fd 3. */
export interface HostListener {
  port: number;
  /** The socket's descriptor, for the child's stdio. */
  fd: number;
  /** Closes this process's copy; the child keeps its own. */
  close(): void;
}

/**
 * Whether this Node hands out a listening socket's descriptor (`listenOnHost` needs it), tried once
 * on loopback when the sandbox starts: without it database nodes share the host's loopback, as a
 * non-root sandbox's do, rather than failing later.
 */
export async function canHandOnListeners(): Promise<boolean> {
  try {
    (await listenOnHost('127.0.0.1')).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Binds a port on `host` in this process, so a node's sshd started in a network of its own can
 * serve it. Node has no public way to name a server's descriptor for a child's stdio; its handle's
 * `fd` (Unix) is what its own cluster module hands on. Checked, so a Node without it fails here,
 * with words, rather than starting an sshd nobody can reach.
 */
export async function listenOnHost(host: string): Promise<HostListener> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host, backlog: 511 }, resolve);
  });
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  const address = server.address();
  if (typeof fd !== 'number' || fd < 0 || typeof address !== 'object' || !address) {
    server.close();
    throw new Error(
      "This Node.js does not expose a listening socket's descriptor; nodes cannot get a network of their own.",
    );
  }
  return { port: address.port, fd, close: () => server.close() };
}

/**
 * Shell commands, run as root inside the node before its sshd, that open the node's ports: one
 * `socat` each, as the node's service user, listening on the node's 127.0.0.1 and passing every
 * connection to the socket. Their fd 3 (the sshd's listening socket) is closed for them.
 */
export function nodePortCommands(
  network: NodeNetwork,
  tools: { socat: string; setpriv: string },
  user: { uid: number; gid: number },
): string[] {
  return network.ports.map(
    ({ port, socket }) =>
      `${q(tools.setpriv)} --reuid=${user.uid} --regid=${user.gid} --clear-groups -- ${q(tools.socat)} ` +
      `${q(`TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`)} ${q(`UNIX-CONNECT:${socket}`)} </dev/null 3>&- &`,
  );
}
