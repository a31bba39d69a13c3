import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Single-quotes a value for /bin/sh. */
const q = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** A host folder seen at a path of the node's (writable unless `readOnly`). */
export interface NodeBind {
  host: string;
  node: string;
  readOnly?: boolean;
}

export interface NodeNamespaceOptions {
  /** The node's folder on the host: root/ and etc-layer/ are mount points, layer/ its /etc files. */
  dir: string;
  hostname: string;
  binds: readonly NodeBind[];
  /** Folders of the node's root that are not bound from the host, e.g. /var/log (mode 0755). */
  folders: readonly string[];
  /** Run in the node before its sshd (e.g. `/etc/init.d/httpd start`). */
  startCommands: readonly string[];
  /** The node's sshd command line (node paths). */
  sshd: readonly string[];
  /**
   * A network of the node's own (`unshare --net`): this command line brings its loopback up, and
   * the sshd serves the socket it is given as fd 3, bound on the host's loopback (nodeNetwork.ts).
   */
  ownNetwork?: { loopbackUp: readonly string[] };
}

/** The system folders a node shares with the host, read-only: programs and libraries only. */
const SYSTEM = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'] as const;

/** How the host's /bin, /lib, … exist: as links into /usr (merged /usr) or as folders of their own. */
export function hostSystemEntries(root = '/'): {
  links: { name: string; target: string }[];
  folders: string[];
} {
  const links: { name: string; target: string }[] = [];
  const folders: string[] = [];
  for (const name of SYSTEM) {
    try {
      const stat = lstatSync(join(root, name));
      if (stat.isSymbolicLink()) links.push({ name, target: readlinkSync(join(root, name)) });
      else if (stat.isDirectory()) folders.push(name);
    } catch {
      // Not on this system (lib32 on most).
    }
  }
  return { links, folders };
}

/**
 * The script a node's mount, UTS and pid namespaces start with (run by `unshare` as root): it builds
 * the node's own root on a tmpfs — the host's /usr (and /bin, /lib …) read-only, the host's /etc
 * read-only under an overlay holding the node's own users, sudoers, host name and init scripts, a
 * fresh /proc of the node's processes only, its own /tmp and /run, an empty /root — binds the node's
 * writable folders (its home, a database's socket folder) into it, and runs the node's sshd there.
 * Everything it mounts exists only in the namespace, so the host sees no mount and nothing is left
 * when the node's last process ends.
 */
export function nodeEnterScript(options: NodeNamespaceOptions): string {
  const root = join(options.dir, 'root');
  const etcLayer = join(options.dir, 'etc-layer');
  const system = hostSystemEntries();
  const mkdirs = ['usr', 'etc', 'proc', 'dev', 'run', 'tmp', 'var/tmp', 'root', ...options.folders];
  const lines = [
    '#!/bin/sh',
    `# Node root of ${options.hostname}; written by the sandbox at every start of the node.`,
    'set -eu',
    `R=${q(root)}`,
    `L=${q(etcLayer)}`,
    'mount -t tmpfs -o mode=0755,size=8m node-root "$R"',
    'mount -t tmpfs -o mode=0755 node-etc "$L"',
    'mkdir "$L/upper" "$L/work"',
    `cp -a ${q(join(options.dir, 'layer'))}/. "$L/upper/"`,
    'cd "$R"',
    `mkdir -p ${mkdirs.map((d) => q(d.replace(/^\//, ''))).join(' ')}`,
    'chmod 0700 root',
    'chmod 1777 tmp var/tmp',
    ...system.links.map(({ name, target }) => `ln -s ${q(target)} ${q(name)}`),
    ...system.folders.flatMap((name) => [
      `mkdir ${q(name)}`,
      `mount --rbind /${name} ${q(name)}`,
      `mount -o remount,bind,ro ${q(name)}`,
    ]),
    'mount --rbind /usr usr',
    'mount -o remount,bind,ro usr',
    'mount -t overlay node-etc -o "lowerdir=/etc,upperdir=$L/upper,workdir=$L/work" etc',
    'mount -t proc -o nosuid,nodev,noexec proc proc',
    'mount --rbind /dev dev',
    'mount -t tmpfs -o mode=0755,nosuid,nodev run run',
    'mkdir -m 0755 run/sshd',
    ...options.binds.flatMap(({ host, node, readOnly }) => {
      const at = q(node.replace(/^\//, ''));
      return [
        `mkdir -p ${at}`,
        `mount --bind ${q(host)} ${at}`,
        ...(readOnly ? [`mount -o remount,bind,ro ${at}`] : []),
      ];
    }),
    `hostname ${q(options.hostname)}`,
    ...(options.ownNetwork ? [options.ownNetwork.loopbackUp.map(q).join(' ')] : []),
    // The node's programs run with the node's root; its sshd becomes the namespace's pid 1, so when
    // it ends the kernel ends every process of the node. With a network of its own, the sshd takes
    // its socket from fd 3 (systemd's LISTEN_FDS, for the pid it will have: the shell's, 1).
    `exec chroot "$R" /bin/sh -c ${q(
      [
        ...options.startCommands,
        ...(options.ownNetwork ? ['export LISTEN_FDS=1 LISTEN_PID=$$'] : []),
        `exec ${options.sshd.map(q).join(' ')}`,
        // One command a line: a start command may end in `&`, after which `;` would be an error.
      ].join('\n'),
    )}`,
    '',
  ];
  return lines.join('\n');
}
