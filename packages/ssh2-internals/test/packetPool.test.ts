import { EventEmitter, once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PacketPool, poolPackets } from '../src/packetPool.ts';

describe('PacketPool', () => {
  it('hands out buffers of exactly the size asked', () => {
    const pool = new PacketPool();
    for (const size of [8192, 32_800, 32_817, 65_536]) expect(pool.take(size)).toHaveLength(size);
  });

  it('reuses a returned buffer for the next packet of its kind', () => {
    const pool = new PacketPool();
    const first = pool.take(32_800);
    pool.release(first);
    const second = pool.take(32_790);
    expect(second.buffer).toBe(first.buffer);
    expect(pool.stats).toMatchObject({ taken: 2, returned: 1, freeBytes: 0 });
  });

  it('never lends one buffer twice at once', () => {
    const pool = new PacketPool();
    const held = new Set(Array.from({ length: 50 }, () => pool.take(32_800).buffer));
    expect(held.size).toBe(50);
  });

  it('ignores buffers it did not lend and a second return of the same one', () => {
    const pool = new PacketPool();
    pool.release(Buffer.alloc(32_800));
    const lent = pool.take(32_800);
    pool.release(lent);
    pool.release(lent);
    expect(pool.stats).toMatchObject({ returned: 1, freeBytes: 33 * 1024 });
    const a = pool.take(32_800);
    const b = pool.take(32_800);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('keeps at most maxFreeBytes idle', () => {
    const pool = new PacketPool({ minSize: 8192, maxFreeBytes: 100 * 1024 });
    const lent = Array.from({ length: 10 }, () => pool.take(32 * 1024));
    for (const buffer of lent) pool.release(buffer);
    expect(pool.stats.freeBytes).toBe(96 * 1024);
    expect(pool.stats.returned).toBe(10);
  });

  it('pools only packets worth pooling', () => {
    const pool = new PacketPool({ minSize: 8192, maxFreeBytes: 4 * 1024 * 1024 });
    expect(pool.pools(100)).toBe(false);
    expect(pool.pools(8191)).toBe(false);
    expect(pool.pools(32_800)).toBe(true);
    expect(pool.pools(5 * 1024 * 1024)).toBe(false);
  });

  it('says it is unused when many buffers went out and none came back', () => {
    const pool = new PacketPool();
    for (let i = 0; i < 63; i++) pool.take(32_800);
    expect(pool.unused).toBe(false);
    pool.take(32_800);
    expect(pool.unused).toBe(true);
    const other = new PacketPool();
    for (let i = 0; i < 100; i++) other.release(other.take(32_800));
    expect(other.unused).toBe(false);
    // The gateway's pool serves many connections: one that returns nothing does not turn it off.
    const shared = new PacketPool({ shared: true });
    for (let i = 0; i < 100; i++) shared.take(32_800);
    expect(shared.unused).toBe(false);
  });
});

/** A connected pair of loopback sockets: `writer` set up by poolPackets, `reader` collecting bytes. */
async function socketPair(
  pool: PacketPool,
  holdUntilTurnEnds: () => boolean,
): Promise<{ writer: Socket; received: () => Buffer; close: () => void }> {
  const chunks: Buffer[] = [];
  let reader: Socket | undefined;
  const server = createServer((socket) => {
    reader = socket;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const writer = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1' });
  await Promise.all([once(writer, 'connect'), once(server, 'connection')]);
  // No handshake ever comes: only the socket side of poolPackets is under test here.
  poolPackets(new EventEmitter(), writer, pool, { holdUntilTurnEnds });
  return {
    writer,
    received: () => Buffer.concat(chunks),
    close: () => {
      writer.destroy();
      reader?.destroy();
      server.close();
    },
  };
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('poolPackets batches', () => {
  it('end with the callback that wrote them, unless the turn is to be held', async () => {
    const pool = new PacketPool();
    const pair = await socketPair(pool, () => false);
    try {
      pair.writer.write(Buffer.from('first'));
      expect(pair.writer.writableCorked).toBe(1);
      await nextTick();
      expect(pair.writer.writableCorked).toBe(0);
    } finally {
      pair.close();
    }
  });

  it('last to the end of the turn when held: several callbacks’ packets leave together, in order, and go back to the pool', async () => {
    const pool = new PacketPool({ minSize: 1024 });
    const pair = await socketPair(pool, () => true);
    try {
      const first = pool.take(4096).fill(1);
      const second = pool.take(4096).fill(2);
      const third = pool.take(2048).fill(3);
      pair.writer.write(first);
      await nextTick();
      // A later callback of the same turn joins the batch.
      expect(pair.writer.writableCorked).toBe(1);
      pair.writer.write(second);
      pair.writer.write(Buffer.from('small'));
      pair.writer.write(third);
      await nextTurn();
      expect(pair.writer.writableCorked).toBe(0);
      // In the order written (the pooled buffers may be reused once back, so not compared to them).
      const ordered = Buffer.concat([
        Buffer.alloc(4096, 1),
        Buffer.alloc(4096, 2),
        Buffer.from('small'),
        Buffer.alloc(2048, 3),
      ]);
      while (pair.received().length < ordered.length) await nextTurn();
      expect(pair.received().equals(ordered)).toBe(true);
      // Every pooled buffer came back once its write was done (the small one was never lent).
      expect(pool.stats).toMatchObject({ taken: 3, returned: 3 });
    } finally {
      pair.close();
    }
  });
});
