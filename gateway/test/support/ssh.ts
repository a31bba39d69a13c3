import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs a command on a sandbox node with the real OpenSSH client, logging in with the gateway's
 * node-access key and pinning the node's host key (never StrictHostKeyChecking=no).
 */
export async function sshToNode(
  dataDir: string,
  node: { id: number; host: string; port: number; user: string },
  command: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const hostKey = (
    await readFile(join(dataDir, 'nodes', String(node.id), 'etc', 'ssh_host_ed25519_key.pub'), 'utf8')
  )
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join(' ');
  const knownHosts = join(dataDir, `known_hosts_${node.id}`);
  writeFileSync(knownHosts, `[${node.host}]:${node.port} ${hostKey}\n`);
  try {
    const { stdout, stderr } = await run('ssh', [
      '-i',
      join(dataDir, 'gateway', 'node_access_ed25519'),
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-p',
      String(node.port),
      `${node.user}@${node.host}`,
      command,
    ]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}
