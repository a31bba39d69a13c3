import {
  TERMINAL_CHUNK_BYTES,
  TERMINAL_HIGH_WATER_BYTES,
  TERMINAL_LOW_WATER_BYTES,
} from '../../../shared/src/terminals.ts';

/** A source of terminal output that can be paused: an SSH channel or a local pty. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

export interface FlowControlOptions {
  /**
   * Output the core may hold for a slow screen before it pauses the source. An SSH channel holds
   * its own backlog on the server (its window), so it pauses at once (0); a local pty must not be
   * left paused when its process ends — node-pty then drops what is left — so it gets room.
   */
  maxQueuedBytes?: number;
}

/**
 * Acknowledgement-based flow control for one terminal. Output goes to the screen in chunks while
 * less than the high-water mark is unacknowledged; the rest waits here, and once more than
 * `maxQueuedBytes` waits, the source is paused until the screen has caught up to the low-water
 * mark. A `cat` of a huge file therefore cannot flood the renderer, and memory stays bounded.
 */
export class FlowControl<Tag = undefined> {
  private unacknowledged = 0;
  private readonly queue: { chunk: Uint8Array; tag: Tag }[] = [];
  private queued = 0;
  private paused = false;
  private readonly maxQueued: number;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly source: PausableSource,
    private readonly send: (chunk: Uint8Array, tag: Tag) => void,
    options: FlowControlOptions = {},
  ) {
    this.maxQueued = options.maxQueuedBytes ?? 0;
  }

  /** Bytes sent to the screen and not yet acknowledged. */
  get pending(): number {
    return this.unacknowledged;
  }

  /** Takes output from the source; `tag` travels with it (e.g. stdout or stderr). */
  push(data: Uint8Array, ...[tag]: Tag extends undefined ? [] : [Tag]): void {
    for (let at = 0; at < data.length; at += TERMINAL_CHUNK_BYTES) {
      // A copy: the source may reuse its buffer, and the chunk may cross a message port.
      const chunk = new Uint8Array(data.subarray(at, Math.min(at + TERMINAL_CHUNK_BYTES, data.length)));
      this.queue.push({ chunk, tag: tag as Tag });
      this.queued += Math.min(TERMINAL_CHUNK_BYTES, data.length - at);
    }
    this.drain();
    if (!this.paused && this.queued > this.maxQueued) {
      this.paused = true;
      this.source.pause();
    }
  }

  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - Math.max(0, bytes));
    this.drain();
    if (this.paused && this.queued === 0 && this.unacknowledged <= TERMINAL_LOW_WATER_BYTES) {
      this.paused = false;
      this.source.resume();
    }
  }

  /**
   * Resolves once everything taken from the source has gone to the screen, so an exit can be
   * reported after the output that preceded it. `flush()` forces it (the screen went away).
   */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends everything still waiting, whatever the screen has acknowledged. */
  flush(): void {
    this.drain(Number.POSITIVE_INFINITY);
  }

  private drain(limit = TERMINAL_HIGH_WATER_BYTES): void {
    while (this.queue.length > 0 && this.unacknowledged < limit) {
      const { chunk, tag } = this.queue.shift() as { chunk: Uint8Array; tag: Tag };
      this.queued -= chunk.length;
      this.unacknowledged += chunk.length;
      this.send(chunk, tag);
    }
    if (this.queue.length === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }
}
