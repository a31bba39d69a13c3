import { SERVICE_ACTIONS, type NodeProfile } from './nodeProfiles.ts';

/** A file of the node's own /etc layer, by its path under /etc. */
export interface LayerFile {
  content: string;
  mode: number;
}

export interface NodeLayerOptions {
  nodeId: number;
  hostname: string;
  profile: NodeProfile;
  /** The host's /etc/passwd and /etc/group: the node keeps the system accounts (sshd's, nobody). */
  hostPasswd: string;
  hostGroup: string;
  /** The node's init scripts, by service name (`/etc/init.d/NAME`). */
  initScripts: Readonly<Record<string, string>>;
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line && !line.startsWith('#'));

/** Drops the entries that would clash with the node's user by name or by id, then adds it. */
function withEntry(table: string, name: string, id: number, entry: string): string {
  const kept = lines(table).filter((line) => {
    const [entryName, , entryId] = line.split(':');
    return entryName !== name && Number(entryId) !== id;
  });
  return [...kept, entry].join('\n') + '\n';
}

/**
 * The files that make a node's /etc its own, laid over the host's (read-only) /etc: its service user
 * and group, a shadow file where no account has a password (so no one logs in by password and sudo's
 * password prompt can never be answered: "not permitted", as on Enscale), sudo for the node's init
 * scripts only, its host name, and the init scripts themselves.
 */
export function nodeLayerFiles(options: NodeLayerOptions): Record<string, LayerFile> {
  const { profile, hostname } = options;
  const passwd = withEntry(
    options.hostPasswd,
    profile.user,
    profile.uid,
    `${profile.user}:x:${profile.uid}:${profile.gid}:${profile.user}:${profile.home}:/bin/bash`,
  );
  const group = withEntry(options.hostGroup, profile.user, profile.gid, `${profile.user}:x:${profile.gid}:`);
  // `*` rather than `!`: sshd without PAM treats `!` as a locked account and refuses even a key.
  const shadow = lines(passwd)
    .map((line) => `${line.split(':')[0]}:*:20000:0:99999:7:::`)
    .join('\n');
  const commands = profile.services.flatMap((service) =>
    SERVICE_ACTIONS.flatMap((action) => [
      `/usr/sbin/service ${service} ${action}`,
      `/etc/init.d/${service} ${action}`,
    ]),
  );
  const sudoers = [
    `# Node ${options.nodeId}: ${profile.user} may run its service's init script as root, nothing else.`,
    'Defaults env_reset',
    'Defaults !lecture',
    'Defaults !syslog',
    'Defaults secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"',
    `${profile.user} ALL=(root) NOPASSWD: ${commands.join(', ')}`,
    '',
  ].join('\n');
  const files: Record<string, LayerFile> = {
    passwd: { content: passwd, mode: 0o644 },
    group: { content: group, mode: 0o644 },
    shadow: { content: shadow + '\n', mode: 0o640 },
    gshadow: { content: '', mode: 0o640 },
    sudoers: { content: sudoers, mode: 0o440 },
    hostname: { content: `${hostname}\n`, mode: 0o644 },
    hosts: {
      content: `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname} ${hostname.split('.')[0]}\n::1\tlocalhost ip6-localhost\n`,
      mode: 0o644,
    },
    motd: { content: '', mode: 0o644 },
  };
  for (const [service, script] of Object.entries(options.initScripts)) {
    files[`init.d/${service}`] = { content: script, mode: 0o755 };
  }
  return files;
}
