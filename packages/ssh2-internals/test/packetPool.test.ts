import { describe, expect, it } from 'vitest';
import { PacketPool } from '../src/packetPool.ts';

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
