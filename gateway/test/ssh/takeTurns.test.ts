import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { takeTurns } from '../../src/ssh/takeTurns.ts';

const MiB = 1024 * 1024;
const BYTES = 16 * MiB;

/**
 * Two sockets with megabytes waiting on each, read with or without `takeTurns`: the most reads one
 * socket delivered within a single turn of the event loop, and the bytes each delivered. The data is
 * sent by another process so that both sockets are refilled while this one reads.
 *
 * Counting reads per turn, not runs of reads from one socket, keeps the test independent of the
 * machine's load: when the sending process is starved of CPU one socket may simply be empty for a
 * while, and the other is then rightly read several turns in a row (CI saw a run of 11 that way).
 */
async function readTwoSockets(turns: boolean): Promise<{ mostReadsInOneTurn: number; bytes: number[] }> {
  const accepted: Socket[] = [];
  const server = createServer({ pauseOnConnect: true }, (socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sender = spawn(
    process.execPath,
    [
      '-e',
      `const net = require('node:net');
       const chunk = Buffer.alloc(${MiB}, 1);
       for (let i = 0; i < 2; i++) {
         const socket = net.connect(${port}, '127.0.0.1', () => {
           for (let sent = 0; sent < ${BYTES}; sent += chunk.length) socket.write(chunk);
           socket.end();
         });
       }`,
    ],
    { stdio: 'ignore' },
  );
  try {
    while (accepted.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    // Let both sockets' buffers fill before anything is read.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A turn counter that moves on in every check phase, where takeTurns resumes its sockets.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const readsThisTurn = new Map<string, number>();
    let mostReadsInOneTurn = 0;
    const bytes = [0, 0];
    const ended = accepted.map(
      (socket, index) =>
        new Promise<void>((resolve) => {
          socket.on('data', (chunk: Buffer) => {
            const key = `${turn}:${index}`;
            const reads = (readsThisTurn.get(key) ?? 0) + 1;
            readsThisTurn.set(key, reads);
            mostReadsInOneTurn = Math.max(mostReadsInOneTurn, reads);
            bytes[index] = (bytes[index] ?? 0) + chunk.length;
          });
          socket.once('end', () => resolve());
          if (turns) takeTurns(socket);
          socket.resume();
        }),
    );
    await Promise.all(ended);
    counting = false;
    return { mostReadsInOneTurn, bytes };
  } finally {
    sender.kill();
    server.close();
  }
}

describe('takeTurns', () => {
  it('serves busy sockets one read per turn, and delivers every byte', async () => {
    const fair = await readTwoSockets(true);
    expect(fair.bytes).toEqual([BYTES, BYTES]);
    // One read per socket per turn; 2 allows for a resume queued before the counter in one check phase.
    expect(fair.mostReadsInOneTurn).toBeLessThanOrEqual(2);
  });

  it('without it, one socket is read many times in one turn (what the rotation is for)', async () => {
    const greedy = await readTwoSockets(false);
    expect(greedy.bytes).toEqual([BYTES, BYTES]);
    // libuv reads a ready socket up to 32 times per poll.
    expect(greedy.mostReadsInOneTurn).toBeGreaterThan(2);
  });
});
