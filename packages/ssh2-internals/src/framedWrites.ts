import type { SFTPWrapper } from 'ssh2';

/*
 * SFTP writes that neither copy nor allocate per request.
 *
 * ssh2's `SFTP.write` allocates a buffer for every request, copies the data into it and, when the
 * channel's send window is short, keeps it queued. A pipelined upload asking for 64 × 255 KiB at once
 * through a gateway that grants 2 MiB of window therefore held ~14 MiB of copies in ssh2's queue, and
 * the allocations kept V8's garbage collector busy (see PacketPool). Here the file is read straight
 * into a buffer with room in front for the request's header (`allocate`), the header is written
 * there, and the whole request goes to ssh2's protocol object at once — only when the window has room
 * for all of it and ssh2 has nothing queued, so requests never interleave on the channel. A write
 * that finds no room waits for the peer's next WINDOW_ADJUST (through the hook ssh2 itself uses to
 * drain its queue) or for one of these writes to be answered, whichever comes first; with none
 * outstanding it takes ssh2's ordinary path, which queues correctly.
 *
 * Like channelWindow.ts this relies on ssh2 1.17 internals, checked before each use; when they are
 * not as expected every write takes ssh2's ordinary path.
 */

/** The parts of an ssh2 1.17 `SFTP` client this uses; not in its typings. */
interface SftpInternals {
  outgoing: { id: number; state: string; window: number; packetSize: number };
  _protocol: { channelData(channelId: number, data: Buffer): void };
  _requests: Record<number, { cb?: (error?: Error | null) => void }>;
  _writeReqid: number;
  _maxWriteLen: number;
  _buffer: unknown[];
  _waitWindow?: boolean;
  /** Called (with the channel as `this`) by ssh2 when a WINDOW_ADJUST arrives while `_waitWindow` is set. */
  _chunkcb?: (() => void) | undefined;
  /** False once the server's EOF arrived: ssh2 has failed the requests waiting and answers no more. */
  readable?: boolean;
}

const isInternals = (sftp: object): sftp is SftpInternals => {
  const s = sftp as Partial<SftpInternals>;
  return (
    typeof s.outgoing?.window === 'number' &&
    typeof s.outgoing.packetSize === 'number' &&
    typeof s._protocol?.channelData === 'function' &&
    typeof s._requests === 'object' &&
    typeof s._writeReqid === 'number' &&
    typeof s._maxWriteLen === 'number' &&
    Array.isArray(s._buffer)
  );
};

/** SFTP handles are at most 256 bytes (draft-ietf-secsh-filexfer-02 §3). */
const MAX_HANDLE = 256;
/** uint32 length, byte type, uint32 id, string handle, uint64 offset, uint32 data length. */
const headerLength = (handle: Buffer) => 4 + 1 + 4 + 4 + handle.length + 8 + 4;
/** Room kept in front of a write buffer's data for the longest header. */
const HEADER_ROOM = 4 + 1 + 4 + 4 + MAX_HANDLE + 8 + 4;
const SSH_FXP_WRITE = 6;

/** Data views made by `allocate`, each with its whole buffer (header room + data). */
const frames = new WeakMap<Buffer, Buffer>();

const closed = (internals: SftpInternals) =>
  internals.outgoing.state !== 'open' || internals.readable === false;

type Done = (error?: Error | null) => void;

export class FramedWrites {
  private static readonly writers = new WeakMap<SFTPWrapper, FramedWrites>();
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  /** Requests sent from their own buffer, and those handed to ssh2's `write` instead. */
  readonly stats = { framed: 0, passedOn: 0 };

  private constructor(private readonly sftp: SFTPWrapper) {}

  /** One per SFTP channel: the wait for window is shared by everything writing to it. */
  static for(sftp: SFTPWrapper): FramedWrites {
    let writer = FramedWrites.writers.get(sftp);
    if (!writer) FramedWrites.writers.set(sftp, (writer = new FramedWrites(sftp)));
    return writer;
  }

  /** A buffer of `size` bytes to read data into, which `write` can send without copying it. */
  static allocate(size: number): Buffer {
    const whole = Buffer.allocUnsafe(HEADER_ROOM + size);
    const data = whole.subarray(HEADER_ROOM);
    frames.set(data, whole);
    return data;
  }

  /** Writes `data[0, length)` at `position`; `done` runs when the server has answered. */
  async write(handle: Buffer, data: Buffer, length: number, position: number, done: Done): Promise<void> {
    const whole = frames.get(data);
    const internals = isInternals(this.sftp) ? this.sftp : undefined;
    if (
      !whole ||
      !internals ||
      handle.length > MAX_HANDLE ||
      length > internals._maxWriteLen ||
      length === 0
    ) {
      return this.passOn(handle, data, length, position, done);
    }
    const total = headerLength(handle) + length;
    while (!this.hasRoom(internals, total)) {
      // A request made now would never be answered (see SftpSession): fail it as a lost channel.
      if (closed(internals)) return done(new Error('SFTP channel closed'));
      if (this.inFlight === 0) return this.passOn(handle, data, length, position, done);
      this.wakeOnWindow(internals);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.send(internals, whole, handle, length, position, done);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }

  /**
   * Has ssh2 call back when the window grows. It calls `_chunkcb` on a WINDOW_ADJUST only while
   * `_waitWindow` is set; its own queue may already use the hook (`drainBuffer`), which then runs
   * first, so its queued requests still go out before any of these.
   */
  private wakeOnWindow(internals: SftpInternals): void {
    const previous = internals._chunkcb;
    if (previous?.name === 'wakeFramedWrites') return;
    const wakeFramedWrites = () => {
      // ssh2 clears `_waitWindow` before calling; its own drain may set both again.
      if (internals._chunkcb === wakeFramedWrites) internals._chunkcb = undefined;
      previous?.call(internals);
      this.wake();
    };
    internals._chunkcb = wakeFramedWrites;
    internals._waitWindow = true;
  }

  private passOn(handle: Buffer, data: Buffer, length: number, position: number, done: Done): void {
    this.stats.passedOn++;
    this.sftp.write(handle, data, 0, length, position, done);
  }

  private hasRoom(internals: SftpInternals, total: number): boolean {
    return (
      !closed(internals) &&
      // ssh2's own queue goes first; `_waitWindow` alone may be this class's own hook (wakeOnWindow).
      internals._buffer.length === 0 &&
      internals.outgoing.window >= total
    );
  }

  private send(
    internals: SftpInternals,
    whole: Buffer,
    handle: Buffer,
    length: number,
    position: number,
    done: Done,
  ): void {
    const total = headerLength(handle) + length;
    const start = HEADER_ROOM - headerLength(handle);
    const request = whole.subarray(start, HEADER_ROOM + length);
    const id = (internals._writeReqid = (internals._writeReqid + 1) >>> 0);
    let at = request.writeUInt32BE(total - 4, 0);
    at = request.writeUInt8(SSH_FXP_WRITE, at);
    at = request.writeUInt32BE(id, at);
    at = request.writeUInt32BE(handle.length, at);
    at += handle.copy(request, at);
    at = request.writeBigUInt64BE(BigInt(position), at);
    request.writeUInt32BE(length, at);

    this.inFlight++;
    this.stats.framed++;
    internals._requests[id] = {
      cb: (error) => {
        this.inFlight--;
        this.wake();
        done(error);
      },
    };
    const { outgoing } = internals;
    for (let offset = 0; offset < total; offset += outgoing.packetSize) {
      const piece = Math.min(outgoing.packetSize, total - offset);
      outgoing.window -= piece;
      internals._protocol.channelData(outgoing.id, request.subarray(offset, offset + piece));
    }
  }
}
