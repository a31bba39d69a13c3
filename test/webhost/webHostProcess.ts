import type { SandboxReady } from '@enscale-ssh/gateway';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../electron/webhost/main.ts', import.meta.url));

export interface ReadyLine {
  event: 'ready';
  url: string;
  sandbox: SandboxReady | null;
}

export interface WebHostProcess {
  child: ChildProcess;
  ready: ReadyLine;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  /** `ws://127.0.0.1:PORT/rpc?token=…`, or with another token. */
  rpcUrl(token?: string | null): string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `npm run start:web`'s program as its own process (node with tsx, as `tsx` itself would) and
 * waits for the `--json` ready line. The keychain service is the test run's own; `env` is added to
 * the process's (a HOME of the test's own, so the host's Downloads folder is one it made).
 */
export function startWebHost(args: string[], env: NodeJS.ProcessEnv = {}): Promise<WebHostProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--json', ...args], {
    cwd: ROOT,
    env: { ...process.env, ENSCALE_SSH_KEYCHAIN_SERVICE: `enscale-ssh-test-webhost-${process.pid}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) =>
      reject(new Error(`The web host exited (${code}) before it was ready: ${stderr}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const ready = JSON.parse(stdout.slice(0, newline)) as ReadyLine;
      const url = new URL(ready.url);
      const token = url.searchParams.get('token')!;
      resolve({
        child,
        ready,
        origin: url.origin,
        token,
        rpcUrl: (other = token) =>
          `ws://${url.host}/rpc${other === null ? '' : `?token=${encodeURIComponent(other)}`}`,
        stderr: () => stderr,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** Opens a `ws` client socket, as a page of `origin` would. */
export function openSocket(url: string, origin: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { origin });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The HTTP status the host answers an upgrade with: 101 when it lets the socket through. */
export function upgradeStatus(
  url: string,
  headers: { origin?: string; host?: string } = {},
): Promise<number> {
  const socket = new WebSocket(url, {
    ...(headers.origin ? { origin: headers.origin } : {}),
    ...(headers.host ? { headers: { host: headers.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** Whether something still accepts connections on the port. */
export function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Processes whose command line mentions `text` (the sandbox's servers name its data folder). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
