import { chmod, chown, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nodeLayerFiles } from './nodeLayer.ts';
import { nodeEnterScript, type NodeBind } from './nodeNamespace.ts';
import { nodePortCommands, type NodeNetwork } from './nodeNetwork.ts';
import type { NodeProfile } from './nodeProfiles.ts';
import { nodeInitScripts } from './nodeServices.ts';
import type { SystemTools } from './systemTools.ts';

/** Where an isolated node sees its sshd's files (the node's etc/ folder, read-only). */
export const NODE_ETC = '/etc/enscale-node';

export interface NodeRootOptions {
  /** The node's folder on the host (DATA/nodes/NODE). */
  dir: string;
  nodeId: number;
  hostname: string;
  profile: NodeProfile;
  /** The host folder that is the node's home. */
  home: string;
  binds: readonly NodeBind[];
  sshd: readonly string[];
  webPort?: number;
  /** A network of the node's own, with these ports on its loopback (a database node's). */
  network?: NodeNetwork;
  tools: SystemTools;
}

/**
 * Writes what an isolated node is made of — its /etc layer and the script that assembles its root —
 * and answers the command that starts it: `unshare` into new mount, UTS and pid namespaces (and a
 * network one for a node with a network of its own), killing
 * the node's pid 1 (and with it every process of the node) if unshare itself is killed.
 */
export async function prepareNodeRoot(
  options: NodeRootOptions,
): Promise<{ command: string; args: string[] }> {
  const { dir, profile, tools } = options;
  const layer = join(dir, 'layer');
  await rm(layer, { recursive: true, force: true });
  const files = nodeLayerFiles({
    nodeId: options.nodeId,
    hostname: options.hostname,
    profile,
    hostPasswd: await readFile('/etc/passwd', 'utf8'),
    hostGroup: await readFile('/etc/group', 'utf8'),
    initScripts: nodeInitScripts({
      profile,
      busybox: profile.services.includes('httpd') ? tools.path('busybox') : '',
      ...(options.webPort !== undefined ? { webPort: options.webPort } : {}),
    }),
  });
  for (const [path, { content, mode }] of Object.entries(files)) {
    const file = join(layer, path);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, content, { mode });
    await chmod(file, mode);
  }
  // sudo refuses a sudoers file it does not own; the layer is copied with its owners (cp -a).
  await mkdir(join(dir, 'root'), { recursive: true, mode: 0o755 });
  await mkdir(join(dir, 'etc-layer'), { recursive: true, mode: 0o700 });
  const script = join(dir, 'enter.sh');
  await writeFile(
    script,
    nodeEnterScript({
      dir,
      hostname: options.hostname,
      binds: [{ host: options.home, node: profile.home }, ...options.binds],
      folders: ['var/log', 'var/lib'],
      // Only the web server starts with the node; the databases' servers run outside it, reached
      // through the node's own ports.
      startCommands: [
        ...(files['init.d/httpd'] ? ['/etc/init.d/httpd start >/dev/null'] : []),
        ...(options.network
          ? nodePortCommands(
              options.network,
              { socat: tools.path('socat'), setpriv: tools.path('setpriv') },
              profile,
            )
          : []),
      ],
      sshd: options.sshd,
      ...(options.network
        ? { ownNetwork: { loopbackUp: [tools.path('busybox'), 'ip', 'link', 'set', 'lo', 'up'] } }
        : {}),
    }),
    { mode: 0o700 },
  );
  return {
    command: tools.path('unshare'),
    args: [
      '--mount',
      '--uts',
      '--pid',
      ...(options.network ? ['--net'] : []),
      '--fork',
      '--kill-child=TERM',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      script,
    ],
  };
}

/** Gives a folder and everything below it to `uid`:`gid` (links themselves, never their targets). */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  const stat = await lstat(path);
  if (stat.uid !== uid || stat.gid !== gid) await chown(path, uid, gid).catch(() => undefined);
  if (!stat.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}
