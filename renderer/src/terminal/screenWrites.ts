import type { TerminalScreen } from './TerminalConnection.ts';

/**
 * The most one xterm.js write takes. xterm.js parses what it holds in turns of about 12 ms and lets
 * the page draw and answer input between them, but it checks the time only between writes: a 100 KB
 * chunk (the core's largest) is one turn of 4 ms when xterm.js takes colour output at 25 MB/s, and
 * of 17 ms at the 5.9 MB/s it managed with the machine at load 16 (`bench/terminal.ts`, 2026-12-06).
 * 16 KiB keeps a turn near its budget on a slow or busy machine too.
 */
export const SCREEN_SLICE_BYTES = 16 * 1024;

/**
 * Writes a chunk of output in slices of at most {@link SCREEN_SLICE_BYTES} — views into the chunk,
 * not copies; xterm.js's decoder carries a UTF-8 sequence cut between two slices over — and calls
 * `drawn` once, when the last slice has been parsed (xterm.js runs callbacks in write order).
 */
export function writeInSlices(screen: TerminalScreen, data: Uint8Array, drawn: () => void): void {
  if (data.length <= SCREEN_SLICE_BYTES) {
    screen.write(data, drawn);
    return;
  }
  for (let at = 0; at < data.length; at += SCREEN_SLICE_BYTES) {
    const end = Math.min(at + SCREEN_SLICE_BYTES, data.length);
    screen.write(data.subarray(at, end), end === data.length ? drawn : undefined);
  }
}

/** How long streaming output waits to go to the screen with what follows it: two frames at 60 Hz. */
export const FEED_INTERVAL_MS = 32;

/**
 * The way into the screen for one terminal. Output after a quiet moment is written at once (an echo
 * is not delayed); output that streams is written at most every {@link FEED_INTERVAL_MS}, all that
 * arrived meanwhile at once, so xterm.js parses more per frame it draws. With the DOM renderer the
 * drawing is the page's largest cost (Chromium's style, layout and paint of the rows), and drawn once
 * per piece of output the app's page spent 2–4 CPU s on a 20 MB `cat` where xterm.js fed in one go
 * spent 0.6–1.1; fed this way, 1.9–2.8, and colour output reached 6.7–7.8 MB/s where it had 4.2–4.8
 * (`bench/terminal.ts`, two runs at load 9–13 on 2 cores, 2026-12-06). Everything goes through here,
 * in order.
 */
export class ScreenFeed {
  private readonly held: { data: Uint8Array | string; drawn: (() => void) | undefined }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly screen: TerminalScreen,
    private readonly now: () => number = () => performance.now(),
  ) {}

  write(data: Uint8Array | string, drawn?: () => void): void {
    const now = this.now();
    if (this.timer === undefined && now - this.lastWrite >= FEED_INTERVAL_MS) {
      this.lastWrite = now;
      this.put(data, drawn);
      return;
    }
    this.held.push({ data, drawn });
    this.timer ??= setTimeout(() => this.flush(), FEED_INTERVAL_MS - (now - this.lastWrite));
  }

  /** Writes what is held now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastWrite = this.now();
    for (const { data, drawn } of this.held.splice(0)) this.put(data, drawn);
  }

  /** Drops what is held (the terminal went away; nothing waits for its acknowledgement). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held.length = 0;
  }

  private put(data: Uint8Array | string, drawn: (() => void) | undefined): void {
    if (typeof data === 'string') this.screen.write(data, drawn);
    else writeInSlices(this.screen, data, drawn ?? (() => undefined));
  }
}

/** A screen that knows whether output is streaming into it. */
export interface TrackedScreen extends TerminalScreen {
  /** Whether a write waits to be parsed, or the last one was parsed less than `quietMs` ago. */
  readonly busy: boolean;
}

/**
 * `screen`, counting the writes it has not parsed yet (xterm.js calls back once a write is parsed)
 * and when it last parsed one: output that streams in pieces leaves xterm.js idle for a moment
 * between them, which is still a flood.
 */
export function trackParsing(
  screen: TerminalScreen,
  quietMs = 0,
  now: () => number = () => performance.now(),
): TrackedScreen {
  let unparsed = 0;
  let lastParsed = Number.NEGATIVE_INFINITY;
  const parsed = (drawn: (() => void) | undefined) => () => {
    unparsed -= 1;
    lastParsed = now();
    drawn?.();
  };
  return {
    get cols() {
      return screen.cols;
    },
    get rows() {
      return screen.rows;
    },
    get busy() {
      return unparsed > 0 || now() - lastParsed < quietMs;
    },
    write(data, drawn) {
      unparsed += 1;
      screen.write(data, parsed(drawn));
    },
  };
}
