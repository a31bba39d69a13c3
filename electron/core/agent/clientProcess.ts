import { execFile } from 'node:child_process';
import type { Socket } from 'node:net';
import type { AgentClient } from '../../../shared/src/agent.ts';

/** What the prompt says when the OS does not tell (Windows, macOS, or a lookup that failed). */
export const UNKNOWN_CLIENT = 'unknown process';

/** One row of `ss -xpn`: a Unix socket's inode, its peer's, and the processes holding it. */
interface SsRow {
  inode: string;
  peer: string;
  users: { name: string; pid: number; fd: number }[];
}

/** Reads `ss -xpn` (iproute2) rows: `u_str ESTAB 0 0 <local> <inode> <peer> <peer inode> users:((…))`. */
export function parseSsRows(text: string): SsRow[] {
  const rows: SsRow[] = [];
  for (const line of text.split('\n')) {
    const match =
      /^\S+\s+\S+\s+\d+\s+\d+\s+.*?\s(?<inode>\d+)\s+\S+\s+(?<peer>\d+)\s*(?<users>users:\(.*\))?\s*$/.exec(
        line,
      );
    const { inode, peer, users = '' } = match?.groups ?? {};
    if (inode === undefined || peer === undefined) continue;
    const holders = [...users.matchAll(/\("(?<name>(?:[^"\\]|\\.)*)",pid=(?<pid>\d+),fd=(?<fd>\d+)\)/g)].map(
      ({ groups }) => ({ name: groups?.name ?? '', pid: Number(groups?.pid), fd: Number(groups?.fd) }),
    );
    rows.push({ inode, peer, users: holders });
  }
  return rows;
}

/**
 * The process at the other end of our accepted socket `fd`: our own row (this pid, this fd) names the
 * peer's inode, and the row with that inode names the process holding it.
 */
export function peerProcess(rows: SsRow[], pid: number, fd: number): AgentClient | undefined {
  const ours = rows.find((row) => row.users.some((user) => user.pid === pid && user.fd === fd));
  if (!ours) return undefined;
  const peer = rows.find((row) => row.inode === ours.peer);
  const user = peer?.users[0];
  return user ? { pid: user.pid, name: user.name } : undefined;
}

/**
 * The program connected to the agent, where the OS tells it: on Linux from `ss -xpn` (the kernel's
 * sock_diag pairs the two ends of a Unix socket; 20–40 ms for `ss` here, run only for a confirmation).
 * Windows would need GetNamedPipeClientProcessId and macOS LOCAL_PEERPID, neither reachable from Node
 * without a native module: there, and whenever the lookup fails, undefined ("unknown process").
 */
export async function clientProcess(
  socket: Socket,
  platform: NodeJS.Platform = process.platform,
): Promise<AgentClient | undefined> {
  if (platform !== 'linux') return undefined;
  // libuv's descriptor for the accepted connection: not a public field, so read with care.
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  const text = await new Promise<string | undefined>((resolve) =>
    execFile('ss', ['-xpn'], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    ),
  );
  return text === undefined ? undefined : peerProcess(parseSsRows(text), process.pid, fd);
}
