import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePublicKey } from '../../src/keys/publicKey.ts';
import { Sandbox } from '../../src/sandbox/Sandbox.ts';
import type { AuditEvent } from '../../src/ssh/AuditLog.ts';
import { JsonLinesAuditLog } from '../../src/ssh/AuditLog.ts';
import type { GatewayOptions } from '../../src/ssh/GatewayOptions.ts';
import { GatewayServer, type GatewayAddress } from '../../src/ssh/GatewayServer.ts';
import { loadOrCreateHostKeys, type HostKeySet } from '../../src/ssh/hostKeys.ts';
import type { Store } from '../../src/store/Store.ts';

export const DEMO_UID = 4856;
export const OTHER_UID = 35526;
export const SHOP_APACHE = 518839;
export const SHOP_DB = 518840;
export const STAGING_APACHE = 518850;
export const BLOG_APACHE = 518900;

/** Limits loose enough that a whole test file of refused logins from 127.0.0.1 never locks itself out. */
export const TEST_OPTIONS: Partial<GatewayOptions> = {
  penaltyFailures: 10_000,
  maxUnauthenticated: 1_000,
};

export interface ClientResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Child processes started by a test, so that cleanup can end every one of them. */
export class Processes {
  private readonly running = new Set<ChildProcess>();

  spawn(
    command: string,
    args: readonly string[],
    options: { cwd?: string; stdio?: ('pipe' | 'ignore')[] } = {},
  ): ChildProcess {
    return this.track(
      spawn(command, args, { cwd: options.cwd, stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'] }),
    );
  }

  /** Takes a child started elsewhere into the cleanup. */
  track(child: ChildProcess): ChildProcess {
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  /** Runs a client to completion; `input` is written to its stdin, which is then closed. */
  run(
    command: string,
    args: readonly string[],
    options: { input?: string | Buffer; cwd?: string } = {},
  ): Promise<ClientResult> {
    const child = this.spawn(command, args, options.cwd ? { cwd: options.cwd } : {});
    return collect(child, options.input === undefined ? {} : { input: options.input });
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.running].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
          }),
      ),
    );
  }
}

/**
 * Waits for a child to finish, with what it printed. `stdin: 'keep'` leaves stdin to the caller;
 * `stdout: false` leaves stdout to the caller (e.g. a test that counts hundreds of MiB).
 */
export function collect(
  child: ChildProcess,
  options: { input?: string | Buffer; stdin?: 'keep'; stdout?: boolean } = {},
): Promise<ClientResult> {
  let stdout = '';
  let stderr = '';
  if (options.stdout !== false) child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin?.on('error', () => undefined);
  if (options.input !== undefined) child.stdin?.end(options.input);
  else if (options.stdin !== 'keep') child.stdin?.end();
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

export interface UserKey {
  privatePath: string;
  publicKey: string;
}

/** A key made by ssh-keygen, as a user would make it. */
export function makeKey(
  dir: string,
  name: string,
  type: 'rsa' | 'ed25519' | 'ecdsa' | 'dsa',
  bits?: number,
): UserKey {
  const privatePath = join(dir, name);
  const args = ['-q', '-t', type, '-N', '', '-C', `${name}@test`, '-f', privatePath];
  if (bits) args.push('-b', String(bits));
  const result = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen -t ${type} failed: ${result.stderr}`);
  return { privatePath, publicKey: readFileSync(`${privatePath}.pub`, 'utf8').trim() };
}

/** Adds a public key to a user the way the platform API does. */
export async function registerKey(
  store: Store,
  uid: number,
  publicKey: string,
  title = 'test key',
): Promise<void> {
  const info = parsePublicKey(publicKey);
  await store.addKey({
    uid,
    title,
    algorithm: info.algorithm,
    bits: info.bits,
    publicKey: info.openssh,
    fingerprintSha256: info.fingerprintSha256,
    fingerprintMd5: info.fingerprintMd5,
  });
}

/** Counts store calls, to prove that some requests never reach it. */
export function countingStore(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/**
 * A sandbox (real sshd nodes) with a gateway in front of it, built by the test so that it can
 * choose the gateway's limits, restart it, and count what reaches the store.
 */
export class GatewayFixture {
  gateway!: GatewayServer;
  address!: GatewayAddress;
  readonly hostKeys: HostKeySet;
  readonly auditPath: string;
  readonly knownHosts: string;
  readonly processes = new Processes();
  private audit: JsonLinesAuditLog;
  private readonly extraGateways: GatewayServer[] = [];

  private constructor(
    readonly sandbox: Sandbox,
    readonly tmp: string,
    readonly storeCalls: Map<string, number>,
    private readonly gatewayStore: Store,
  ) {
    this.hostKeys = loadOrCreateHostKeys(join(sandbox.dataDir, 'gateway', 'hostkeys'));
    this.auditPath = join(sandbox.dataDir, 'gateway', 'audit.log');
    this.audit = new JsonLinesAuditLog(this.auditPath);
    this.knownHosts = join(tmp, 'known_hosts');
  }

  static async start(options: Partial<GatewayOptions> = {}): Promise<GatewayFixture> {
    const sandbox = await Sandbox.start({ apiPort: 0 });
    const tmp = mkdtempSync(join(tmpdir(), 'gateway-test-'));
    const { store, calls } = countingStore(sandbox.store);
    const fixture = new GatewayFixture(sandbox, tmp, calls, store);
    try {
      await fixture.startGateway(0, options);
    } catch (error) {
      await fixture.stop();
      throw error;
    }
    return fixture;
  }

  get store(): Store {
    return this.sandbox.store;
  }

  /**
   * A second gateway on the same sandbox with other limits (e.g. a lockout test's tight ones), and
   * optionally its own clock for the per-source lockout and its own coin for random early drop.
   */
  async extraGateway(
    options: Partial<GatewayOptions>,
    clock?: () => number,
    random?: () => number,
  ): Promise<GatewayAddress> {
    const gateway = this.newGateway(options, clock, random);
    this.extraGateways.push(gateway);
    const address = await gateway.listen(0);
    this.pinHostKeys(address);
    return address;
  }

  /** Stops the gateway and starts a new one on the same port with the same host keys. */
  async restartGateway(options: Partial<GatewayOptions> = {}): Promise<void> {
    await this.gateway.close();
    await this.startGateway(this.address.port, options);
  }

  /** OpenSSH options that pin the gateway's key and use only `key`. */
  sshOptions(key: UserKey, extra: string[] = []): string[] {
    return [
      '-o',
      `UserKnownHostsFile=${this.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'LogLevel=ERROR',
      '-i',
      key.privatePath,
      ...extra,
    ];
  }

  /** `ssh` arguments up to the destination, for `user@host`. */
  ssh(key: UserKey, user: string, extra: string[] = [], address: GatewayAddress = this.address): string[] {
    return [...this.sshOptions(key, extra), '-p', String(address.port), `${user}@${address.host}`];
  }

  /** PuTTY pins host keys by fingerprint; both of the gateway's keys are given. */
  puttyHostKeys(): string[] {
    return [
      '-hostkey',
      this.hostKeys.rsa.fingerprints.sha256,
      '-hostkey',
      this.hostKeys.ed25519.fingerprints.sha256,
    ];
  }

  /** The node's home folder in the sandbox, to check what a transfer wrote. */
  nodeHome(nodeId: number): string {
    return join(this.sandbox.dataDir, 'nodes', String(nodeId), 'home');
  }

  /** The node's home as its sessions see it: /var/www on an isolated Apache node. */
  nodeRemoteHome(nodeId: number): string {
    const server = this.sandbox.nodes.server(nodeId);
    if (!server) throw new Error(`node ${nodeId} is not running`);
    return server.remoteHome;
  }

  auditEvents(): (AuditEvent & { ts: string })[] {
    return readFileSync(this.auditPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditEvent & { ts: string });
  }

  async stop(): Promise<void> {
    await this.processes.stopAll();
    await Promise.all(this.extraGateways.map((gateway) => gateway.close()));
    await this.gateway?.close();
    this.audit.close();
    await this.sandbox.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  private newGateway(
    options: Partial<GatewayOptions>,
    clock?: () => number,
    random?: () => number,
  ): GatewayServer {
    return new GatewayServer({
      store: this.gatewayStore,
      hostKeys: this.hostKeys,
      nodeAccessKey: readFileSync(this.sandbox.nodeAccessKeyPath),
      audit: this.audit,
      options: { ...TEST_OPTIONS, ...options },
      ...(clock ? { clock } : {}),
      ...(random ? { random } : {}),
    });
  }

  private async startGateway(port: number, options: Partial<GatewayOptions>): Promise<void> {
    // Host keys are read from disk again, as a restarted gateway process would.
    const keys = loadOrCreateHostKeys(join(this.sandbox.dataDir, 'gateway', 'hostkeys'));
    if (keys.rsa.publicKey !== this.hostKeys.rsa.publicKey)
      throw new Error('host key changed across restart');
    this.gateway = this.newGateway(options);
    this.address = await this.gateway.listen(port);
    this.pinHostKeys(this.address);
  }

  /** Adds the gateway's keys under this address to the tests' known_hosts file. */
  private pinHostKeys(address: GatewayAddress): void {
    const name = `[${address.host}]:${address.port}`;
    appendFileSync(
      this.knownHosts,
      `${name} ${this.hostKeys.rsa.publicKey}\n${name} ${this.hostKeys.ed25519.publicKey}\n`,
    );
  }
}

/** Resolves when the process has exited, including when it already had. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Waits for a condition polled every 50 ms; the test's own timeout bounds it. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  attempts = 400,
): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
