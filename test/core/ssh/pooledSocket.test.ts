import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type CipherAlgorithm, type ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacketPool } from '@enscale-ssh/ssh2-internals';
import { poolOutgoingPackets } from '../../../electron/core/ssh/pooledSocket.ts';

const MiB = 1024 * 1024;

/*
 * A real ssh2 server in this process that hashes whatever a client sends on an exec channel and
 * answers with the hash: the client's pooled packets must arrive intact, whichever cipher is used and
 * across a re-key the server starts in the middle of a transfer.
 */
let dir: string;
let server: ssh2.Server;
const connections: ssh2.Connection[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pooled-socket-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
  server = new ssh2.Server({ hostKeys: [readFileSync(join(dir, 'host'))] }, (connection) => {
    connections.push(connection);
    connection.on('authentication', (context) => context.accept());
    connection.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const channel = acceptExec();
        const hash = createHash('sha256');
        let received = 0;
        channel.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          received += chunk.length;
        });
        channel.on('end', () => {
          channel.end(`${received} ${hash.digest('hex')}`);
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function connectPooled(cipher: CipherAlgorithm): Promise<{ client: ssh2.Client; pool: PacketPool }> {
  const client = new ssh2.Client();
  const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
  const pool = poolOutgoingPackets(client, socket);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      sock: socket,
      username: 'test',
      hostVerifier: () => true,
      algorithms: { cipher: [cipher] },
    });
  });
  return { client, pool };
}

/** Sends `data` in pieces of `piece` bytes and returns what the server counted and hashed. */
async function send(client: ssh2.Client, data: Buffer, piece: number, midway?: () => void): Promise<string> {
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec('hash', (error, stream) => (error ? reject(error) : resolve(stream))),
  );
  let answer = '';
  channel.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  for (let at = 0; at < data.length; at += piece) {
    if (midway && at >= data.length / 2 && at - piece < data.length / 2) midway();
    if (!channel.write(data.subarray(at, at + piece))) {
      await new Promise<void>((resolve) => channel.once('drain', () => resolve()));
    }
  }
  channel.end();
  await closed;
  return answer;
}

const expected = (data: Buffer) => `${data.length} ${createHash('sha256').update(data).digest('hex')}`;

describe('poolOutgoingPackets', () => {
  it.each(['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'chacha20-poly1305@openssh.com'] as const)(
    'sends every byte intact with %s and reuses the packets it sent',
    async (cipher) => {
      const { client, pool } = await connectPooled(cipher);
      const data = randomBytes(24 * MiB);
      expect(await send(client, data, 255 * 1024)).toBe(expected(data));
      // Also odd sizes, so the packets' lengths and padding vary.
      const odd = randomBytes(3 * MiB + 12_345);
      expect(await send(client, odd, 17_001)).toBe(expected(odd));
      const { taken, returned } = pool.stats;
      // 24 MiB in 32 KiB packets is 768 of them; every one but those still in the socket came back.
      expect(taken).toBeGreaterThan(768);
      expect(returned).toBeGreaterThan(taken - 64);
      client.end();
    },
  );

  it('leaves ciphers that do not encrypt in place alone (aes128-ctr with an HMAC)', async () => {
    const { client, pool } = await connectPooled('aes128-ctr');
    const data = randomBytes(8 * MiB);
    expect(await send(client, data, 64 * 1024)).toBe(expected(data));
    expect(pool.stats.taken).toBe(0);
    client.end();
  });

  it('keeps pooling after the server re-keys in the middle of a transfer', async () => {
    const { client, pool } = await connectPooled('aes128-gcm@openssh.com');
    let rekeyed: Promise<void> | undefined;
    const data = randomBytes(32 * MiB);
    let takenBefore = 0;
    const answer = await send(client, data, 128 * 1024, () => {
      takenBefore = pool.stats.taken;
      rekeyed = new Promise<void>((resolve) => connections.at(-1)?.rekey(() => resolve()));
    });
    await rekeyed;
    expect(rekeyed).toBeDefined();
    expect(answer).toBe(expected(data));
    // The new cipher takes its packets from the pool too.
    const more = randomBytes(8 * MiB);
    const before = pool.stats.taken;
    expect(await send(client, more, 128 * 1024)).toBe(expected(more));
    expect(takenBefore).toBeGreaterThan(0);
    expect(pool.stats.taken - before).toBeGreaterThan(200);
    client.end();
  });
});
