import type { Socket } from 'node:net';

/** A read this small is a keystroke, an echo, a prompt or an acknowledgement, not bulk data. */
const SMALL_READ = 16 * 1024;

/**
 * Decides which sockets the gateway reads in each turn of the event loop: every socket whose last two
 * reads were small (keystrokes, echoes, SFTP acknowledgements), and at most `bulkReadsPerTurn` of the
 * others, in rotation.
 *
 * libuv reads a ready socket up to 32 times (64 KiB each) before it looks at the next one, and ssh2
 * decrypts and relays each read at once, so without any turn-taking one turn worked through megabytes
 * per uploading client before it reached a socket with a keystroke (1.6 s at the median with 200
 * sessions transferring: docs/reliability.md). One read per socket per turn brought that to 132 ms,
 * but a turn still held a 64 KiB read of every busy socket (some 250 under that load) and a keystroke
 * and its echo each waited a turn. Bulk reads are now rationed, so a turn is a few milliseconds of
 * work and small reads are served in every one; the bulk sockets share the rest, first paused, first
 * resumed. Measured 6 Dec 2026 in alternating runs on a loaded machine: keystrokes beside 200
 * transferring sessions 32–93 ms at the median, 0.26–0.73 s at p99, against 138–660 ms and 1.1–3.0 s
 * with one read per socket per turn, and 1.6× the bulk moved; rations of 4, 8 and 16 alike.
 *
 * Call `add` after the socket has a reader (ssh2's `injectSocket` or `sock` option): ssh2 pauses the
 * socket until its key exchange is set up and resumes it then, and never pauses it afterwards; a paused
 * socket emits no data, so each pause here is matched by exactly one resume.
 */
export class TurnTaking {
  /** Sockets paused after a small read: resumed in the next turn. */
  private small: Socket[] = [];
  /** Sockets paused after a large read, in the order they were paused. */
  private readonly bulk: Socket[] = [];
  private bulkHead = 0;
  private scheduled = false;
  /** Whether the last turn ended with bulk reads still waiting: more than one turn's ration. */
  private behind = false;

  /** `onTurn`: called as each turn starts (tests count reads per turn of the rotation with it). */
  constructor(
    readonly bulkReadsPerTurn = 8,
    private readonly onTurn?: () => void,
  ) {}

  add(socket: Socket): void {
    // A bulk socket's last read before it runs dry is often small: it waits its turn once more, so
    // that only sockets reading small twice in a row are served in every turn.
    let lastWasLarge = false;
    socket.on('data', (chunk: Buffer) => {
      socket.pause();
      const large = chunk.length >= SMALL_READ;
      if (large || lastWasLarge) this.bulk.push(socket);
      else this.small.push(socket);
      lastWasLarge = large;
      this.schedule();
    });
  }

  /** Sockets waiting for a bulk read (for tests). */
  get waiting(): number {
    return this.bulk.length - this.bulkHead;
  }

  /**
   * How the gateway's sockets batch their writes (`poolPackets`): to the end of the turn while the
   * gateway is behind — the last turn left bulk reads waiting, so a write per callback costs CPU it
   * is short of — and to the end of each callback otherwise, so that a few transfers' packets never
   * wait for others (holding them always had slowed a lone SFTP download: docs/reliability.md).
   */
  readonly batching = {
    holdUntilTurnEnds: (): boolean => this.behind,
  };

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    this.onTurn?.();
    const small = this.small;
    this.small = [];
    for (const socket of small) if (!socket.destroyed) socket.resume();
    let resumed = 0;
    while (resumed < this.bulkReadsPerTurn && this.bulkHead < this.bulk.length) {
      const socket = this.bulk[this.bulkHead++] as Socket;
      if (socket.destroyed) continue;
      socket.resume();
      resumed++;
    }
    if (this.bulkHead === this.bulk.length) {
      this.bulk.length = 0;
      this.bulkHead = 0;
    } else if (this.bulkHead > 1024) {
      this.bulk.splice(0, this.bulkHead);
      this.bulkHead = 0;
    }
    this.behind = this.waiting > 0;
    if (this.behind) this.schedule();
  };
}
