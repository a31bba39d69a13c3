import { existsSync } from 'node:fs';
import { ensureKeyFile } from '../keys/keyFiles.ts';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { NodeAccess } from '../store/types.ts';
import type { Child, ChildProcesses } from './ChildProcesses.ts';
import { freePort, isSshBanner, waitForGreeting } from './network.ts';
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
}

/** Single-quotes a value for /bin/sh. */
const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * One sandbox node: a real OpenSSH sshd on loopback with its own host key, accepting only the
 * gateway's node-access key, and its own home folder.
 *
 * Every session passes through etc/session (sshd's ForceCommand), which moves into the node's
 * home and sets HOME, so each node keeps its own files although all nodes run as the user who
 * started the sandbox. For the same reason SFTP is served by sftp-server started in that home
 * (`-d`) rather than internal-sftp, which a ForceCommand would replace.
 */
export class NodeServer {
  private child: Child | undefined;
  private current: NodeAccess | undefined;
  private fileSizeLimit: number | undefined;

  constructor(private readonly options: NodeServerOptions) {
    this.fileSizeLimit = options.fileSizeLimit;
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
    await mkdir(etc, { recursive: true, mode: 0o700 });
    await mkdir(this.home, { recursive: true, mode: 0o755 });
    const hostKey = await this.hostKey(etc);
    await this.writeHome();
    await writeFile(join(etc, 'authorized_keys'), this.options.authorizedKey.trim() + '\n', { mode: 0o600 });
    await this.writeSessionScript(etc, tools.path('sftpServer'));

    const sshd = tools.path('sshd');
    // sshd started by root insists on its privilege-separation folder, which only a booted
    // system creates; containers and fresh CI machines lack it.
    if (userInfo().uid === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    // A port picked here may be taken by someone else before sshd binds it; try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(host);
      const config = join(etc, 'sshd_config');
      await writeFile(config, this.config(port, host, etc), { mode: 0o600 });
      const child = children.start(
        `sshd-${nodeId}`,
        sshd,
        ['-D', '-f', config, '-E', this.options.logFile],
        this.options.logFile,
      );
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
      this.current = { host, port, user: userInfo().username, hostKey };
      return this.current;
    }
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
    const { nodeId, envName, nodeType, mysqlClientConfig } = this.options;
    const readme = join(this.home, 'README.txt');
    if (!existsSync(readme)) {
      await writeFile(
        readme,
        `This is node ${nodeId} (${nodeType}) of environment '${envName}' in the Enscale sandbox.\n` +
          `Files here belong to this node only.\n`,
      );
    }
    if (mysqlClientConfig) await writeFile(join(this.home, '.my.cnf'), mysqlClientConfig, { mode: 0o600 });
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
    const script = `#!/bin/sh
# Runs every session of node ${this.options.nodeId} (sshd ForceCommand): the node's own home.
HOME=${shellQuote(this.home)}
export HOME
cd "$HOME" || exit 1
${limit}case "$SSH_ORIGINAL_COMMAND" in
  ${shellQuote(sftpServer)}) exec ${shellQuote(sftpServer)} -d "$HOME" ;;
  '') exec "\${SHELL:-/bin/sh}" -l ;;
  *) exec "\${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND" ;;
esac
`;
    // Replaced whole (rename), so a session starting meanwhile runs the old script or the new one.
    const path = join(etc, 'session');
    await writeFile(`${path}.new`, script, { mode: 0o700 });
    await chmod(`${path}.new`, 0o700);
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
      'PermitRootLogin prohibit-password',
      `AllowUsers ${userInfo().username}`,
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
      `SetEnv HOME=${this.home}`,
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
