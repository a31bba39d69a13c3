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

/**
 * Acknowledgement-based flow control for one terminal. Output is cut into chunks; once more than
 * the high-water mark is unacknowledged the source is paused, and it resumes when the screen has
 * caught up to the low-water mark. A `cat` of a huge file therefore cannot flood the renderer, and
 * memory held for it stays bounded by what the source buffers while paused.
 */
export class FlowControl {
  private unacknowledged = 0;
  private paused = false;

  constructor(
    private readonly source: PausableSource,
    private readonly send: (chunk: Uint8Array) => void,
  ) {}

  get pending(): number {
    return this.unacknowledged;
  }

  push(data: Uint8Array): void {
    for (let at = 0; at < data.length; at += TERMINAL_CHUNK_BYTES) {
      const chunk = data.subarray(at, Math.min(at + TERMINAL_CHUNK_BYTES, data.length));
      this.unacknowledged += chunk.length;
      // A copy: the source may reuse its buffer, and the chunk may cross a message port.
      this.send(new Uint8Array(chunk));
    }
    if (!this.paused && this.unacknowledged > TERMINAL_HIGH_WATER_BYTES) {
      this.paused = true;
      this.source.pause();
    }
  }

  acknowledge(bytes: number): void {
    this.unacknowledged = Math.max(0, this.unacknowledged - Math.max(0, bytes));
    if (this.paused && this.unacknowledged <= TERMINAL_LOW_WATER_BYTES) {
      this.paused = false;
      this.source.resume();
    }
  }
}
