import { existsSync } from 'node:fs';
import { ensureKeyFile } from '../keys/keyFiles.ts';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { NodeAccess } from '../store/types.ts';
import type { Child, ChildProcesses } from './ChildProcesses.ts';
import { freePort, isSshBanner, waitForGreeting } from './network.ts';
import { nodeHostname, nodeProfile, type NodeProfile } from './nodeProfiles.ts';
import type { NodeBind } from './nodeNamespace.ts';
import { listenOnHost, type HostListener, type NodeNetwork } from './nodeNetwork.ts';
import { chownTree, prepareNodeRoot, NODE_ETC } from './nodeRoot.ts';
import type { SystemTools } from './systemTools.ts';

export interface NodeServerOptions {
  nodeId: number;
  envName: string;
  nodeType: string;
  /** The node's folder: its sshd configuration under etc/, its file tree under home/. */
  dir: string;
  /** The gateway's node-access public key, the only key the node accepts. */
  authorizedKey: string;
  /** Whether `ssh -L` through this node is allowed (the real platform's default is off). */
  tcpForwarding: boolean;
  /**
   * The web server's port from the node's last start: a node's address stays the same when its
   * environment is stopped and started, as on the platform. A free one is picked when absent.
   */
  webPort?: number;
  /** Extra lines for the node's ~/.my.cnf, for database nodes. */
  mysqlClientConfig?: string;
  /**
   * The largest file a session of this node may write, in bytes (RLIMIT_FSIZE, with SIGXFSZ ignored so
   * a write past it fails with EFBIG): the sandbox's stand-in for a full disk. None when absent.
   */
  fileSizeLimit?: number;
  logFile: string;
  children: ChildProcesses;
  tools: SystemTools;
  host?: string;
  /**
   * Run the node in namespaces of its own (needs root): its own root, service user, sudo and host
   * name, as on Enscale. Otherwise its sshd runs as the sandbox's user on the host's filesystem.
   */
  isolated: boolean;
  /** Host folders bound into an isolated node, e.g. a database's socket folder at /run/mysqld. */
  binds?: readonly NodeBind[];
  /** Environment variables every session of the node starts with (e.g. PGPORT). */
  sessionEnv?: Readonly<Record<string, string>>;
  /**
   * A network of the node's own (isolated nodes only): its loopback is not the host's, and these
   * ports on it lead to the sandbox's database server, as on the platform the database answers on
   * the node's own 3306 / 5432. The gateway still reaches the sshd on the host's loopback.
   */
  network?: NodeNetwork;
}

/** Single-quotes a value for /bin/sh. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * One sandbox node: a real OpenSSH sshd on loopback with its own host key, accepting only the
 * gateway's node-access key, and its own home folder.
 *
 * Isolated (the sandbox runs as root), the node lives in mount, UTS and pid namespaces of its own
 * (nodeRoot.ts): its sessions log in as the service's user (apache, mysql, postgres) into its home,
 * see only the node's own files and the host's programs, and may `sudo` only the service's init
 * script. Shared (any other user), every node runs as the sandbox's user and its home is a folder
 * of the data folder.
 *
 * Either way every session passes through the session script (sshd's ForceCommand), which starts in
 * the node's home with its limits; SFTP is served by sftp-server started there (`-d`) rather than
 * internal-sftp, which a ForceCommand would replace.
 */
export class NodeServer {
  private child: Child | undefined;
  private current: NodeAccess | undefined;
  private fileSizeLimit: number | undefined;
  private readonly profile: NodeProfile;
  private webPortNumber: number | undefined;

  constructor(private readonly options: NodeServerOptions) {
    this.fileSizeLimit = options.fileSizeLimit;
    this.profile = nodeProfile(options.nodeType);
  }

  /** The node's host name, as the platform names it. */
  get hostname(): string {
    return nodeHostname(this.options.nodeId, this.options.envName);
  }

  /** The user a session logs in as: the service's own when isolated. */
  get user(): string {
    return this.options.isolated ? this.profile.user : userInfo().username;
  }

  /** Where sessions start, as the node sees it. */
  get remoteHome(): string {
    return this.options.isolated ? this.profile.home : this.home;
  }

  /** Where an isolated Apache node's web server (`service httpd`) listens on 127.0.0.1. */
  get webPort(): number | undefined {
    return this.webPortNumber;
  }

  get access(): NodeAccess | undefined {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get home(): string {
    return join(this.options.dir, 'home');
  }

  async start(): Promise<NodeAccess> {
    const { dir, tools, children, nodeId } = this.options;
    const host = this.options.host ?? '127.0.0.1';
    const etc = join(dir, 'etc');
    const isolated = this.options.isolated;
    // Isolated, the node's user reads authorized_keys and runs the session script through /etc/enscale-node.
    const [etcMode, keyMode] = isolated ? [0o711, 0o644] : [0o700, 0o600];
    await mkdir(etc, { recursive: true, mode: etcMode });
    await chmod(etc, etcMode);
    await mkdir(this.home, { recursive: true, mode: 0o755 });
    const hostKey = await this.hostKey(etc);
    await this.writeHome();
    await writeFile(join(etc, 'authorized_keys'), this.options.authorizedKey.trim() + '\n', {
      mode: keyMode,
    });
    await chmod(join(etc, 'authorized_keys'), keyMode);
    await this.writeSessionScript(etc, tools.path('sftpServer'));
    // The config and the key as sshd reads them: node paths when isolated.
    const sshdEtc = isolated ? NODE_ETC : etc;

    const sshd = tools.path('sshd');
    // sshd started by root insists on its privilege-separation folder, which only a booted
    // system creates; containers and fresh CI machines lack it.
    if (userInfo().uid === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    // A port picked here may be taken by someone else before sshd binds it; try a few.
    for (let attempt = 1; ; attempt++) {
      // In a network of its own the sshd cannot bind the host's loopback: it is given the socket.
      const listener = isolated && this.options.network ? await listenOnHost(host) : undefined;
      const port = listener?.port ?? (await freePort(host));
      const config = join(etc, 'sshd_config');
      await writeFile(config, this.config(port, host, sshdEtc), { mode: 0o600 });
      let child: Child;
      try {
        child = isolated
          ? await this.startIsolated(listener)
          : children.start(
              `sshd-${nodeId}`,
              sshd,
              ['-D', '-f', config, '-E', this.options.logFile],
              this.options.logFile,
            );
      } finally {
        // The sshd has its own copy of the socket; this process must not accept on it.
        listener?.close();
      }
      try {
        await waitForGreeting({ host, port }, isSshBanner, {
          abort: child.exited.then((code) => `exit ${code}; see ${this.options.logFile}`),
          timeoutMs: 10_000,
          what: `sshd of node ${nodeId}`,
        });
      } catch (error) {
        await children.stop(child);
        if (attempt < 3) continue;
        // The log may go with a temp data folder; keep its last words in the error.
        const log = await readFile(this.options.logFile, 'utf8').catch(() => '');
        const tail = log.trim().split('\n').slice(-3).join(' | ');
        throw new Error(`${(error as Error).message}${tail ? ` sshd said: ${tail}` : ''}`, { cause: error });
      }
      this.child = child;
      this.current = { host, port, user: this.user, hostKey };
      return this.current;
    }
  }

  /** Builds the node's root and starts its sshd in namespaces of its own (nodeRoot.ts). */
  private async startIsolated(listener: HostListener | undefined): Promise<Child> {
    const { dir, nodeId, tools, children, logFile } = this.options;
    if (this.profile.services.includes('httpd'))
      this.webPortNumber ??= this.options.webPort ?? (await freePort('127.0.0.1'));
    const { command, args } = await prepareNodeRoot({
      dir,
      nodeId,
      hostname: this.hostname,
      profile: this.profile,
      home: this.home,
      binds: [{ host: join(dir, 'etc'), node: NODE_ETC, readOnly: true }, ...(this.options.binds ?? [])],
      sshd: [tools.path('sshd'), '-D', '-e', '-f', `${NODE_ETC}/sshd_config`],
      ...(this.webPortNumber !== undefined ? { webPort: this.webPortNumber } : {}),
      ...(listener && this.options.network ? { network: this.options.network } : {}),
      tools,
    });
    return children.start(`sshd-${nodeId}`, command, args, logFile, {
      deathSignal: 'KILL',
      ...(listener ? { listeningFd: listener.fd } : {}),
    });
  }

  /**
   * Limits the size of every file the node's sessions write from now on (`undefined` lifts it).
   * Sessions read etc/session when they start, so the next SFTP channel or command is limited; the
   * running ones keep what they had.
   */
  async setFileSizeLimit(bytes: number | undefined): Promise<void> {
    if (bytes !== undefined && (!Number.isSafeInteger(bytes) || bytes < 0)) {
      throw new Error(`A file size limit is a whole number of bytes ≥ 0 (got ${bytes}).`);
    }
    this.fileSizeLimit = bytes;
    await this.writeSessionScript(join(this.options.dir, 'etc'), this.options.tools.path('sftpServer'));
  }

  async stop(): Promise<void> {
    if (this.child) await this.options.children.stop(this.child);
    this.child = undefined;
    this.current = undefined;
  }

  /** The node's Ed25519 host key, made once and kept: the gateway pins it. */
  private async hostKey(etc: string): Promise<string> {
    const { publicKey } = await ensureKeyFile(
      this.options.tools.path('sshKeygen'),
      join(etc, 'ssh_host_ed25519_key'),
      'ed25519',
      { comment: `node${this.options.nodeId}` },
    );
    return publicKey;
  }

  private async writeHome(): Promise<void> {
    const { nodeId, envName, nodeType, mysqlClientConfig, isolated } = this.options;
    const made: string[] = [];
    const readme = join(this.home, 'README.txt');
    if (!existsSync(readme)) {
      await writeFile(
        readme,
        `This is node ${nodeId} (${nodeType}) of environment '${envName}' in the Enscale sandbox.\n` +
          `Files here belong to this node only.\n`,
      );
      made.push(readme);
    }
    for (const folder of this.profile.folders) {
      const first = await mkdir(join(this.home, folder), { recursive: true });
      if (first) made.push(first);
    }
    // Isolated nodes reach their database through its socket folder (/run/mysqld), as Debian's client expects.
    if (mysqlClientConfig && !isolated) {
      await writeFile(join(this.home, '.my.cnf'), mysqlClientConfig, { mode: 0o600 });
    }
    if (!isolated) return;
    const { uid, gid } = this.profile;
    // A new home, or one a shared run left, goes to the node's user whole; a kept one only needs
    // what was made just now, so a start does not walk a home of many files.
    if ((await stat(this.home)).uid !== uid) await chownTree(this.home, uid, gid);
    else for (const path of made) await chownTree(path, uid, gid);
  }

  private async writeSessionScript(etc: string, sftpServer: string): Promise<void> {
    // A full disk, as far as the node's programs can tell: writes past the limit fail (EFBIG) and the
    // program goes on, where the default SIGXFSZ would kill it. The ignored signal survives exec.
    const limit =
      this.fileSizeLimit === undefined
        ? ''
        : `trap '' XFSZ
${shellQuote(this.options.tools.path('prlimit'))} --pid $$ --fsize=${this.fileSizeLimit}:${this.fileSizeLimit} || exit 1
`;
    const env = Object.entries(this.options.sessionEnv ?? {})
      .map(([name, value]) => `${name}=${shellQuote(value)}\nexport ${name}\n`)
      .join('');
    // Isolated, HOME is the service user's own (passwd); shared, the node's folder of the data folder.
    const home = this.options.isolated ? '' : `HOME=${shellQuote(this.home)}\nexport HOME\n`;
    const script = `#!/bin/sh
# Runs every session of node ${this.options.nodeId} (sshd ForceCommand): the node's own home.
${home}${env}cd "$HOME" || exit 1
${limit}case "$SSH_ORIGINAL_COMMAND" in
  ${shellQuote(sftpServer)}) exec ${shellQuote(sftpServer)} -d "$HOME" ;;
  '') exec "\${SHELL:-/bin/sh}" -l ;;
  *) exec "\${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND" ;;
esac
`;
    // Replaced whole (rename), so a session starting meanwhile runs the old script or the new one.
    const path = join(etc, 'session');
    const mode = this.options.isolated ? 0o755 : 0o700;
    await writeFile(`${path}.new`, script, { mode });
    await chmod(`${path}.new`, mode);
    await rename(`${path}.new`, path);
  }

  private config(port: number, host: string, etc: string): string {
    const forwarding = this.options.tcpForwarding ? 'local' : 'no';
    return [
      `# sshd of sandbox node ${this.options.nodeId}; written by the sandbox at every start.`,
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${join(etc, 'ssh_host_ed25519_key')}`,
      'PidFile none',
      `AuthorizedKeysFile ${join(etc, 'authorized_keys')}`,
      'AuthenticationMethods publickey',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The data folder may sit under a group-writable temp dir; sshd's ownership checks would refuse it.
      'StrictModes no',
      this.options.isolated ? 'PermitRootLogin no' : 'PermitRootLogin prohibit-password',
      `AllowUsers ${this.user}`,
      `AllowTcpForwarding ${forwarding}`,
      'PermitOpen any',
      'GatewayPorts no',
      'X11Forwarding no',
      'AllowAgentForwarding no',
      'PermitTunnel no',
      'AcceptEnv LANG LC_* TZ',
      // sshd runs the ForceCommand through the account's shell, and bash run by sshd reads ~/.bashrc
      // first: with the real HOME, the host user's shell start-up (pyenv, nvm, …) ran in every node
      // session — slow, and a session cut off mid-way left e.g. pyenv's rehash lock behind, stalling
      // every later one for a minute. The node's own home keeps the host's dotfiles out.
      ...(this.options.isolated ? [] : [`SetEnv HOME=${this.home}`]),
      'PrintMotd no',
      'PrintLastLog no',
      // The gateway multiplexes many users' channels over one connection per node.
      'MaxSessions 1000',
      'MaxStartups 200:30:1000',
      'ClientAliveInterval 30',
      `ForceCommand ${join(etc, 'session')}`,
      `Subsystem sftp ${this.options.tools.path('sftpServer')}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n');
  }
}
