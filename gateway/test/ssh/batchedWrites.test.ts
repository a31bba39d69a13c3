import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { batchWrites } from '../../src/ssh/batchedWrites.ts';

/** A connected pair on loopback: `writer` is the client side, `received` collects the server side. */
async function pair(): Promise<{
  writer: Socket;
  received: () => Buffer;
  ended: Promise<void>;
  close(): void;
}> {
  const chunks: Buffer[] = [];
  let ended!: () => void;
  const endedPromise = new Promise<void>((resolve) => (ended = resolve));
  const server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => ended());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const writer = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => writer.once('connect', () => resolve()));
  return {
    writer,
    received: () => Buffer.concat(chunks),
    ended: endedPromise,
    close: () => {
      writer.destroy();
      server.close();
    },
  };
}

/** Counts the socket's calls into its stream handle: one per `write`, or one `writev` for a batch. */
function countHandleWrites(socket: Socket): { single: number; vector: number } {
  const counts = { single: 0, vector: 0 };
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  const single = internals._write.bind(socket);
  const vector = internals._writev.bind(socket);
  internals._write = (...args) => {
    counts.single++;
    single(...args);
  };
  internals._writev = (...args) => {
    counts.vector++;
    vector(...args);
  };
  return counts;
}

describe('batchWrites', () => {
  it('hands the writes of one turn to the socket in one writev, in order and whole', async () => {
    const link = await pair();
    try {
      batchWrites(link.writer);
      const counts = countHandleWrites(link.writer);
      const packets = Array.from({ length: 40 }, (_, i) => Buffer.alloc(1000 + i, i));
      for (const packet of packets) link.writer.write(packet);
      expect(counts).toEqual({ single: 0, vector: 0 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(counts).toEqual({ single: 0, vector: 1 });

      // A lone write in a later turn still leaves, and end() sends everything before the FIN.
      link.writer.write('tail');
      link.writer.end();
      await link.ended;
      expect(link.received()).toEqual(Buffer.concat([...packets, Buffer.from('tail')]));
    } finally {
      link.close();
    }
  });

  it('without it, every write is its own call (what the batching is for)', async () => {
    const link = await pair();
    try {
      const counts = countHandleWrites(link.writer);
      for (let i = 0; i < 40; i++) link.writer.write(Buffer.alloc(1000, i));
      await new Promise((resolve) => setImmediate(resolve));
      expect(counts.single + counts.vector).toBeGreaterThan(1);
    } finally {
      link.close();
    }
  });
});
