import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RpcMessage } from '../../shared/src/rpc/protocol.ts';
import { afterEach } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  decodeMessage,
  encodeMessage,
  webSocketChannel,
  type WebSocketLike,
} from '../../shared/src/rpc/webSocketChannel.ts';

type TestSocket = WebSocketLike & { readyState: number; binaryType: string; frames: unknown[] };

/**
 * Two sockets wired to each other, delivering frames the way a browser's WebSocket does: text as a
 * string, binary as a fresh ArrayBuffer once `binaryType` is "arraybuffer" (a Blob, which the
 * channel cannot read, before).
 */
function socketPair(): [TestSocket, TestSocket] {
  const make = () => {
    const listeners = new Set<(event: { data: unknown }) => void>();
    return {
      readyState: 1,
      binaryType: 'blob',
      frames: [] as unknown[],
      peer: undefined as unknown as { binaryType: string; deliver(data: unknown): void },
      deliver: (data: unknown) => listeners.forEach((listener) => listener({ data })),
      send(data: string | Uint8Array) {
        this.frames.push(data);
        if (typeof data === 'string') this.peer.deliver(data);
        else if (this.peer.binaryType === 'arraybuffer') this.peer.deliver(data.slice().buffer);
        else this.peer.deliver({ blob: true });
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
  it('carries terminal output byte for byte in binary frames, invalid UTF-8 split across chunks included', () => {
    const [a, b] = socketPair();
    const left = webSocketChannel(a);
    const right = webSocketChannel(b);
    const received: RpcMessage[] = [];
    right.onMessage((message) => received.push(message));
    // "é" (c3 a9) and "€" (e2 82 ac) cut between chunks, a lone continuation byte, 0xff, an
    // unfinished sequence at the very end, and an empty chunk.
    const stream = Buffer.concat([
      Buffer.from('plain é € '),
      Buffer.from([0x80, 0xff, 0xc3, 0x28, 0xe2, 0x82]),
      randomBytes(100 * 1024),
      Buffer.from([0xf0, 0x9f]),
    ]);
    const cuts = [0, 7, 11, 13, 13, 19, 5000, stream.length - 1, stream.length];
    const chunks = cuts.slice(1).map((end, index) => stream.subarray(cuts[index], end));
    for (const data of chunks)
      left.send({ kind: 'event', service: 'terminals', event: 'data', payload: { id: 't1', data } });
    expect(a.frames.every((frame) => frame instanceof Uint8Array)).toBe(true);
    const arrived = received.map((message) => {
      const payload = (message as Extract<RpcMessage, { kind: 'event' }>).payload as {
        id: string;
        data: unknown;
      };
      expect(payload.id).toBe('t1');
      expect(payload.data).toBeInstanceOf(Uint8Array);
      return payload.data as Uint8Array;
    });
    expect(arrived.map((data) => data.length)).toEqual(chunks.map((data) => data.length));
    expect(Buffer.concat(arrived).equals(stream)).toBe(true);
  });

  it('sends messages without bytes as JSON text frames, unchanged', () => {
    const [a, b] = socketPair();
    const left = webSocketChannel(a);
    const received: RpcMessage[] = [];
    webSocketChannel(b).onMessage((message) => received.push(message));
    const messages: RpcMessage[] = [
      { kind: 'request', id: 1, service: 'terminals', method: 'write', args: ['t1', 'ls -l\r'] },
      { kind: 'response', id: 1, ok: true, value: { nested: [1, 'two', null, { bytes: 'not bytes' }] } },
      { kind: 'event', service: 'terminals', event: 'exit', payload: { id: 't1', code: 0, signal: null } },
      { kind: 'cancel', id: 2 },
    ];
    for (const message of messages) left.send(message);
    expect(a.frames.map((frame) => typeof frame)).toEqual(['string', 'string', 'string', 'string']);
    expect(received).toEqual(messages);
  });

  it('drops binary frames that do not hold what their header says', () => {
    const frame = encodeMessage({
      kind: 'event',
      service: 'terminals',
      event: 'data',
      payload: { id: 't1', data: new Uint8Array([1, 2, 3]) },
    }) as Uint8Array;
    expect(frame).toBeInstanceOf(Uint8Array);
    const longer = frame.slice();
    new DataView(longer.buffer).setUint32(0, frame.length);
    const header = (text: string) => {
      const json = Buffer.from(text);
      const out = Buffer.alloc(4 + json.length + 3);
      out.writeUInt32BE(json.length);
      json.copy(out, 4);
      return out;
    };
    for (const bad of [
      longer,
      frame.subarray(0, 2),
      header('{"kind":"event","payload":{"data":{"$bytes":[0,4]}}}'),
      header('{"kind":"event","payload":{"data":{"$bytes":[2,1]}}}'),
      header('{"kind":"event","payload":{"data":{"$bytes":[-1,2]}}}'),
      header('{not json'),
    ])
      expect(() => decodeMessage(bad)).toThrow();
    expect(decodeMessage(frame.slice().buffer)).toEqual(decodeMessage(frame));
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
    expect(encodeMessage(message)).toBeInstanceOf(Uint8Array);
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
    (b as unknown as { deliver(data: unknown): void }).deliver({ blob: true });
    a.readyState = 3;
    left.send({ kind: 'cancel', id: 2 });
    a.readyState = 1;
    stop();
    left.send({ kind: 'cancel', id: 3 });
    expect(received).toEqual([{ kind: 'cancel', id: 1 }]);
  });
});

describe('the WebSocket channel over real sockets (ws)', () => {
  let server: WebSocketServer | undefined;
  afterEach(() => server?.close());

  it('carries bytes both ways between a ws server and client, and text as before', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server?.once('listening', resolve));
    const address = server.address() as { port: number };
    const accepted = new Promise<WebSocket>((resolve) => server?.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const near = webSocketChannel(client);
    const far = webSocketChannel(await accepted);
    const data = randomBytes(300 * 1024);
    const echoed = new Promise<RpcMessage>((resolve) => near.onMessage(resolve));
    far.onMessage((message) => far.send(message));
    near.send({ kind: 'request', id: 3, service: 'exec', method: 'write', args: ['x', data, undefined] });
    const back = (await echoed) as Extract<RpcMessage, { kind: 'request' }>;
    expect(back.args[1]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.args[1] as Uint8Array).equals(data)).toBe(true);
    expect(back.args).toHaveLength(3);
    expect(back.args[2]).toBeUndefined();
    client.close();
  });
});
