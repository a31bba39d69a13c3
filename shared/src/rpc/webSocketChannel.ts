import type { RpcChannel, RpcMessage } from './protocol.ts';

/**
 * The part of a WebSocket the RPC uses: the browser's own, and the `ws` package's in Node (whose
 * `addEventListener` hands text frames over as strings, like the browser's).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** WebSocket.OPEN in every implementation; the constant itself is not on the `WebSocketLike` type. */
const OPEN = 1;

/**
 * An {@link RpcChannel} over a WebSocket: one JSON text frame per message. JSON has no bytes, so
 * every Uint8Array (a Node Buffer too, which is one) travels as `{"$bytes":"<base64>"}` and arrives
 * as a Uint8Array; `undefined` in an array (an omitted optional argument) travels as
 * `{"$undefined":1}`, so the host sees `undefined` where JSON alone would give it `null`. No message
 * of the contract has an object whose only key is one of those tags.
 *
 * Sending on a socket that is no longer open drops the message: whoever owns the socket closes the
 * RpcHost or RpcClient on its `close` event, which settles everything still waiting.
 */
export function webSocketChannel(socket: WebSocketLike): RpcChannel {
  return {
    send(message) {
      if (socket.readyState !== OPEN) return;
      socket.send(encodeMessage(message));
    },
    onMessage(listener) {
      const handler = (event: { data: unknown }) => {
        // Binary frames are not part of this protocol; a peer that sends one is ignored.
        if (typeof event.data !== 'string') return;
        let message: RpcMessage;
        try {
          message = decodeMessage(event.data);
        } catch {
          // Malformed JSON is the peer's fault; throwing here would take down the receiving process.
          return;
        }
        listener(message);
      };
      socket.addEventListener('message', handler);
      return () => socket.removeEventListener('message', handler);
    },
  };
}

export function encodeMessage(message: RpcMessage): string {
  return JSON.stringify(tagged(message));
}

export function decodeMessage(text: string): RpcMessage {
  const parsed: unknown = JSON.parse(text);
  // Most messages carry no tags; walking them would only cost time.
  const hasTags = text.includes('"$bytes"') || text.includes('"$undefined"');
  return (hasTags ? untagged(parsed) : parsed) as RpcMessage;
}

/**
 * A copy with bytes and `undefined` array items tagged; parts without either are shared, not copied.
 * A copied class instance becomes a plain object, which is all JSON would keep of it anyway.
 */
function tagged(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const replaced = item === undefined ? { $undefined: 1 } : tagged(item);
      if (replaced !== item) (copy ??= [...value])[index] = replaced;
    });
    return copy ?? value;
  }
  if (writtenKeyByKey(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const replaced = tagged(item);
      if (replaced !== item) (copy ??= { ...value })[key] = replaced;
    }
    return copy ?? value;
  }
  return value;
}

function untagged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untagged);
  if (!writtenKeyByKey(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    if (typeof value.$bytes === 'string') return fromBase64(value.$bytes);
    if (value.$undefined === 1) return undefined;
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = untagged(value[key]);
  return copy;
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

// Base64 for bytes. Encoding by table beats `btoa`, which needs a "binary string" built first (about
// 340 against 140 MB/s in Node 20); decoding is faster through the native `atob` (about 590 against
// 230 MB/s by table). Both run in Node 20 and in browsers.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = '='.charCodeAt(0);
const ascii = new TextDecoder('latin1');
const code = (sextet: number) => ALPHABET.charCodeAt(sextet);

export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = code(n >>> 18);
    out[o++] = code((n >>> 12) & 63);
    out[o++] = code((n >>> 6) & 63);
    out[o++] = code(n & 63);
  }
  const left = bytes.length - whole;
  if (left > 0) {
    const n = ((bytes[whole] ?? 0) << 16) | ((bytes[whole + 1] ?? 0) << 8);
    out.set([code(n >>> 18), code((n >>> 12) & 63), left === 2 ? code((n >>> 6) & 63) : PAD, PAD], o);
  }
  // Every byte is ASCII, which latin1 maps to the same character.
  return ascii.decode(out);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
