import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeLocalPort, listening } from './localPorts.ts';

const run = promisify(execFile);

/** A plain OpenSSH server on 127.0.0.1, not part of the sandbox: what a user's own VPS looks like to the app. */
export interface PlainSshd {
  port: number;
  user: string;
  /** The server's ed25519 host key, as a `known_hosts` key: `ssh-ed25519 AAAA…`. */
  hostKey: string;
  /** The folder its SFTP sessions start in (the user's home is not touched). */
  dir: string;
  stop(): Promise<void>;
}

export interface PlainSshdOptions {
  /** Public keys (OpenSSH lines) it accepts. */
  authorizedKeys: readonly string[];
  /** Whether `direct-tcpip` (ssh -J, -L) is allowed through it. */
  forwarding?: boolean;
}

/**
 * Starts `sshd -D` with a config, host key and authorized_keys of its own in a temporary folder, on a
 * free loopback port, for the current user (root in CI; sshd needs root to change user, so the
 * server logs in as whoever runs the tests).
 */
export async function startPlainSshd(options: PlainSshdOptions): Promise<PlainSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'plain-sshd-'));
  const hostKeyFile = join(dir, 'host_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKeyFile]);
  const authorized = join(dir, 'authorized_keys');
  await writeFile(authorized, options.authorizedKeys.join('\n') + '\n', { mode: 0o600 });
  const home = join(dir, 'home');
  await mkdir(home);
  await writeFile(join(home, 'hello.txt'), 'hello from a plain host\n');
  if (userInfo().uid === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  for (let attempt = 0; ; attempt++) {
    const port = await freeLocalPort();
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKeyFile}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        `AllowTcpForwarding ${options.forwarding ? 'local' : 'no'}`,
        // SFTP starts in the test's folder (the user's home is not touched); shells in the home.
        `Subsystem sftp internal-sftp -d ${home}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let said = '';
    child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    while (child.exitCode === null && !(await listening(port))) await new Promise((r) => setTimeout(r, 20));
    if (child.exitCode !== null) {
      if (attempt < 3) continue;
      throw new Error(`sshd did not start: ${said}`);
    }
    const hostKey = (await readFile(`${hostKeyFile}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    return {
      port,
      user: userInfo().username,
      hostKey,
      dir: home,
      async stop() {
        child.kill('SIGTERM');
        await exited;
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
