import { createHash, randomBytes } from 'node:crypto';
import type { ClientChannel, Connection } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { allocatePacketsFrom, type PacketSource } from '../src/packetAllocator.ts';
import { ssh2Pair, type Ssh2Pair } from './ssh2Pair.ts';

/*
 * The swap of ssh2's `_protocol._cipher.allocPacket`, on a live connection to a real ssh2 server
 * that hashes what arrives: the packets built in buffers from the source must decrypt intact.
 */

const hashingServer = (connection: Connection) =>
  connection.on('session', (accept) => {
    accept().on('exec', (acceptExec) => {
      const channel = acceptExec();
      const hash = createHash('sha256');
      channel.on('data', (chunk: Buffer) => hash.update(chunk));
      channel.on('end', () => channel.end(hash.digest('hex')));
    });
  });

/** A source that hands out fresh buffers of 1 KiB and more, and counts them. */
function countingSource(): PacketSource & { taken: number } {
  return {
    taken: 0,
    unused: false,
    pools: (size) => size >= 1024,
    take(size) {
      this.taken++;
      return Buffer.alloc(size);
    },
  };
}

async function sendHashed(client: Ssh2Pair['client'], data: Buffer): Promise<string> {
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec('hash', (error, stream) => (error ? reject(error) : resolve(stream))),
  );
  let answer = '';
  channel.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  channel.end(data);
  await closed;
  return answer;
}

let pair: Ssh2Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('allocatePacketsFrom', () => {
  it.each(['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com'] as const)(
    'builds %s packets in the source’s buffers, which arrive intact',
    async (cipher) => {
      pair = await ssh2Pair(hashingServer, { algorithms: { cipher: [cipher] } });
      const source = countingSource();
      expect(allocatePacketsFrom(pair.client, source)).toBe(true);
      // Asked again for the same cipher, it does nothing more.
      expect(allocatePacketsFrom(pair.client, source)).toBe(true);
      const data = randomBytes(4 * 1024 * 1024 + 333);
      expect(await sendHashed(pair.client, data)).toBe(createHash('sha256').update(data).digest('hex'));
      // 4 MiB in packets of at most 32 KiB: at least 128 of them came from the source.
      expect(source.taken).toBeGreaterThanOrEqual(128);
    },
  );

  it('pads every packet, large and small, with random bytes used once (drawn in batches)', async () => {
    pair = await ssh2Pair(hashingServer, { algorithms: { cipher: ['aes128-gcm@openssh.com'] } });
    const source = countingSource();
    expect(allocatePacketsFrom(pair.client, source)).toBe(true);
    const cipher = (pair.client as unknown as { _protocol: { _cipher: { allocPacket(n: number): Buffer } } })
      ._protocol._cipher;
    // 3,000 packets take several 4 KiB batches; payloads from a keystroke's to 32 KiB, 1 KiB pooled.
    const paddings = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const payloadLength = i % 3 === 0 ? 32_768 + (i % 16) : i % 500;
      const packet = cipher.allocPacket(payloadLength);
      const padding = packet[4] ?? 0;
      // The length and padding fields as ssh2 writes them: a whole number of 16-byte blocks.
      expect(packet.readUInt32BE(0)).toBe(1 + payloadLength + padding);
      expect(padding).toBeGreaterThanOrEqual(4);
      expect((1 + payloadLength + padding) % 16).toBe(0);
      expect(packet).toHaveLength(4 + 1 + payloadLength + padding + 16);
      paddings.add(packet.subarray(5 + payloadLength, 5 + payloadLength + padding).toString('hex'));
    }
    // At least 4 random bytes each: a byte reused for a second packet would repeat some padding.
    expect(paddings.size).toBe(3000);
    expect(source.taken).toBe(1000);
    // The connection still carries data intact with those packets' neighbours.
    const data = randomBytes(256 * 1024 + 5);
    expect(await sendHashed(pair.client, data)).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('leaves a cipher whose layout it does not know with ssh2’s own allocator (aes128-ctr)', async () => {
    pair = await ssh2Pair(hashingServer, { algorithms: { cipher: ['aes128-ctr'] } });
    const source = countingSource();
    expect(allocatePacketsFrom(pair.client, source)).toBe(false);
    const data = randomBytes(1024 * 1024);
    expect(await sendHashed(pair.client, data)).toBe(createHash('sha256').update(data).digest('hex'));
    expect(source.taken).toBe(0);
  });

  it('changes nothing on a client that has no protocol object (not connected)', async () => {
    const { Client } = (await import('ssh2')).default;
    expect(allocatePacketsFrom(new Client(), countingSource())).toBe(false);
  });
});
