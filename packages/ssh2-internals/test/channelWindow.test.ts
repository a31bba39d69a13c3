import type { ClientChannel, ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enlargeReceiveWindow } from '../src/channelWindow.ts';
import { ssh2Pair, type Ssh2Pair } from './ssh2Pair.ts';

const MiB = 1024 * 1024;
/** ssh2 1.17's fixed window, which the enlarged one must exceed. */
const SSH2_WINDOW = 2 * MiB;

/** The window counters ssh2 keeps on a channel (not in its typings). */
const windows = (channel: ClientChannel | ServerChannel) =>
  channel as unknown as { incoming: { window: number }; outgoing: { window: number } };

/*
 * A real ssh2 client and server in this process: the server's channel counts what the client's
 * WINDOW_ADJUST messages allow it to send, so the enlarged window is checked from the sender's side.
 */
let pair: Ssh2Pair;
/** Server channels in the order their exec requests arrive. */
const serverChannels: ServerChannel[] = [];
const channelArrived: ((channel: ServerChannel) => void)[] = [];

beforeAll(async () => {
  pair = await ssh2Pair((connection) =>
    connection.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const channel = acceptExec();
        const waiter = channelArrived.shift();
        if (waiter) waiter(channel);
        else serverChannels.push(channel);
      });
    }),
  );
});

afterAll(() => pair?.close());

/** A client exec channel and the server's end of it. */
async function openPair(): Promise<{ ours: ClientChannel; theirs: ServerChannel }> {
  const theirs = new Promise<ServerChannel>((resolve) => {
    const ready = serverChannels.shift();
    if (ready) resolve(ready);
    else channelArrived.push(resolve);
  });
  const ours = await new Promise<ClientChannel>((resolve, reject) =>
    pair.client.exec('stream', (error, channel) => (error ? reject(error) : resolve(channel))),
  );
  return { ours, theirs: await theirs };
}

/** Resolves with the first bytes the server's channel reads. */
const firstData = (channel: ServerChannel) =>
  new Promise<Buffer>((resolve) => channel.once('data', (chunk: Buffer) => resolve(chunk)));

describe('enlargeReceiveWindow', () => {
  it('lets the peer send the enlarged window at once, and no more than it while nothing is read', async () => {
    const { ours, theirs } = await openPair();
    expect(enlargeReceiveWindow(ours, 16 * MiB)).toBe(true);
    // Messages on one channel arrive in order: once "go" is read, the adjustment before it counts.
    const go = firstData(theirs);
    ours.write('go');
    await go;
    expect(windows(theirs).outgoing.window).toBe(16 * MiB);
    expect(windows(ours).incoming.window).toBe(16 * MiB);

    // 12 MiB with nobody reading, then the exit status, which ssh2 sends at once: without the
    // larger window only 2 MiB would have arrived before it.
    ours.pause();
    const exited = new Promise<void>((resolve) => ours.once('exit', () => resolve()));
    theirs.write(Buffer.alloc(12 * MiB, 1));
    theirs.exit(0);
    await exited;
    expect(ours.readableLength).toBe(12 * MiB);
    // Unread bytes are not granted again: what is buffered plus what may still come is the window.
    expect(windows(ours).incoming.window + ours.readableLength).toBe(16 * MiB);
    expect(windows(theirs).outgoing.window).toBe(4 * MiB);
    ours.close();
  });

  it('keeps the window open while data is read, in steps rather than per packet', async () => {
    const { ours, theirs } = await openPair();
    enlargeReceiveWindow(ours, 8 * MiB);
    const go = firstData(theirs);
    ours.write('go');
    await go;

    let received = 0;
    let lowest = Infinity;
    ours.on('data', (chunk: Buffer) => {
      received += chunk.length;
      lowest = Math.min(lowest, windows(ours).incoming.window);
    });
    const exited = new Promise<void>((resolve) => ours.once('exit', () => resolve()));
    // Three times the window: the sender needs the top-ups to get it all through.
    const sent = new Promise<void>((resolve) => theirs.write(Buffer.alloc(24 * MiB, 2), () => resolve()));
    await sent;
    theirs.exit(0);
    await exited;
    expect(received).toBe(24 * MiB);
    // ssh2 alone lets the window fall to 1 MiB before topping it up to 2 MiB.
    expect(lowest).toBeGreaterThan(SSH2_WINDOW);
    expect(windows(ours).incoming.window).toBeGreaterThan(7 * MiB);
    ours.close();
  });

  it('changes nothing for sizes up to the default window, or for objects that are not ssh2 channels', async () => {
    const { ours } = await openPair();
    expect(enlargeReceiveWindow(ours, SSH2_WINDOW)).toBe(false);
    expect(windows(ours).incoming.window).toBe(SSH2_WINDOW);
    expect(enlargeReceiveWindow({ push: () => true }, 16 * MiB)).toBe(false);
    ours.close();
  });
});
