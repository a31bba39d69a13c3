import type { Connection } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectChannelOpenWith } from '../src/channelOpenFailure.ts';
import { ssh2Pair, type Ssh2Pair } from './ssh2Pair.ts';

/*
 * A real ssh2 server refusing a port forward through `rejectChannelOpenWith`, and a real ssh2 client
 * reading the reason code and description from the CHANNEL_OPEN_FAILURE on the wire.
 */

let pair: Ssh2Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const forwardFailure = (client: Ssh2Pair['client']) =>
  new Promise<Error & { reason?: number }>((resolve, reject) =>
    client.forwardOut('127.0.0.1', 1, '127.0.0.1', 9, (error) =>
      error ? resolve(error) : reject(new Error('the forward was accepted')),
    ),
  );

describe('rejectChannelOpenWith', () => {
  it('sends the reason code and description chosen, where ssh2 alone says "connect failed"', async () => {
    let sent: boolean | undefined;
    pair = await ssh2Pair((connection: Connection) =>
      connection.on('tcpip', (_accept, reject) => {
        sent = rejectChannelOpenWith(connection, reject, 1, 'open failed');
      }),
    );
    const error = await forwardFailure(pair.client);
    expect(sent).toBe(true);
    expect(error.reason).toBe(1);
    expect(error.message).toBe('(SSH) Channel open failure: open failed');
    // ssh2's own reply is restored for the next refusal.
    const plain = new Promise<Error & { reason?: number }>((resolve) => {
      pair!.connection.removeAllListeners('tcpip');
      pair!.connection.on('tcpip', (_accept, reject) => reject());
      pair!.client.forwardOut('127.0.0.1', 1, '127.0.0.1', 9, (err) => resolve(err as Error));
    });
    expect((await plain).reason).toBe(2);
  });

  it('falls back to ssh2’s plain reject when the connection has no protocol object', () => {
    let rejected = 0;
    expect(rejectChannelOpenWith({} as Connection, () => rejected++, 1, 'no')).toBe(false);
    expect(rejected).toBe(1);
  });
});
