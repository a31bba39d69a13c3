import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketPool, poolPackets } from '@enscale-ssh/ssh2-internals';

/*
 * Both ends of the gateway's packets on live ssh2 connections: a server whose sockets write from the
 * pool (as the gateway's client side does) and a client connected through a socket set up the same way
 * (as its node side does). A buffer reused while its packet was still on its way would corrupt the data,
 * which the SHA-256 of every transfer would show.
 */

const MiB = 1024 * 1024;
const payload = randomBytes(24 * MiB + 123);
const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** One server and one client whose sockets write from pools, batched as `batching` says. */
async function pooledPair(batching: { holdUntilTurnEnds: () => boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'pooled-packets-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
  const serverBuffers = new PacketPool({ shared: true });
  const clientBuffers = new PacketPool({ shared: true });
  const accepted = new Map<number, Socket>();
  const server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (connection, info) => {
    // As GatewayServer does: the accepted socket writes from the pool before the key exchange ends.
    const socket = accepted.get(info.port);
    if (socket) poolPackets(connection, socket, serverBuffers, batching);
    connection.on('error', () => undefined);
    connection.on('authentication', (context) => context.accept());
    connection.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, request) => {
        const channel = acceptExec();
        if (request.command === 'download') {
          channel.end(payload);
          return;
        }
        const hash = createHash('sha256');
        channel.on('data', (chunk: Buffer) => hash.update(chunk));
        channel.on('end', () => channel.end(hash.digest('hex')));
      });
    });
  });
  const tcp: NetServer = createServer({ noDelay: true }, (socket) => {
    accepted.set(socket.remotePort ?? 0, socket);
    server.injectSocket(socket);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as AddressInfo).port;
  // As UpstreamPool does: the client's socket set up before `connect`.
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const client = new ssh2.Client();
  poolPackets(client, socket, clientBuffers, batching);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({ sock: socket, username: 'test', hostVerifier: () => true });
  });
  const close = async () => {
    client.end();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  return { client, serverBuffers, clientBuffers, close };
}

const exec = (client: ssh2.Client, command: string) =>
  new Promise<ClientChannel>((resolve, reject) =>
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))),
  );

// Batches end with each callback (a lone transfer), or are held to the end of the event loop's turn
// (the gateway when it is behind), where later callbacks' packets join them.
describe.each([false, true])('pooled packet buffers, batches held to the end of the turn: %s', (held) => {
  let pair: Awaited<ReturnType<typeof pooledPair>>;
  beforeAll(async () => {
    pair = await pooledPair({ holdUntilTurnEnds: () => held });
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('uploads intact from pooled buffers, reusing them', async () => {
    const channel = await exec(pair.client, 'hash');
    let answer = '';
    channel.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
    channel.end(payload);
    await closed;
    expect(answer).toBe(digest(payload));
    const { taken, allocated } = pair.clientBuffers.stats;
    // 24 MiB in packets of up to 32 KiB: hundreds of packets, from a handful of buffers.
    expect(taken).toBeGreaterThan(500);
    expect(allocated).toBeLessThan(taken / 10);
  });

  it('downloads intact from pooled buffers, reusing them', async () => {
    const channel = await exec(pair.client, 'download');
    const hash = createHash('sha256');
    let bytes = 0;
    channel.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await new Promise<void>((resolve) => channel.once('close', () => resolve()));
    expect(bytes).toBe(payload.length);
    expect(hash.digest('hex')).toBe(digest(payload));
    const { taken, allocated } = pair.serverBuffers.stats;
    expect(taken).toBeGreaterThan(500);
    expect(allocated).toBeLessThan(taken / 10);
  });
});

describe('PacketPool in the gateway', () => {
  it('keeps small packets out of the pool', () => {
    const buffers = new PacketPool({ shared: true });
    expect(buffers.pools(100)).toBe(false);
    expect(buffers.pools(32 * 1024 + 64)).toBe(true);
    const taken = buffers.take(32 * 1024 + 48);
    buffers.release(taken);
    buffers.release(taken);
    expect(buffers.stats.freeBytes).toBe(33 * 1024);
    // A buffer the pool did not hand out is not taken in.
    buffers.release(Buffer.alloc(32 * 1024));
    expect(buffers.stats.freeBytes).toBe(33 * 1024);
    expect(buffers.take(32 * 1024 + 40).buffer).toBe(taken.buffer);
  });
});
