import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeAccess } from '../../src/store/types.ts';
import {
  DEMO_UID,
  GatewayFixture,
  SHOP_APACHE,
  SHOP_DB,
  collect,
  makeKey,
  registerKey,
  until,
  type UserKey,
} from './helpers.ts';

const MiB = 1024 * 1024;
const TRANSFER = 512 * MiB;
/** What the gateway may hold for one stalled channel: a few 2 MiB windows and buffers, plus noise. */
const RSS_BUDGET = 96 * MiB;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The highest RSS seen over a series of samples while a transfer is stalled. */
async function peakRss(samples = 20, everyMs = 100): Promise<number> {
  let peak = 0;
  for (let i = 0; i < samples; i++) {
    peak = Math.max(peak, process.memoryUsage().rss);
    await pause(everyMs);
  }
  return peak;
}

describe('gateway resilience', () => {
  let fx: GatewayFixture;
  let key: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  const access = async (nodeId: number): Promise<NodeAccess> => {
    const node = await fx.store.getNode(nodeId);
    if (!node?.access) throw new Error(`node ${nodeId} is not running`);
    return node.access;
  };

  it('reports a node whose sshd is down clearly, within 5 s', async () => {
    // The database node has not been used yet in this file, so no pooled connection hides the outage.
    const server = fx.sandbox.nodes.server(SHOP_DB);
    if (!server) throw new Error('database node is not running');
    const before = await access(SHOP_DB);
    await server.stop();
    try {
      const started = Date.now();
      const result = await fx.processes.run('ssh', [...fx.ssh(key, `${SHOP_DB}-${DEMO_UID}`), 'true']);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^Node ${SHOP_DB} is not reachable: its SSH service is not answering \\(ECONNREFUSED\\)\\. Try again in a minute`,
        ),
      );
    } finally {
      const restarted = await server.start();
      await fx.store.setNodeAccess(SHOP_DB, restarted);
    }
    expect(before.hostKey).toBe((await access(SHOP_DB)).hostKey);
    const back = await fx.processes.run('ssh', [...fx.ssh(key, `${SHOP_DB}-${DEMO_UID}`), 'echo back']);
    expect(back.stdout).toBe('back\n');
  });

  it('gives up on a node that accepts but never answers, within 5 s', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const real = await access(SHOP_DB);
    // Another node id's record pointed at the silent port: a fresh pool entry, no reuse.
    await fx.store.setNodeAccess(SHOP_DB, { ...real, port: (silent.address() as AddressInfo).port });
    try {
      const started = Date.now();
      const result = await fx.processes.run('ssh', [...fx.ssh(key, `${SHOP_DB}-${DEMO_UID}`), 'true']);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Node ${SHOP_DB} is not reachable: it did not answer in time.`);
    } finally {
      await fx.store.setNodeAccess(SHOP_DB, real);
      silent.close();
    }
  });

  it('refuses a node whose host key does not match the pinned one, and logs it', async () => {
    const real = await access(SHOP_APACHE);
    const impostor = makeKey(fx.tmp, 'impostor_host', 'ed25519').publicKey.split(' ').slice(0, 2).join(' ');
    await fx.store.setNodeAccess(SHOP_APACHE, { ...real, hostKey: impostor });
    try {
      const result = await fx.processes.run('ssh', [
        ...fx.ssh(key, `${SHOP_APACHE}-${DEMO_UID}`),
        'echo should-not-run',
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `Node ${SHOP_APACHE} presented a host key that does not match the one on record`,
      );
    } finally {
      await fx.store.setNodeAccess(SHOP_APACHE, real);
    }
    expect(
      fx
        .auditEvents()
        .filter((e) => e.event === 'upstream')
        .at(-1),
    ).toMatchObject({
      nodeId: SHOP_APACHE,
      result: 'host-key-mismatch',
    });
  });

  it('holds back a node that writes faster than the client reads, without growing memory', async () => {
    const baseline = process.memoryUsage().rss;
    const client = fx.processes.spawn('ssh', [
      ...fx.ssh(key, `${SHOP_APACHE}-${DEMO_UID}`),
      `head -c ${TRANSFER} /dev/zero`,
    ]);
    // Nothing reads the client's stdout yet: the pipe fills, ssh stops reading, the gateway must stop too.
    await pause(1_000);
    const peak = await peakRss();
    expect(peak - baseline).toBeLessThan(RSS_BUDGET);

    let received = 0;
    client.stdout?.on('data', (chunk: Buffer) => (received += chunk.length));
    const result = await collect(client, { stdout: false });
    expect(result.code).toBe(0);
    expect(received).toBe(TRANSFER);
  });

  it('holds back a client that writes faster than the node reads, without growing memory', async () => {
    const go = join(fx.nodeHome(SHOP_APACHE), 'go');
    const baseline = process.memoryUsage().rss;
    // The node reads nothing until the test creates `go`.
    const client = fx.processes.spawn('ssh', [
      ...fx.ssh(key, `${SHOP_APACHE}-${DEMO_UID}`),
      'while [ ! -e go ]; do sleep 0.1; done; rm go; wc -c',
    ]);
    let offered = 0;
    const chunk = Buffer.alloc(MiB);
    const source = Readable.from(
      (function* zeros() {
        for (let sent = 0; sent < TRANSFER; sent += MiB) {
          offered += MiB;
          yield chunk;
        }
      })(),
    );
    if (!client.stdin) throw new Error('no stdin');
    source.pipe(client.stdin);
    await until(() => offered > 8 * MiB, 'the client to start sending');
    await pause(1_000);
    const peak = await peakRss();
    expect(peak - baseline).toBeLessThan(RSS_BUDGET);
    expect(offered).toBeLessThan(TRANSFER);

    let output = '';
    client.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    const closed = new Promise((resolve) => client.once('close', resolve));
    writeFileSync(go, '');
    await closed;
    expect(output.trim()).toBe(String(TRANSFER));
  });

  it('disconnects clients cleanly on restart and comes back with the same host key', async () => {
    const before = fx.hostKeys.rsa.fingerprints;
    const client = fx.processes.spawn('ssh', ['-tt', ...fx.ssh(key, `${SHOP_APACHE}-${DEMO_UID}`)]);
    let output = '';
    client.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    client.stdin?.write('echo "READY-$((1+1))"\n');
    await until(() => output.includes('READY-2'), 'the shell');
    const result = collect(client, { stdin: 'keep', stdout: false });
    await fx.restartGateway();
    const ended = await result;
    expect(ended.code).toBe(255);
    expect(ended.stderr).toMatch(/closed by remote host|Received disconnect/);
    expect(ended.stderr).not.toMatch(/reset|Broken pipe/i);

    // Pinned known_hosts and StrictHostKeyChecking=yes: this only works with the same key.
    const again = await fx.processes.run('ssh', [...fx.ssh(key, `${SHOP_APACHE}-${DEMO_UID}`), 'echo again']);
    expect(again).toMatchObject({ stdout: 'again\n', code: 0 });
    expect(fx.hostKeys.rsa.fingerprints).toEqual(before);
    expect(
      fx.auditEvents().filter((e) => e.event === 'disconnect' && e.reason === 'gateway shutting down').length,
    ).toBeGreaterThanOrEqual(1);
  });
});
