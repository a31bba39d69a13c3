import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RpcMessage } from '../../shared/src/rpc/protocol.ts';
import {
  decodeMessage,
  encodeMessage,
  fromBase64,
  toBase64,
  webSocketChannel,
  type WebSocketLike,
} from '../../shared/src/rpc/webSocketChannel.ts';

/** Two sockets wired to each other, delivering text frames the way a WebSocket does. */
function socketPair(): [WebSocketLike & { readyState: number }, WebSocketLike & { readyState: number }] {
  const make = () => {
    const listeners = new Set<(event: { data: unknown }) => void>();
    return {
      readyState: 1,
      peer: undefined as unknown as { deliver(data: unknown): void },
      deliver: (data: unknown) => listeners.forEach((listener) => listener({ data })),
      send(data: string) {
        this.peer.deliver(data);
      },
      addEventListener: (_type: 'message', listener: (event: { data: unknown }) => void) =>
        listeners.add(listener),
      removeEventListener: (_type: 'message', listener: (event: { data: unknown }) => void) =>
        listeners.delete(listener),
    };
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('the WebSocket channel', () => {
  it('encodes base64 as Node does, for every length', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      expect(toBase64(bytes)).toBe(bytes.toString('base64'));
      expect(Buffer.from(fromBase64(toBase64(bytes))).equals(bytes)).toBe(true);
    }
  });

  it('carries bytes (Buffers too) as Uint8Array and keeps undefined arguments', () => {
    const data = randomBytes(100 * 1024);
    const message: RpcMessage = {
      kind: 'request',
      id: 7,
      service: 'terminals',
      method: 'write',
      args: ['t1', undefined, { bytes: new Uint8Array([0, 255]), nested: [data], when: new Date(0) }],
    };
    const decoded = decodeMessage(encodeMessage(message));
    expect(decoded).toMatchObject({ kind: 'request', id: 7 });
    const args = (decoded as Extract<RpcMessage, { kind: 'request' }>).args;
    expect(args).toHaveLength(3);
    expect(args[1]).toBeUndefined();
    const third = args[2] as { bytes: unknown; nested: unknown[]; when: unknown };
    expect(third.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(third.bytes as Uint8Array)).toEqual(Buffer.from([0, 255]));
    expect(third.nested[0]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(third.nested[0] as Uint8Array).equals(data)).toBe(true);
    expect(third.when).toBe('1970-01-01T00:00:00.000Z');
    // The sender's message is left as it was.
    expect((message.args[2] as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array);
  });

  it('finds bytes inside class instances too', () => {
    class Chunk {
      constructor(readonly data = new Uint8Array([7, 8])) {}
    }
    const decoded = decodeMessage(
      encodeMessage({ kind: 'event', service: 'terminals', event: 'data', payload: new Chunk() }),
    ) as Extract<RpcMessage, { kind: 'event' }>;
    expect((decoded.payload as { data: unknown }).data).toEqual(new Uint8Array([7, 8]));
  });

  it('delivers messages both ways, ignores malformed frames, and drops sends once closed', () => {
    const [a, b] = socketPair();
    const left = webSocketChannel(a);
    const right = webSocketChannel(b);
    const received: RpcMessage[] = [];
    const stop = right.onMessage((message) => received.push(message));
    left.send({ kind: 'cancel', id: 1 });
    (b as unknown as { deliver(data: unknown): void }).deliver('{not json');
    (b as unknown as { deliver(data: unknown): void }).deliver(new Uint8Array([1]));
    a.readyState = 3;
    left.send({ kind: 'cancel', id: 2 });
    a.readyState = 1;
    stop();
    left.send({ kind: 'cancel', id: 3 });
    expect(received).toEqual([{ kind: 'cancel', id: 1 }]);
  });
});
