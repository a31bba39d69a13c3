import type { RpcChannel, RpcMessage } from './protocol.ts';

/**
 * The part of a WebSocket the RPC uses: the browser's own, and the `ws` package's in Node (whose
 * `addEventListener` hands text frames over as strings, like the browser's, and binary frames as a
 * Buffer, where the browser gives an ArrayBuffer once `binaryType` says so).
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: string;
  send(data: string | Uint8Array): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** WebSocket.OPEN in every implementation; the constant itself is not on the `WebSocketLike` type. */
const OPEN = 1;

/**
 * An {@link RpcChannel} over a WebSocket, one frame per message. A message without bytes is one JSON
 * text frame. A message with bytes (terminal output, a file's block) is one binary frame: a 4-byte
 * big-endian length, that many bytes of JSON in which each Uint8Array (a Node Buffer too) is
 * `{"$bytes":[start,end]}`, then the bytes themselves, which arrive as views into the frame, not
 * copies. Base64 inside JSON cost the browser host a tenth of its CPU on a 20 MB `cat` and a third
 * more bytes on the socket (profile of 2026-12-06). `undefined` in an array (an omitted optional
 * argument) travels as `{"$undefined":1}`, so the host sees `undefined` where JSON alone would give it
 * `null`. No message of the contract has an object whose only key is one of those tags.
 *
 * Sending on a socket that is no longer open drops the message: whoever owns the socket closes the
 * RpcHost or RpcClient on its `close` event, which settles everything still waiting.
 */
export function webSocketChannel(socket: WebSocketLike): RpcChannel {
  // The browser hands binary frames over as Blobs unless told otherwise; `ws` gives Buffers already.
  if (socket.binaryType === 'blob') socket.binaryType = 'arraybuffer';
  return {
    send(message) {
      if (socket.readyState !== OPEN) return;
      socket.send(encodeMessage(message));
    },
    onMessage(listener) {
      const handler = (event: { data: unknown }) => {
        let message: RpcMessage;
        try {
          message = decodeMessage(event.data);
        } catch {
          // A malformed frame is the peer's fault; throwing here would take down the receiving process.
          return;
        }
        listener(message);
      };
      socket.addEventListener('message', handler);
      return () => socket.removeEventListener('message', handler);
    },
  };
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const HEADER_LENGTH_BYTES = 4;

/** A text frame when the message holds no bytes, else a binary frame (see {@link webSocketChannel}). */
export function encodeMessage(message: RpcMessage): string | Uint8Array {
  const bytes: Bytes = { parts: [], length: 0 };
  const json = JSON.stringify(tagged(message, bytes));
  if (bytes.parts.length === 0) return json;
  const header = utf8Encoder.encode(json);
  const frame = new Uint8Array(HEADER_LENGTH_BYTES + header.length + bytes.length);
  new DataView(frame.buffer).setUint32(0, header.length);
  frame.set(header, HEADER_LENGTH_BYTES);
  let at = HEADER_LENGTH_BYTES + header.length;
  for (const part of bytes.parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
}

/**
 * A frame back into a message: a string is a text frame, an ArrayBuffer or a Uint8Array (a Buffer)
 * a binary one. Throws on anything malformed, which the channel drops.
 */
export function decodeMessage(data: unknown): RpcMessage {
  if (typeof data === 'string') {
    const parsed: unknown = JSON.parse(data);
    // Most messages carry no tags; walking them would only cost time.
    return (data.includes('"$undefined"') ? untagged(parsed, undefined) : parsed) as RpcMessage;
  }
  const frame =
    data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : undefined;
  if (!frame || frame.length < HEADER_LENGTH_BYTES) throw new Error('Not an RPC frame.');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.length).getUint32(0);
  const payloadStart = HEADER_LENGTH_BYTES + headerLength;
  if (payloadStart > frame.length) throw new Error('The frame is shorter than its header says.');
  const header: unknown = JSON.parse(utf8Decoder.decode(frame.subarray(HEADER_LENGTH_BYTES, payloadStart)));
  return untagged(header, frame.subarray(payloadStart)) as RpcMessage;
}

/** The byte arrays of a message being encoded, in the order they follow its header. */
interface Bytes {
  parts: Uint8Array[];
  length: number;
}

/**
 * A copy with `undefined` array items tagged and byte arrays moved to `bytes` (their place tagged
 * with their range there); parts without either are shared, not copied. A copied class instance
 * becomes a plain object, which is all JSON would keep of it anyway.
 */
function tagged(value: unknown, bytes: Bytes): unknown {
  if (value instanceof Uint8Array) {
    const start = bytes.length;
    bytes.parts.push(value);
    bytes.length += value.length;
    return { $bytes: [start, bytes.length] };
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const replaced = item === undefined ? { $undefined: 1 } : tagged(item, bytes);
      if (replaced !== item) (copy ??= [...value])[index] = replaced;
    });
    return copy ?? value;
  }
  if (writtenKeyByKey(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const replaced = tagged(item, bytes);
      if (replaced !== item) (copy ??= { ...value })[key] = replaced;
    }
    return copy ?? value;
  }
  return value;
}

/** The message as sent: tags replaced by `undefined`, and by views into `payload` for bytes. */
function untagged(value: unknown, payload: Uint8Array | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => untagged(item, payload));
  if (!writtenKeyByKey(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    if (value.$undefined === 1) return undefined;
    if (payload && Array.isArray(value.$bytes)) return bytesAt(payload, value.$bytes);
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = untagged(value[key], payload);
  return copy;
}

function bytesAt(payload: Uint8Array, range: unknown[]): Uint8Array {
  const [start, end] = range;
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(end) ||
    (start as number) < 0 ||
    (start as number) > (end as number) ||
    (end as number) > payload.length
  )
    throw new Error('A byte range outside the frame.');
  return payload.subarray(start as number, end as number);
}

/**
 * Objects JSON writes as their own enumerable keys (plain ones, class instances); a Date or anything
 * else with `toJSON` is left to JSON itself.
 */
function writtenKeyByKey(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}
