import type { Sandbox } from '@enscale-ssh/gateway';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformClient } from '../../../electron/core/platform/PlatformClient.ts';

/** One `auth` line of the gateway's audit log. */
export interface AuthEvent {
  event: 'auth';
  conn: string;
  result: 'success' | 'failure';
  user: string;
  fingerprint?: string;
  keyType?: string;
  reason?: string;
  attempt?: number;
}

export interface AuditLine {
  event: string;
  conn: string;
  reason?: string;
}

/** The gateway's audit log, line by line; written synchronously, so complete once an action returns. */
export function auditLines(sandbox: Sandbox): AuditLine[] {
  return readFileSync(join(sandbox.dataDir, 'gateway', 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditLine);
}

/** Waits for an audit line the gateway writes on its own time (a disconnect, after the client left). */
export async function auditLine(sandbox: Sandbox, from: number, match: (line: AuditLine) => boolean) {
  for (;;) {
    const line = auditLines(sandbox).slice(from).find(match);
    if (line) return line;
    await sleep(20);
  }
}

/** The auth events after the first `from` audit lines. */
export const authEventsSince = (sandbox: Sandbox, from: number): AuthEvent[] =>
  auditLines(sandbox)
    .slice(from)
    .filter((line): line is AuditLine & AuthEvent => line.event === 'auth');

/** The API log's method names; pino writes asynchronously, hence `apiCallsUpTo`. */
function apiMethods(sandbox: Sandbox): string[] {
  return readFileSync(join(sandbox.dataDir, 'logs', 'api.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { apiMethod?: string }).apiMethod ?? '')
    .filter(Boolean);
}

/**
 * Every API call logged so far, made complete by a marker: `marker()` makes one more call, and the
 * log is read until that call's line is in (lines are written in order), so no earlier line is missing.
 */
export async function apiCallsUpTo(
  sandbox: Sandbox,
  marker: () => Promise<unknown>,
  markerMethod: RegExp,
): Promise<string[]> {
  const before = apiMethods(sandbox).filter((m) => markerMethod.test(m)).length;
  await marker();
  for (;;) {
    const methods = apiMethods(sandbox);
    if (methods.filter((m) => markerMethod.test(m)).length > before) return methods;
    await sleep(20);
  }
}

/** An RSA key pair made by ssh-keygen: the private key's text and the public line. */
export interface KeyFile {
  path: string;
  privateKey: string;
  publicKey: string;
}

export function rsaKeyFile(dir: string, name: string): KeyFile {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', name, '-f', path]);
  return { path, privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8') };
}

/** Puts a public key on the demo account's dashboard straight through the platform's API. */
export async function registerOnDashboard(sandbox: Sandbox, title: string, publicKey: string): Promise<void> {
  const platform = new PlatformClient({ baseUrl: sandbox.ready.api });
  const { session } = await platform.signIn('demo@sandbox.local', 'demo');
  await platform.addKey(session, title, publicKey);
}

/**
 * A TCP relay in front of the platform API: the app signs in through it, and closing it makes the
 * platform unreachable for real (connections refused) while the gateway stays up.
 */
export class ApiRelay {
  private stalled = false;

  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly url: string,
  ) {}

  static async start(apiUrl: string): Promise<ApiRelay> {
    const upstream = new URL(apiUrl);
    const sockets = new Set<Socket>();
    let relay: ApiRelay | undefined = undefined;
    const server = createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      // Stalled: the connection is taken and nothing ever answers, as from an overloaded server.
      if (relay?.stalled) return;
      const remote = connect(Number(upstream.port), upstream.hostname);
      sockets.add(remote);
      remote.on('close', () => sockets.delete(remote));
      remote.on('error', () => undefined);
      client.pipe(remote).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    relay = new ApiRelay(server, sockets, `http://127.0.0.1:${port}`);
    return relay;
  }

  /** From now on the platform takes connections and never answers (open ones are cut first). */
  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Stops listening and cuts every open connection (keep-alive ones too). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
