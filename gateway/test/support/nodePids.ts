import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Sandbox } from '../../src/sandbox/Sandbox.ts';

const statusField = (pid: string, field: string): string[] => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  return line
    ? line
        .slice(field.length + 1)
        .trim()
        .split(/\s+/)
    : [];
};

/**
 * The host's pid of a process a node reports as `nodePid` (`echo $PPID` on the node). An isolated
 * node has a pid namespace of its own, so its numbers mean other processes on the host — a test
 * that killed that number would kill something else. Shared nodes report host pids already.
 */
export function hostPidOf(sandbox: Sandbox, nodeId: number, nodePid: number): number {
  if (!sandbox.nodes.isolated) return nodePid;
  const unshare = sandbox.nodes.server(nodeId)?.pid;
  if (unshare === undefined) throw new Error(`node ${nodeId} is not running`);
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  // The node's pid 1 is unshare's child; its pid namespace is the node's.
  const init = pids.find((pid) => {
    try {
      return statusField(pid, 'PPid')[0] === String(unshare);
    } catch {
      return false;
    }
  });
  if (!init) throw new Error(`node ${nodeId} has no pid 1`);
  const namespace = readlinkSync(`/proc/${init}/ns/pid`);
  for (const pid of pids) {
    try {
      const nspid = statusField(pid, 'NSpid');
      if (nspid.at(-1) === String(nodePid) && readlinkSync(`/proc/${pid}/ns/pid`) === namespace)
        return Number(pid);
    } catch {
      // Ended while we looked.
    }
  }
  throw new Error(`node ${nodeId} has no process ${nodePid}`);
}
