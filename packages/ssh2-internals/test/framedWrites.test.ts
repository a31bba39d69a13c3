import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramedWrites } from '../src/framedWrites.ts';
import { SftpSession } from '../../../electron/core/sftp/SftpSession.ts';
import { connectNode, type NodeSftp } from '../../../test/core/sftp/nodeSftp.ts';

const KiB = 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/*
 * Writes from buffers with header room, many at once, to a real sshd whose 2 MiB channel window is
 * far smaller than what is asked: they must wait for window rather than interleave with each other or
 * with ssh2's own requests, and every byte must land where it was meant to.
 */
let node: NodeSftp;

beforeAll(async () => {
  node = await connectNode();
});
afterAll(async () => {
  await node?.stop();
});

/** Writes `data` with `depth` requests of `piece` bytes in flight, each from its own buffer. */
async function writeAll(
  session: SftpSession,
  path: string,
  data: Buffer,
  piece: number,
  depth: number,
  framed: (index: number) => boolean,
): Promise<void> {
  const handle = await session.open(path, 'w', 0o600);
  let next = 0;
  let index = 0;
  const slot = async () => {
    const own = framed(index++);
    const buffer = own ? session.writeBuffer(piece) : Buffer.allocUnsafe(piece);
    while (next < data.length) {
      const at = next;
      const length = Math.min(piece, data.length - at);
      next += length;
      data.copy(buffer, 0, at, at + length);
      await session.write(handle, path, buffer, length, at);
    }
  };
  await Promise.all(Array.from({ length: depth }, slot));
  await session.close(handle, path);
}

describe('writes from write buffers (FramedWrites)', () => {
  it('land intact with 64 requests of 255 KiB asked at once', async () => {
    const session = new SftpSession(node.sftp);
    const data = randomBytes(48 * 1024 * KiB + 777);
    const piece = Math.min(255 * KiB, session.requestLimits.write);
    const { stats } = FramedWrites.for(node.sftp);
    const before = { ...stats };
    await writeAll(session, 'framed-big.bin', data, piece, 64, () => true);
    expect(sha256(readFileSync(join(node.home, 'framed-big.bin')))).toBe(sha256(data));
    // All but the few that found neither window nor a write of their own to wait for went framed.
    const requests = Math.ceil(data.length / piece);
    expect(stats.framed - before.framed + stats.passedOn - before.passedOn).toBe(requests);
    expect(stats.framed - before.framed).toBeGreaterThan(requests * 0.9);
  });

  it('share the channel with ordinary writes and other requests without mixing them up', async () => {
    const session = new SftpSession(node.sftp);
    const data = randomBytes(24 * 1024 * KiB + 5);
    // Every other slot uses a plain buffer (ssh2's own path), and stats run beside the writes.
    const stats = (async () => {
      for (let i = 0; i < 200; i++) await session.stat('.');
    })();
    const counts = FramedWrites.for(node.sftp).stats;
    const framedBefore = counts.framed;
    await writeAll(session, 'framed-mixed.bin', data, 100 * KiB + 3, 32, (index) => index % 2 === 0);
    await stats;
    expect(counts.framed - framedBefore).toBeGreaterThan(0);
    expect(sha256(readFileSync(join(node.home, 'framed-mixed.bin')))).toBe(sha256(data));
  });

  it('fail, rather than hang, when the channel closes with writes waiting', async () => {
    const sftp = await node.openSftp();
    const session = new SftpSession(sftp);
    const handle = await session.open('framed-closed.bin', 'w', 0o600);
    const piece = Math.min(255 * KiB, session.requestLimits.write);
    const writes = Array.from({ length: 32 }, (_, i) => {
      const buffer = session.writeBuffer(piece);
      buffer.fill(i);
      return session.write(handle, 'framed-closed.bin', buffer, piece, i * piece);
    });
    sftp.end();
    const results = await Promise.allSettled(writes);
    expect(results.some((result) => result.status === 'rejected')).toBe(true);
  });
});
