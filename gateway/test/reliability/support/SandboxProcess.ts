import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../../../src/ssh/AuditLog.ts';
import type { GatewayOptions } from '../../../src/ssh/GatewayOptions.ts';
import type { GatewayAddress } from '../../../src/ssh/GatewayServer.ts';
import { GATEWAY_NODE_FLAGS } from '../../../src/nodeFlags.ts';
import { loadOrCreateHostKeys } from '../../../src/ssh/hostKeys.ts';
import type { ChildReply, ChildRequest, MemorySample } from './sandboxProtocol.ts';

const CHILD = join(import.meta.dirname, 'sandboxChild.ts');

/**
 * The sandbox (API, gateway, real sshd nodes) in a separate Node process: the test's clients, however
 * many, do not count against the gateway's memory, and `memory()` samples the gateway process alone
 * after full garbage collections.
 */
export class SandboxProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly address: GatewayAddress;
  readonly hostKeys: string[];
  readonly auditPath: string;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    address: GatewayAddress,
  ) {
    this.address = address;
    const keys = loadOrCreateHostKeys(join(dataDir, 'gateway', 'hostkeys'));
    this.hostKeys = [keys.rsa.publicKey, keys.ed25519.publicKey];
    this.auditPath = join(dataDir, 'gateway', 'audit.log');
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: ChildReply) => {
      if (message.type !== 'reply') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.value);
    });
    child.once('exit', (code) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`sandbox process exited (${code})`));
      this.pending.clear();
    });
  }

  /** `nodeFlags`: more flags for the sandbox's Node, e.g. `--cpu-prof` for a benchmark's profile. */
  static start(gatewayOptions: Partial<GatewayOptions>, nodeFlags: string[] = []): Promise<SandboxProcess> {
    const child = fork(CHILD, [JSON.stringify(gatewayOptions)], {
      execArgv: ['--expose-gc', ...GATEWAY_NODE_FLAGS, '--import', 'tsx', ...nodeFlags],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`sandbox process exited (${code}) before it was ready`)));
      child.once('message', (message: ChildReply) => {
        if (message.type !== 'ready' || !message.ready.gateway) {
          reject(new Error('sandbox process sent no gateway'));
          return;
        }
        const { host, port } = message.ready.gateway;
        resolve(new SandboxProcess(child, message.dataDir, { host, port }));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs: a crash of the gateway ends it. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private request(request: ChildRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }

  async memory(): Promise<MemorySample> {
    return (await this.request({ type: 'memory' })) as MemorySample;
  }

  async registerKey(uid: number, publicKey: string): Promise<void> {
    await this.request({ type: 'registerKey', uid, publicKey });
  }

  auditEvents(): (AuditEvent & { ts: string })[] {
    return readFileSync(this.auditPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditEvent & { ts: string });
  }

  /** Raw audit log lines, to check that each one is a whole JSON object. */
  auditLines(): string[] {
    return readFileSync(this.auditPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  nodeHome(nodeId: number): string {
    return join(this.dataDir, 'nodes', String(nodeId), 'home');
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    await this.request({ type: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
