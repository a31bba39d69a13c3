import { randomFillSync } from 'node:crypto';
import type { Socket } from 'node:net';
import type ssh2 from 'ssh2';
import { PacketPool } from './PacketPool.ts';

/*
 * How an ssh2 1.17 client sends a packet: `_protocol._cipher.allocPacket(payloadLength)` returns a
 * buffer with the packet's length, padding length and random padding filled in; ssh2 copies the
 * payload in, the cipher encrypts it in place (the AES-GCM and ChaCha20-Poly1305 ciphers of its
 * native binding) and hands that same buffer to `socket.write`. This swaps `allocPacket` for one that
 * takes buffers from a PacketPool, and the socket gives each back once written. Like
 * channelWindow.ts it relies on ssh2 internals, checked before use: when they are not as expected,
 * or the cipher is one whose layout is not known here, nothing changes.
 */

interface CipherInternals {
  allocPacket(payloadLength: number): Buffer;
}
interface ClientInternals {
  _protocol?: { _cipher?: CipherInternals };
}

/** The packet layout of ssh2's AEAD ciphers (RFC 5647, OpenSSH's chacha20-poly1305): cleartext length, 16-byte tag. */
interface AeadLayout {
  blockLength: 8 | 16;
}
const TAG_LENGTH = 16;

function packetLength(layout: AeadLayout, payloadLength: number): { length: number; padding: number } {
  const { blockLength } = layout;
  // Padding covers the padding-length byte, the payload and itself (the length field is not encrypted).
  let padding = blockLength - ((1 + payloadLength) % blockLength);
  if (padding < 4) padding += blockLength;
  return { length: 4 + 1 + payloadLength + padding, padding };
}

/**
 * Which known layout `allocPacket` follows, learnt by asking it for a few packets: ssh2's own buffers
 * must have the lengths and header the layout predicts, for every payload length tried.
 */
function learnLayout(cipher: CipherInternals): AeadLayout | undefined {
  const samples = [0, 1, 7, 8, 15, 16, 100, 32_777, 32_778];
  const candidates: AeadLayout[] = [{ blockLength: 16 }, { blockLength: 8 }];
  return candidates.find((layout) =>
    samples.every((payloadLength) => {
      const actual = cipher.allocPacket(payloadLength);
      const expected = packetLength(layout, payloadLength);
      return (
        actual.length === expected.length + TAG_LENGTH &&
        actual.readUInt32BE(0) === expected.length - 4 &&
        actual[4] === expected.padding
      );
    }),
  );
}

const patched = new WeakSet<CipherInternals>();

function poolCipher(client: ssh2.Client, pool: PacketPool): void {
  const cipher = (client as unknown as ClientInternals)._protocol?._cipher;
  if (!cipher || typeof cipher.allocPacket !== 'function' || patched.has(cipher)) return;
  patched.add(cipher);
  const layout = learnLayout(cipher);
  if (!layout) return;
  const allocate = cipher.allocPacket.bind(cipher);
  cipher.allocPacket = (payloadLength: number): Buffer => {
    const { length, padding } = packetLength(layout, payloadLength);
    const size = length + TAG_LENGTH;
    if (!pool.pools(size) || pool.unused) return allocate(payloadLength);
    const packet = pool.take(size);
    packet.writeUInt32BE(length - 4, 0);
    packet[4] = padding;
    randomFillSync(packet, 5 + payloadLength, padding);
    return packet;
  };
}

/**
 * Sets up `socket`, the one `client` is about to use (ssh2's `sock` option), so the client's large
 * outgoing packets reuse pooled buffers — from its first handshake on and after every re-key, whose new
 * cipher starts out with ssh2's allocator — and so the packets written in one turn of the event loop
 * leave in one `writev` rather than one system call each.
 */
export function poolOutgoingPackets(client: ssh2.Client, socket: Socket): PacketPool {
  const pool = new PacketPool();
  client.on('handshake', () => poolCipher(client, pool));

  // Typed loosely: `write` has several overloads, and this only passes calls through.
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    // ssh2 calls `write(packet)` with nothing else; the callback added here brings a pooled buffer back.
    if (!(chunk instanceof Uint8Array) || rest.length > 0) return write(chunk, ...rest);
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(chunk, () => pool.release(chunk));
  }) as Socket['write'];
  return pool;
}
