import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, accessSync, constants, readdirSync, readFileSync } from 'node:fs';

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the process has ended. */
  readonly exited: Promise<number | string>;
  readonly hasExited: () => boolean;
}

const SETPRIV = '/usr/bin/setpriv';
const GRACE_MS = 5000;

function hasSetpriv(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts and stops the sandbox's server processes. On Linux each one is started through
 * `setpriv --pdeathsig TERM`, so the kernel stops it even when the sandbox is killed outright
 * and never gets to run its own shutdown.
 */
export class ChildProcesses {
  private readonly children = new Map<number, { child: Child; process: ChildProcess }>();
  private readonly useSetpriv = hasSetpriv();

  /** Starts `command` with its output appended to `logFile`. */
  start(
    name: string,
    command: string,
    args: readonly string[],
    logFile: string,
    options: {
      env?: NodeJS.ProcessEnv;
      /**
       * The signal the kernel sends when the sandbox dies. `unshare --fork` ignores TERM (it leaves
       * signals to its child), so what runs under it needs KILL; unshare's --kill-child then ends
       * the namespace's pid 1, and with it the namespace.
       */
      deathSignal?: 'TERM' | 'KILL';
      /** A listening socket the child gets as its fd 3 (a node's sshd, socket-activated). */
      listeningFd?: number;
    } = {},
  ): Child {
    const fd = openSync(logFile, 'a', 0o600);
    const [file, argv] = this.useSetpriv
      ? [SETPRIV, ['--pdeathsig', options.deathSignal ?? 'TERM', '--', command, ...args]]
      : [command, args];
    let proc: ChildProcess;
    try {
      const stdio = options.listeningFd === undefined ? [] : [options.listeningFd];
      proc = spawn(file, argv, { stdio: ['ignore', fd, fd, ...stdio], env: options.env ?? process.env });
    } finally {
      closeSync(fd);
    }
    if (proc.pid === undefined) throw new Error(`Could not start ${name} (${command}).`);
    let ended = false;
    const exited = new Promise<number | string>((resolve) => {
      proc.once('exit', (code, signal) => {
        ended = true;
        this.children.delete(pid);
        resolve(code ?? signal ?? 'unknown');
      });
      proc.once('error', () => {
        ended = true;
        this.children.delete(pid);
        resolve('spawn-error');
      });
    });
    const pid = proc.pid;
    const child: Child = { name, pid, exited, hasExited: () => ended };
    this.children.set(pid, { child, process: proc });
    return child;
  }

  /**
   * SIGTERM, then SIGKILL if it has not ended within the grace period. What the server started
   * goes too (sshd's per-connection processes and their shells, which sshd itself leaves running),
   * as when a container stops.
   */
  async stop(child: Child): Promise<void> {
    const entry = this.children.get(child.pid);
    if (!entry || child.hasExited()) return;
    const descendants = descendantsOf(child.pid);
    entry.process.kill('SIGTERM');
    for (const pid of descendants) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => entry.process.kill('SIGKILL'), GRACE_MS);
    await child.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children.values()].map(({ child }) => this.stop(child)));
  }

  pids(): number[] {
    return [...this.children.keys()];
  }
}

/** Every process below `pid`, read from /proc (Linux); none elsewhere. */
function descendantsOf(pid: number): number[] {
  if (process.platform !== 'linux') return [];
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of parents.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}
