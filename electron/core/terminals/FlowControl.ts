import { TERMINAL_CHUNK_BYTES, TERMINAL_HIGH_WATER_BYTES } from '../../../shared/src/terminals.ts';

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
  /**
   * When gathered output goes out: after the current I/O phase by default, so the many small
   * packets one socket read holds (an sshd pty sends ~1.4 KB each) travel as one message.
   */
  schedule?: (flush: () => void) => void;
}

/**
 * Acknowledgement-based flow control for one terminal. Output goes to the screen in chunks while
 * less than the high-water mark is unacknowledged; the rest waits here, and once more than
 * `maxQueuedBytes` waits, the source is paused until all of it has gone to the screen. A `cat` of a
 * huge file therefore cannot flood the renderer, and memory stays bounded (the window, what the
 * source delivered before it paused, and the source's own buffer).
 *
 * The source resumes as soon as nothing waits here, not once the screen is down to a low-water
 * mark: waiting for 128 KB left to draw (about 13 ms of xterm.js's work) left the page idle for a
 * round trip at every resume, and a 20 MB `cat` reached 0.45 of xterm.js's own speed (2026-12-06).
 */
export class FlowControl<Tag = undefined> {
  private unacknowledged = 0;
  private readonly queue: { chunk: Uint8Array; tag: Tag }[] = [];
  private queued = 0;
  private paused = false;
  private readonly maxQueued: number;
  private readonly waiters: (() => void)[] = [];
  /** Output taken from the source since the last flush: merged into chunks, then queued. */
  private staged: { parts: Uint8Array[]; bytes: number; tag: Tag } | undefined;
  private flushScheduled = false;
  private readonly schedule: (flush: () => void) => void;

  constructor(
    private readonly source: PausableSource,
    private readonly send: (chunk: Uint8Array, tag: Tag) => void,
    options: FlowControlOptions = {},
  ) {
    this.maxQueued = options.maxQueuedBytes ?? 0;
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
  }

  /** Bytes sent to the screen and not yet acknowledged. */
  get pending(): number {
    return this.unacknowledged;
  }

  /**
   * Takes output from the source; `tag` travels with it (e.g. stdout or stderr). Output with the
   * same tag that arrives before the next flush goes to the screen as one chunk (up to 100 KB).
   */
  push(data: Uint8Array, ...[tag]: Tag extends undefined ? [] : [Tag]): void {
    if (data.length === 0) return;
    if (this.staged && this.staged.tag !== tag) this.stage();
    // A copy: the source may reuse its buffer, and the chunk may cross a message port.
    const copy = new Uint8Array(data);
    if (this.staged) {
      this.staged.parts.push(copy);
      this.staged.bytes += copy.length;
    } else this.staged = { parts: [copy], bytes: copy.length, tag: tag as Tag };
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => {
      this.flushScheduled = false;
      this.stage();
      this.drain();
      if (!this.paused && this.queued > this.maxQueued) {
        this.paused = true;
        this.source.pause();
      }
    });
  }

  /** Moves gathered output to the queue, cut into chunks the screen takes at once. */
  private stage(): void {
    const staged = this.staged;
    if (!staged) return;
    this.staged = undefined;
    const [first] = staged.parts;
    const whole = first && staged.parts.length === 1 ? first : concat(staged.parts, staged.bytes);
    for (let at = 0; at < whole.length; at += TERMINAL_CHUNK_BYTES) {
      // Each chunk owns its buffer: a message port would otherwise copy all of `whole` each time.
      const end = Math.min(at + TERMINAL_CHUNK_BYTES, whole.length);
      const chunk = at === 0 && end === whole.length ? whole : whole.slice(at, end);
      this.queue.push({ chunk, tag: staged.tag });
      this.queued += chunk.length;
    }
  }

  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - Math.max(0, bytes));
    this.drain();
    if (this.paused && this.queued === 0 && !this.staged) {
      this.paused = false;
      this.source.resume();
    }
  }

  /**
   * Resolves once everything taken from the source has gone to the screen, so an exit can be
   * reported after the output that preceded it. `flush()` forces it (the screen went away).
   */
  drained(): Promise<void> {
    if (this.queue.length === 0 && !this.staged) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends everything still waiting, whatever the screen has acknowledged. */
  flush(): void {
    this.stage();
    this.drain(Number.POSITIVE_INFINITY);
  }

  private drain(limit = TERMINAL_HIGH_WATER_BYTES): void {
    while (this.queue.length > 0 && this.unacknowledged < limit) {
      const { chunk, tag } = this.queue.shift() as { chunk: Uint8Array; tag: Tag };
      this.queued -= chunk.length;
      this.unacknowledged += chunk.length;
      this.send(chunk, tag);
    }
    if (this.queue.length === 0 && !this.staged) for (const resolve of this.waiters.splice(0)) resolve();
  }
}

function concat(parts: Uint8Array[], bytes: number): Uint8Array {
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
