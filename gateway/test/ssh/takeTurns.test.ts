import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { takeTurns } from '../../src/ssh/takeTurns.ts';

const MiB = 1024 * 1024;
const BYTES = 16 * MiB;

/**
 * Two sockets with megabytes waiting on each, read with or without `takeTurns`: which socket each
 * read came from, in order, and the bytes each delivered. The data is sent by another process so that
 * both sockets are refilled while this one reads.
 */
async function readTwoSockets(turns: boolean): Promise<{ order: number[]; bytes: number[] }> {
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
    const order: number[] = [];
    const bytes = [0, 0];
    const ended = accepted.map(
      (socket, index) =>
        new Promise<void>((resolve) => {
          socket.on('data', (chunk: Buffer) => {
            order.push(index);
            bytes[index] = (bytes[index] ?? 0) + chunk.length;
          });
          socket.once('end', () => resolve());
          if (turns) takeTurns(socket);
          socket.resume();
        }),
    );
    await Promise.all(ended);
    return { order, bytes };
  } finally {
    sender.kill();
    server.close();
  }
}

/** The longest run of reads from one socket while the other still had data to deliver. */
function longestRun(order: number[]): number {
  // After the first socket's last read the other one has the loop to itself.
  const bothBusyUntil = Math.min(order.lastIndexOf(0), order.lastIndexOf(1));
  let longest = 0;
  let running = 0;
  for (let at = 0; at <= bothBusyUntil; at++) {
    running = at > 0 && order[at] === order[at - 1] ? running + 1 : 1;
    longest = Math.max(longest, running);
  }
  return longest;
}

describe('takeTurns', () => {
  it('serves busy sockets a read at a time in rotation, and delivers every byte', async () => {
    const fair = await readTwoSockets(true);
    expect(fair.bytes).toEqual([BYTES, BYTES]);
    expect(longestRun(fair.order)).toBeLessThanOrEqual(3);
  });

  it('without it, one socket is read many times in a row (what the rotation is for)', async () => {
    const greedy = await readTwoSockets(false);
    expect(greedy.bytes).toEqual([BYTES, BYTES]);
    expect(longestRun(greedy.order)).toBeGreaterThan(3);
  });
});
