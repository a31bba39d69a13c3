import type { Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishBareSessionClose } from '../src/bareSession.ts';
import { RawSession } from '../src/testing/rawChannels.ts';
import { ssh2Pair, type Ssh2Pair } from './ssh2Pair.ts';

/*
 * A real ssh2 server whose clients close session channels on which nothing was started. ssh2 1.17
 * alone never answers such a close; `finishBareSessionClose` answers for it. The server applies the
 * fix only while `answering` is set, so both behaviours are seen on the same connection.
 */

let pair: Ssh2Pair;
let answering = false;
/** Each session the server saw closed: whether anything was started on it, and the fix's answer. */
const closes: Array<{ started: boolean; answered?: boolean }> = [];

beforeAll(async () => {
  pair = await ssh2Pair((connection: Connection) =>
    connection.on('session', (accept) => {
      const session = accept();
      let started = false;
      session.on('close', () =>
        closes.push({
          started,
          ...(answering ? { answered: finishBareSessionClose(connection, session) } : {}),
        }),
      );
      session.on('exec', (acceptExec) => {
        started = true;
        acceptExec().end('done\n');
      });
    }),
  );
});
afterAll(() => pair?.close());

/** A round trip on a fresh session: every message sent before it has been handled by the server. */
async function roundTrip(): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    pair.client.exec('echo', (error, channel) => {
      if (error) return reject(error);
      channel.on('data', () => undefined).once('close', () => resolve());
    }),
  );
}

describe('finishBareSessionClose', () => {
  it('answers the close of a session on which nothing was started', async () => {
    answering = false;
    const ignored = await RawSession.open(pair.client);
    let ignoredClosed = false;
    void ignored.closed.then(() => (ignoredClosed = true));
    ignored.rawClose();
    // The server has read the close and answered what came after it, yet not the close (plain ssh2).
    await roundTrip();
    expect(ignoredClosed).toBe(false);

    answering = true;
    const bare = await RawSession.open(pair.client);
    bare.rawClose();
    await bare.closed;
    expect(closes.filter((close) => !close.started)).toEqual([
      { started: false },
      { started: false, answered: true },
    ]);
  });

  it('leaves a started session to ssh2, which closes it itself', async () => {
    answering = true;
    closes.length = 0;
    await roundTrip();
    // ssh2 reports the started session's close once the client's answer to its own close arrives.
    await expect.poll(() => closes).toEqual([{ started: true, answered: false }]);
  });
});
