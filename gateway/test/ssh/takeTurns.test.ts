import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TurnTaking } from '../../src/ssh/takeTurns.ts';

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
    // No ration: each busy socket is resumed in every turn.
    const rotation = new TurnTaking(Number.POSITIVE_INFINITY);
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
          if (turns) rotation.add(socket);
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

describe('TurnTaking', () => {
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

/**
 * Three sockets with 8 MiB waiting each and a fourth that this process types into every 5 ms, all in
 * one rotation that serves one bulk read per turn: how many bulk reads a turn held at most, and how many
 * turns a keystroke waited between its write (here, in a timer) and its read.
 */
async function keystrokesBesideBulk(): Promise<{
  mostBulkReadsInOneTurn: number;
  keystrokeTurns: number[];
  bytes: number[];
  keystrokeBytes: number;
  /** Whether writes were to be held to the end of the turn while bulk reads waited, and after. */
  heldWhileBehind: boolean;
  heldAfterwards: boolean;
}> {
  const BULK = 3;
  const BULK_BYTES = 8 * MiB;
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
       let i = 0;
       const next = () => {
         if (i++ === ${BULK}) return;
         const socket = net.connect(${port}, '127.0.0.1', () => {
           for (let sent = 0; sent < ${BULK_BYTES}; sent += chunk.length) socket.write(chunk);
           socket.end();
           next();
         });
       };
       next();`,
    ],
    { stdio: 'ignore' },
  );
  const typist = connect(port, '127.0.0.1');
  typist.setNoDelay(true);
  try {
    while (accepted.length < BULK + 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    // Bulk reads are counted per turn of the rotation, not per turn of `tick`: a socket resumed by one
    // turn may read in the next poll phase and another, resumed by the following turn, emit what it
    // had buffered in that same check phase, before or after `tick` (the order of two immediates).
    let rotationTurn = 0;
    const rotation = new TurnTaking(1, () => rotationTurn++);
    const bulkReads = new Map<number, number>();
    let mostBulkReadsInOneTurn = 0;
    const bytes = accepted.map(() => 0);
    const typedAt: number[] = [];
    const started = new Set<Socket>();
    const keystrokeTurns: number[] = [];
    let keystrokeBytes = 0;
    let heldWhileBehind = false;
    const bulkDone = accepted.map(
      (socket, index) =>
        new Promise<void>((resolve) => {
          socket.on('data', (chunk: Buffer) => {
            bytes[index] = (bytes[index] ?? 0) + chunk.length;
            if (rotation.batching.holdUntilTurnEnds()) heldWhileBehind = true;
            const first = !started.has(socket);
            started.add(socket);
            // Each socket's first read is outside the rotation: all of them start reading at once.
            if (chunk[0] === 1 && !first) {
              const reads = (bulkReads.get(rotationTurn) ?? 0) + 1;
              bulkReads.set(rotationTurn, reads);
              mostBulkReadsInOneTurn = Math.max(mostBulkReadsInOneTurn, reads);
            } else {
              keystrokeBytes += chunk.length;
              // One keystroke per read as a rule; a read holding several answers for the oldest.
              for (let n = 0; n < chunk.length; n++) {
                const at = typedAt.shift();
                if (at !== undefined) keystrokeTurns.push(turn - at);
              }
            }
          });
          socket.once('end', () => resolve());
          rotation.add(socket);
          socket.resume();
        }),
    );
    const typing = setInterval(() => {
      typedAt.push(turn);
      typist.write(Buffer.from([2]));
    }, 5);
    // The typist's server side never ends while typing goes on: wait for the three bulk sockets.
    const ends = bulkDone.filter((_, index) => accepted[index]?.remotePort !== typist.localPort);
    await Promise.all(ends);
    clearInterval(typing);
    counting = false;
    // The last queued reads (of sockets that have ended) are let go within a few turns.
    while (rotation.waiting > 0) await new Promise((resolve) => setImmediate(resolve));
    const heldAfterwards = rotation.batching.holdUntilTurnEnds();
    return { mostBulkReadsInOneTurn, keystrokeTurns, bytes, keystrokeBytes, heldWhileBehind, heldAfterwards };
  } finally {
    typist.destroy();
    sender.kill();
    server.close();
  }
}

describe('TurnTaking with a ration of bulk reads', () => {
  it('serves at most the ration of bulk reads per turn, and small reads in the next turn', async () => {
    const run = await keystrokesBesideBulk();
    expect(run.bytes.filter((b) => b === 8 * MiB)).toHaveLength(3);
    expect(run.mostBulkReadsInOneTurn).toBeLessThanOrEqual(1);
    // Three bulk sockets and a ration of one: the gateway was behind, and writes were batched per turn.
    expect(run.heldWhileBehind).toBe(true);
    expect(run.heldAfterwards).toBe(false);
    // Typed every 5 ms while 24 MiB went through, so there were keystrokes to time.
    expect(run.keystrokeTurns.length).toBeGreaterThan(0);
    expect(run.keystrokeBytes).toBeGreaterThan(0);
    // Written in a timer, read in that turn's poll phase or the next one's — never behind the bulk
    // sockets' queue (three deep here), which would take up to three turns.
    expect(Math.max(...run.keystrokeTurns)).toBeLessThanOrEqual(1);
  });
});
