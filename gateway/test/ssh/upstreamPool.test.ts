import { hostPidOf } from '../support/nodePids.ts';
import { ignoreGlobalRequests } from '@enscale-ssh/ssh2-internals/testing';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { ClientChannel, Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/ssh/AuditLog.ts';
import { PacketPool } from '@enscale-ssh/ssh2-internals';
import { TurnTaking } from '../../src/ssh/takeTurns.ts';
import { UpstreamPool } from '../../src/ssh/UpstreamPool.ts';
import type { NodeAccess } from '../../src/store/types.ts';
import { GatewayFixture, SHOP_APACHE, until } from './helpers.ts';

const INTERVAL_MS = 100;
const COUNT_MAX = 2;

/** An UpstreamPool with tight keepalives whose audit lines are kept in memory. */
function poolWithAudit(privateKey: string | Buffer): { pool: UpstreamPool; events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  const pool = new UpstreamPool({
    privateKey,
    audit: { record: (event) => events.push(event) },
    turns: new TurnTaking(),
    packets: new PacketPool({ shared: true }),
    connectTimeoutMs: 5_000,
    channelsPerConnection: 8,
    idleMs: 60_000,
    keepaliveIntervalMs: INTERVAL_MS,
    keepaliveCountMax: COUNT_MAX,
  });
  return { pool, events };
}

const execOn = (client: ssh2.Client, command: string) =>
  new Promise<ClientChannel>((resolve, reject) =>
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))),
  );

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scripted node: an SSH server that streams on every exec channel while `streaming` is set and
 * never answers keepalive requests — what a real node looks like to the gateway when its answers
 * queue behind megabytes of bulk data (which cannot be produced on demand with a real sshd).
 */
class BusyNode {
  streaming = true;
  private readonly server: ssh2.Server;
  private readonly connections = new Set<Connection>();
  readonly hostKey: string;

  private constructor(privatePem: string, hostKey: string) {
    this.hostKey = hostKey;
    this.server = new ssh2.Server({ hostKeys: [privatePem] }, (connection) => {
      this.connections.add(connection);
      connection.on('error', () => undefined);
      connection.on('authentication', (context) => context.accept());
      // Keepalives (global requests) get no answer, ever. ssh2's server answers them by itself, so its
      // handler is replaced: this is a scripted node, and ssh2 has no option for it.
      ignoreGlobalRequests(connection);
      connection.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec) => {
          const channel = acceptExec();
          const chunk = Buffer.alloc(4096, 'x');
          const timer = setInterval(() => {
            if (this.streaming && channel.writable) channel.write(chunk);
          }, 10);
          channel.on('close', () => clearInterval(timer));
        });
      });
    });
  }

  static async start(): Promise<{ node: BusyNode; port: number }> {
    const keys = ssh2.utils.generateKeyPairSync('ed25519');
    const node = new BusyNode(keys.private, keys.public.split(' ').slice(0, 2).join(' '));
    await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', resolve));
    return { node, port: (node.server.address() as AddressInfo).port };
  }

  close(): void {
    for (const connection of this.connections) connection.end();
    this.server.close();
  }
}

describe('pooled node connections once they are up', () => {
  let fx: GatewayFixture;
  let accessKey: Buffer;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    accessKey = readFileSync(fx.sandbox.nodeAccessKeyPath);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('keeps a connection that is busy delivering data although its keepalive answers are late', async () => {
    const { node, port } = await BusyNode.start();
    const { pool, events } = poolWithAudit(accessKey);
    try {
      const access: NodeAccess = { host: '127.0.0.1', port, user: 'node', hostKey: node.hostKey };
      const lease = await pool.acquire(1, access, 'bulk');
      const channel = await execOn(lease.client, 'stream');
      let received = 0;
      channel.on('data', (chunk: Buffer) => (received += chunk.length));
      let closed = false;
      lease.client.once('close', () => (closed = true));

      // Twelve keepalive intervals with no answer to any keepalive, but data all along: ssh2's own
      // count (answers only) gave such a connection up after four.
      await pause(12 * INTERVAL_MS);
      expect(received).toBeGreaterThan(0);
      expect(closed).toBe(false);
      expect(events.filter((e) => e.event === 'upstream')).toEqual([]);

      // Silence: now it is given up, and the log says so and how many channels went with it.
      node.streaming = false;
      await until(() => closed, 'the silent connection to be given up');
      expect(events.filter((e) => e.event === 'upstream')).toEqual([
        {
          event: 'upstream',
          nodeId: 1,
          result: 'dropped',
          detail: `nothing arrived from the node for ${COUNT_MAX + 1} keepalive intervals`,
          channels: 1,
        },
      ]);
      lease.release();
    } finally {
      await pool.close();
      node.close();
    }
  });

  it('logs a node connection that ends under its channels, and not one it closes itself', async () => {
    const { pool, events } = poolWithAudit(accessKey);
    try {
      const node = await fx.store.getNode(SHOP_APACHE);
      if (!node?.access) throw new Error('node is not running');
      const lease = await pool.acquire(SHOP_APACHE, node.access, 'terminal');
      const channel = await execOn(lease.client, 'echo $PPID; exec sleep 60');
      let output = '';
      channel.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await until(() => output.includes('\n'), "the session's sshd process id");
      const closed = new Promise<void>((resolve) => lease.client.once('close', () => resolve()));
      // The sshd process serving the gateway's connection dies (an OOM kill, a node restart).
      process.kill(hostPidOf(fx.sandbox, SHOP_APACHE, Number(output.trim())), 'SIGKILL');
      await closed;
      lease.release();
      expect(events).toEqual([
        expect.objectContaining({ event: 'upstream', nodeId: SHOP_APACHE, result: 'dropped', channels: 1 }),
      ]);

      // A connection the pool ends (shutdown) leaves no such line.
      const second = await pool.acquire(SHOP_APACHE, node.access, 'terminal');
      await execOn(second.client, 'true');
      second.release();
      await pool.close();
      expect(events).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});
