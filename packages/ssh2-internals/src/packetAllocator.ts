import { randomFillSync } from 'node:crypto';
import type ssh2 from 'ssh2';

/*
 * How an ssh2 1.17 client sends a packet: `_protocol._cipher.allocPacket(payloadLength)` returns a
 * buffer with the packet's length, padding length and random padding filled in; ssh2 copies the
 * payload in, the cipher encrypts it in place (the AES-GCM and ChaCha20-Poly1305 ciphers of its
 * native binding) and hands that same buffer to `socket.write`. `allocatePacketsFrom` swaps
 * `allocPacket` for one that takes buffers from a pool of the caller's. ssh2's own allocator is the
 * public path: it stays whenever the cipher is missing, not a function, or one whose layout is not
 * known here.
 */

/** Where packets come from instead: a PacketPool (packetPool.ts). */
export interface PacketSource {
  /** Whether buffers of `size` bytes are pooled at all. */
  pools(size: number): boolean;
  /** True once the pool has been given up (the connection is closing): ssh2 allocates again. */
  readonly unused: boolean;
  take(size: number): Buffer;
}

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

/*
 * Random padding, drawn from the CSPRNG 4 KiB at a time. ssh2 calls `randomFillSync` for every packet's
 * 4–19 bytes of padding: one call into OpenSSL per packet, 5.6 % of the gateway's busy time under
 * `bench load` (docs/reliability.md). Each byte of the batch is used for one packet only, so the
 * padding is as random as before; a refill comes every 200–1,000 packets.
 */
const RANDOM_BATCH = 4096;
const randomBatch = Buffer.allocUnsafe(RANDOM_BATCH);
let randomAt = RANDOM_BATCH;

function fillPadding(packet: Buffer, at: number, length: number): void {
  if (randomAt + length > RANDOM_BATCH) {
    randomFillSync(randomBatch);
    randomAt = 0;
  }
  // At most 19 bytes: a loop is cheaper than a native copy.
  for (let i = 0; i < length; i++) packet[at + i] = randomBatch[randomAt + i] as number;
  randomAt += length;
}

/** Each cipher seen, and whether it was swapped (false: a layout not known here). */
const seen = new WeakMap<CipherInternals, boolean>();

/**
 * Makes the client's current cipher take its packet buffers from `source`. Call it on every
 * 'handshake': a re-key brings a new cipher, which starts out with ssh2's allocator. Returns whether
 * the cipher now allocates from `source`.
 */
export function allocatePacketsFrom(client: ssh2.Client, source: PacketSource): boolean {
  const cipher = (client as unknown as ClientInternals)._protocol?._cipher;
  if (!cipher || typeof cipher.allocPacket !== 'function') return false;
  const before = seen.get(cipher);
  if (before !== undefined) return before;
  const layout = learnLayout(cipher);
  seen.set(cipher, layout !== undefined);
  if (!layout) return false;
  const allocate = cipher.allocPacket.bind(cipher);
  cipher.allocPacket = (payloadLength: number): Buffer => {
    if (source.unused) return allocate(payloadLength);
    const { length, padding } = packetLength(layout, payloadLength);
    const size = length + TAG_LENGTH;
    // Small packets (keystrokes, acknowledgements, window adjustments) come from Node's shared slab,
    // as ssh2's do; only their padding differs, drawn from the batch below.
    const packet = source.pools(size) ? source.take(size) : Buffer.allocUnsafe(size);
    packet.writeUInt32BE(length - 4, 0);
    packet[4] = padding;
    fillPadding(packet, 5 + payloadLength, padding);
    return packet;
  };
  return true;
}
