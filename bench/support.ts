import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { PlatformClient } from '../electron/core/platform/PlatformClient.ts';
import { GatewayConnections } from '../electron/core/ssh/GatewayConnections.ts';
import { HostKeys } from '../electron/core/ssh/HostKeys.ts';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/nodeFlags.ts';
import type { SandboxReady } from '../gateway/src/sandbox/Sandbox.ts';

export const run = promisify(execFile);

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A file of random bytes, written in 1 MiB blocks. */
export async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += 1 << 20) {
    if (!out.write(randomBytes(Math.min(1 << 20, bytes - written)))) {
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface SandboxProcess<R> {
  proc: ChildProcess;
  ready: R;
  stop(): Promise<void>;
}

/** Runs `enscale-gateway sandbox --json` in its own process, so the benchmark does not share its CPU. */
export function startSandbox<R>(args: string[]): Promise<SandboxProcess<R>> {
  const bin = join(import.meta.dirname, '..', 'gateway', 'bin', 'enscale-gateway.js');
  const proc = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, bin, 'sandbox', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve({
        proc,
        ready: JSON.parse(line) as R,
        stop: () =>
          new Promise((done) => {
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      }),
    );
    proc.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

/** The demo account's way through the sandbox's gateway for OpenSSH and for the app's engine. */
export interface GatewayAccount {
  /** An RSA 3072 private key on the demo account's dashboard (the gateway accepts RSA only). */
  key: string;
  /** The app's pin for the gateway, as a target's `pinned`. */
  pinned: { keyType: 'ssh-rsa'; sha256: string };
  /** OpenSSH options: that key and no other, the gateway's RSA key trusted and nothing asked. */
  sshOptions: string[];
}

/**
 * Makes a key, puts it on the demo account's dashboard, and trusts the gateway's RSA key for
 * OpenSSH: one `ssh-keyscan` connection (each unauthenticated connection counts against the source
 * in the gateway's penalties).
 */
export async function gatewayAccount(ready: SandboxReady, work: string): Promise<GatewayAccount> {
  const gateway = ready.gateway;
  if (!gateway) throw new Error('The sandbox has no gateway.');
  const key = join(work, 'id_rsa');
  await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', key]);
  const platform = new PlatformClient({ baseUrl: ready.api });
  const { session } = await platform.signIn('demo@sandbox.local', 'demo');
  await platform.addKey(session, 'bench', await readFile(`${key}.pub`, 'utf8'));
  const { stdout: scan } = await run('ssh-keyscan', ['-p', String(gateway.port), '-t', 'rsa', gateway.host]);
  const knownHosts = join(work, 'openssh_known_hosts');
  await writeFile(knownHosts, scan);
  const sshOptions = ['-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes'];
  sshOptions.push('-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes');
  sshOptions.push('-o', 'LogLevel=ERROR');
  return { key, pinned: { keyType: 'ssh-rsa', sha256: gateway.hostKey.sha256 }, sshOptions };
}

/**
 * The app's connections for a benchmark in `work`: its own known_hosts, and the key `gatewayAccount`
 * puts in `work` (read at each connect, so they can be made before the key exists).
 */
export function benchConnections(work: string): GatewayConnections {
  return new GatewayConnections({
    hostKeys: new HostKeys(join(work, 'known_hosts')),
    identity: async () => [{ name: 'id_rsa', privateKey: await readFile(join(work, 'id_rsa')) }],
    interactive: false,
  });
}

/** `enscale-ssh platform use` for the sandbox, its gateway's key pinned by fingerprint as a user types it. */
export function platformUseArgs(ready: SandboxReady): string[] {
  const gateway = ready.gateway;
  if (!gateway) throw new Error('The sandbox has no gateway.');
  return [
    'platform',
    'use',
    ready.api,
    '--gateway',
    `${gateway.host}:${gateway.port}`,
    '--fingerprint',
    gateway.hostKey.sha256,
  ];
}
