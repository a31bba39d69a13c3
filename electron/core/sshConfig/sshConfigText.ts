import { InvalidInput } from '../../../shared/src/errors.ts';
import { checkedGatewayHost, nodeUser, type GatewayAddress } from '../../../shared/src/gatewayAddress.ts';
import { printableLine } from '../../../shared/src/printable.ts';

/** The OS the config is for: paths and the agent's address are written its way. */
export type ConfigPlatform = 'linux' | 'darwin' | 'win32';

export interface ConfigNode {
  envName: string;
  nodeId: number;
  /** The node's display name or type ("Apache 2.4"), for the comment above its entry. */
  label: string;
  uid: number;
}

export interface SshConfigInput {
  nodes: readonly ConfigNode[];
  gateway: GatewayAddress;
  /** The app's agent: a Unix socket's path, or on Windows the named pipe (`\\.\pipe\…`). */
  agentSocket: string;
  /** The app's known_hosts holding the gateway's key. */
  knownHostsFile: string;
  platform: ConfigPlatform;
  /** `file`: the file the app owns and overwrites; `copy`: text for the clipboard or `ssh -F`. */
  purpose: 'file' | 'copy';
}

const MAX_NAME = 60;

/**
 * The `Host` name of a node: `<env>-<nodeId>`, lower-case letters, digits and hyphens only (no
 * pattern characters `*?!,`, no spaces), so `ssh shop-518839` matches it and nothing else. Names are
 * unique by construction: the part after the last hyphen is the node ID, and node IDs are.
 */
export function hostAlias(envName: string, nodeId: number): string {
  const base = envName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_NAME)
    .replace(/^-+|-+$/g, '');
  return `${base || 'env'}-${nodeId}`;
}

/**
 * A path as an ssh_config value, in double quotes (spaces: "Application Support", "Enscale SSH").
 * Windows paths and the agent's pipe are written with forward slashes (`//./pipe/…`, as Pageant's
 * `--openssh-config` does): OpenSSH ≥ 8.7 reads `\\` in a config as one backslash, older ones as
 * two, so a backslash path cannot be written the same for both; OpenSSH for Windows takes `/`.
 * What no OpenSSH reads back the same — a quote, a line break, `%` (its tokens) or `${` (its
 * variables), a backslash on macOS/Linux — is refused rather than mangled.
 */
export function configPath(path: string, platform: ConfigPlatform): string {
  const value = platform === 'win32' ? path.replace(/\\/g, '/') : path;
  const absolute = platform === 'win32' ? /^(?:[A-Za-z]:\/|\/\/)/.test(value) : value.startsWith('/');
  const unsafe =
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    /["%\u0000-\u001f\u007f]|\$\{/.exec(value) ?? (platform === 'win32' ? null : /\\/.exec(value));
  if (!absolute || unsafe)
    throw new InvalidInput(
      `The path ${JSON.stringify(path)} cannot be written to an ssh config: ` +
        (absolute
          ? `OpenSSH would read its ${JSON.stringify(unsafe?.[0])} differently. Use a profile folder without it (--profile).`
          : 'it is not a full path.'),
    );
  return `"${value}"`;
}

const header = (purpose: SshConfigInput['purpose']): string[] => [
  ...(purpose === 'file'
    ? [
        '# Written by Enscale SSH, which overwrites this file as your environments change.',
        '# Edit ~/.ssh/config instead: it includes this file from its first line.',
      ]
    : ['# From Enscale SSH: one Host entry per node.']),
  '# Keys stay in the app: ssh signs through its agent (IdentityAgent), which must be running,',
  "# and checks the gateway against the host key in the app's known_hosts.",
];

/** The `Host` entries for the nodes, each complete on its own (so one can be copied alone). */
export function sshConfigText(input: SshConfigInput): string {
  const host = checkedGatewayHost(input.gateway.host);
  const agent = configPath(input.agentSocket, input.platform);
  const knownHosts = configPath(input.knownHostsFile, input.platform);
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const node of input.nodes) {
    const alias = hostAlias(node.envName, node.nodeId);
    if (seen.has(alias)) continue;
    seen.add(alias);
    blocks.push(
      [
        // Names are the tenant's: one printable line, so none can add a line of config.
        `# ${printableLine(node.envName)} · ${printableLine(node.label)} · node ${node.nodeId}`,
        `Host ${alias}`,
        `  HostName ${host}`,
        `  Port ${input.gateway.port}`,
        `  User ${nodeUser(node.nodeId, node.uid)}`,
        `  IdentityAgent ${agent}`,
        // Not IdentitiesOnly: with no IdentityFile it would offer only ~/.ssh/id_* and none of the
        // agent's keys (tried with OpenSSH 9.2). `none` keeps those files out, so the gateway sees
        // the app's keys only and no passphrase prompt appears for a key on disk.
        '  IdentityFile none',
        `  UserKnownHostsFile ${knownHosts}`,
        '  StrictHostKeyChecking yes',
        // The gateway may answer from several addresses; its key is what is checked.
        '  CheckHostIP no',
        // Nothing is added to the app's known_hosts behind its back (the gateway's other key types).
        '  UpdateHostKeys no',
      ].join('\n'),
    );
  }
  if (blocks.length === 0) blocks.push('# No nodes.');
  return `${[header(input.purpose).join('\n'), ...blocks].join('\n\n')}\n`;
}
