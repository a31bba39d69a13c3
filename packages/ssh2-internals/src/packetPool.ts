import type { Socket } from 'node:net';
import type ssh2 from 'ssh2';
import { allocatePacketsFrom, type PacketSource } from './packetAllocator.ts';

/**
 * Buffers for outgoing SSH packets, taken and given back instead of allocated for every packet: the
 * app's connections each have one, the gateway one for all its connections.
 *
 * ssh2 allocates a fresh buffer for each packet it sends — 32 KiB apiece during an upload. In V8
 * those buffers count as external memory, and every few MiB of it starts a full mark-compact: an
 * upload of 256 MiB ran about 30 of them, a third of the client's CPU time (`--trace-gc`, `--cpu-prof`);
 * in the gateway under `bench load` the collector took 13 % of its busy time. A pooled buffer goes out
 * to ssh2, is encrypted in place and written to the socket, and comes back here when the socket has
 * handed it to the kernel.
 */
export class PacketPool implements PacketSource {
  /** Free buffers by capacity. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Buffers out with ssh2 or the socket; weak, so one that never comes back is simply collected. */
  private readonly lent = new WeakSet<ArrayBuffer>();
  private freeBytes = 0;
  private taken = 0;
  private returned = 0;
  private allocated = 0;
  /** Smaller packets (keystrokes, acknowledgements) are cheap to allocate and not worth pooling. */
  readonly minSize: number;
  /**
   * Beyond this many idle bytes a returned buffer is dropped rather than kept. Under load most
   * buffers are out in write queues, so few come back idle at once; what is kept stays after the
   * load (16 MiB showed as a leak in the gateway's fuzz tests' memory checks, which allow 8).
   */
  readonly maxFreeBytes: number;
  /** A pool for many connections (the gateway's) stays in use whatever one connection does. */
  private readonly shared: boolean;

  constructor(options: { minSize?: number; maxFreeBytes?: number; shared?: boolean } = {}) {
    this.minSize = options.minSize ?? 8 * 1024;
    this.maxFreeBytes = options.maxFreeBytes ?? 4 * 1024 * 1024;
    this.shared = options.shared ?? false;
  }

  /** Whether `size` is pooled at all; smaller sizes are left to ssh2. */
  pools(size: number): boolean {
    return size >= this.minSize && size <= MAX_POOLED;
  }

  /** A buffer of exactly `size` bytes, whose contents are whatever its last user left. */
  take(size: number): Buffer {
    const capacity = capacityFor(size);
    const reused = this.free.get(capacity)?.pop();
    if (reused) this.freeBytes -= capacity;
    else this.allocated++;
    const memory = reused ?? new ArrayBuffer(capacity);
    this.lent.add(memory);
    this.taken++;
    return Buffer.from(memory, 0, size);
  }

  /** Gives back a buffer `take` handed out; anything else (and a second return) is ignored. */
  release(buffer: Uint8Array): void {
    const memory = buffer.buffer;
    if (!(memory instanceof ArrayBuffer) || !this.lent.has(memory)) return;
    this.lent.delete(memory);
    this.returned++;
    if (this.freeBytes + memory.byteLength > this.maxFreeBytes) return;
    let list = this.free.get(memory.byteLength);
    if (!list) this.free.set(memory.byteLength, (list = []));
    list.push(memory);
    this.freeBytes += memory.byteLength;
  }

  /**
   * True once many buffers went out and none came back: the user of the pool writes other buffers
   * than the ones it took (a cipher that does not encrypt in place), so pooling only adds work.
   */
  get unused(): boolean {
    return !this.shared && this.returned === 0 && this.taken >= 64;
  }

  /** Buffers handed out, given back, newly made, and the bytes kept idle. */
  get stats(): { taken: number; returned: number; allocated: number; freeBytes: number } {
    return {
      taken: this.taken,
      returned: this.returned,
      allocated: this.allocated,
      freeBytes: this.freeBytes,
    };
  }
}

/** ssh2's largest packet is 256 KiB; nothing larger is asked of the pool. */
const MAX_POOLED = 256 * 1024;

/** Capacities in whole KiB, so the slightly different sizes of one kind of packet share buffers. */
const capacityFor = (size: number): number => Math.ceil(size / 1024) * 1024;

/** What both ends have in common: ssh2's client and server connections. */
interface HandshakeEmitter {
  on(event: 'handshake', listener: () => void): unknown;
}

export interface PoolPacketsOptions {
  /**
   * Asked when a batch starts: true holds it until the end of the event loop's turn (setImmediate)
   * instead of the end of the callback, so that the packets several callbacks write to one socket in
   * that turn leave in one `writev`. The gateway answers true while it is behind (its last turn left
   * bulk reads waiting): then every write is a system call and a wake-up of the reader that CPU time
   * is short for, and the turn ends within milliseconds anyway. Under `bench load` (200 sessions) the
   * gateway made 1.04–1.10 writes per socket read this way, 1.13–1.24 without (6 Dec 2026).
   */
  holdUntilTurnEnds?: () => boolean;
}

/**
 * Sets up `socket`, the one `connection` writes to (ssh2's `sock` option for a client, the accepted
 * socket for a server), so the connection's large outgoing packets use `pool`'s buffers — from its
 * first key exchange on and after every re-key, whose new cipher starts out with ssh2's allocator —
 * and the packets written during one callback leave in one `writev` rather than one system call each.
 * The batch ends with the callback (process.nextTick), so nothing waits for later reads: corking
 * until the end of the event loop's turn cut the gateway's CPU further but slowed SFTP downloads
 * through it to 0.94× OpenSSH (docs/reliability.md) — unless `options.holdUntilTurnEnds` says the
 * turn's work is the bottleneck.
 */
export function poolPackets(
  connection: HandshakeEmitter,
  socket: Socket,
  pool: PacketPool,
  options: PoolPacketsOptions = {},
): void {
  // ssh2's server connections keep their cipher where its client does (`_protocol._cipher`), which is
  // all that `allocatePacketsFrom` reads; it leaves ssh2's allocator in place for an unknown layout.
  connection.on('handshake', () => allocatePacketsFrom(connection as unknown as ssh2.Client, pool));
  // Typed loosely: `write` has several overloads, and this only passes calls through.
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  // Pooled buffers in the order they were written. A stream runs write callbacks in the order of the
  // writes, so each call of the one `releaseOldest` gives back the oldest: no closure per packet.
  const writing = new LentQueue();
  const releaseOldest = () => {
    const done = writing.shift();
    if (done) pool.release(done);
  };
  socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    // ssh2 calls `write(packet)` with nothing else; the callback added here brings a pooled buffer back.
    if (!(chunk instanceof Uint8Array) || rest.length > 0) return write(chunk, ...rest);
    if (!corked) {
      corked = true;
      socket.cork();
      if (options.holdUntilTurnEnds?.()) setImmediate(uncork);
      else process.nextTick(uncork);
    }
    if (chunk.byteLength < pool.minSize) return write(chunk);
    writing.push(chunk);
    return write(chunk, releaseOldest);
  }) as Socket['write'];
}

/** A first-in, first-out list of buffers without `Array.shift`'s copying of what follows. */
class LentQueue {
  private readonly items: (Uint8Array | undefined)[] = [];
  private head = 0;

  push(item: Uint8Array): void {
    this.items.push(item);
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}
