/**
 * Buffers for outgoing SSH packets, taken and given back instead of allocated for every packet.
 *
 * ssh2 allocates a fresh buffer for each packet it sends — 32 KiB apiece during an upload. In V8
 * those buffers count as external memory, and every few MiB of it starts a full mark-compact: an
 * upload of 256 MiB ran about 30 of them, a third of the client's CPU time (`--trace-gc`, `--cpu-prof`).
 * A pooled buffer goes out to ssh2, is encrypted in place and written to the socket, and comes back
 * here when the socket has handed it to the kernel.
 */
export class PacketPool {
  /** Free buffers by capacity. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Buffers out with ssh2 or the socket; weak, so one that never comes back is simply collected. */
  private readonly lent = new WeakSet<ArrayBuffer>();
  private freeBytes = 0;
  private taken = 0;
  private returned = 0;

  constructor(
    /** Smaller packets (keystrokes, acknowledgements) are cheap to allocate and not worth pooling. */
    readonly minSize = 8 * 1024,
    /** Beyond this many idle bytes a returned buffer is dropped rather than kept. */
    readonly maxFreeBytes = 4 * 1024 * 1024,
  ) {}

  /** Whether `size` is pooled at all; smaller sizes are left to ssh2. */
  pools(size: number): boolean {
    return size >= this.minSize && size <= this.maxFreeBytes;
  }

  /** A buffer of exactly `size` bytes, whose contents are whatever its last user left. */
  take(size: number): Buffer {
    const capacity = capacityFor(size);
    const reused = this.free.get(capacity)?.pop();
    if (reused) this.freeBytes -= capacity;
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
    return this.returned === 0 && this.taken >= 64;
  }

  get stats(): { taken: number; returned: number; freeBytes: number } {
    return { taken: this.taken, returned: this.returned, freeBytes: this.freeBytes };
  }
}

/** Capacities in whole KiB, so the slightly different sizes of one kind of packet share buffers. */
const capacityFor = (size: number): number => Math.ceil(size / 1024) * 1024;
