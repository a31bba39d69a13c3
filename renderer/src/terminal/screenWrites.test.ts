import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FEED_INTERVAL_MS,
  SCREEN_SLICE_BYTES,
  ScreenFeed,
  trackParsing,
  writeInSlices,
} from './screenWrites.ts';

/** A screen that parses later, as xterm.js does: callbacks run in write order when `parse()` is called. */
class LaterScreen {
  cols = 80;
  rows = 24;
  readonly writes: Uint8Array[] = [];
  private readonly waiting: (() => void)[] = [];
  readonly texts: string[] = [];
  write(data: Uint8Array | string, drawn?: () => void) {
    if (typeof data === 'string') {
      this.texts.push(data);
      drawn?.();
      return;
    }
    this.texts.push(new TextDecoder().decode(data));
    this.writes.push(data);
    this.waiting.push(drawn ?? (() => undefined));
  }
  parse(count = this.waiting.length) {
    for (const callback of this.waiting.splice(0, count)) callback();
  }
}

describe('writing output into the screen', () => {
  it('writes a chunk in slices, in order and byte for byte, and reports it drawn once, after its last slice', () => {
    const screen = new LaterScreen();
    // Three characters of two, three and four bytes repeated, so slice edges cut through them.
    const chunk = new Uint8Array(Buffer.from('é€🙂'.repeat(10_000)));
    const drawn: number[] = [];
    writeInSlices(screen, chunk, () => drawn.push(1));
    writeInSlices(screen, new Uint8Array([0x41]), () => drawn.push(2));
    expect(screen.writes.length).toBe(Math.ceil(chunk.length / SCREEN_SLICE_BYTES) + 1);
    expect(screen.writes.every((slice) => slice.length <= SCREEN_SLICE_BYTES)).toBe(true);
    // Views into the chunk, not copies.
    expect(screen.writes.every((slice) => slice.buffer === chunk.buffer || slice.length === 1)).toBe(true);
    const decoder = new TextDecoder();
    const text = screen.writes.map((slice) => decoder.decode(slice, { stream: true })).join('');
    expect(text).toBe(`${'é€🙂'.repeat(10_000)}A`);

    screen.parse(screen.writes.length - 2);
    expect(drawn).toEqual([]);
    screen.parse(1);
    expect(drawn).toEqual([1]);
    screen.parse();
    expect(drawn).toEqual([1, 2]);
  });
});

describe('the feed into the screen', () => {
  afterEach(() => vi.useRealTimers());

  it('writes after a quiet moment at once, and streaming output together, in order, every interval', () => {
    vi.useFakeTimers();
    let clock = 1000;
    const screen = new LaterScreen();
    const feed = new ScreenFeed(screen, () => clock);
    const drawn: string[] = [];
    const bytes = (text: string) => new TextEncoder().encode(text);
    feed.write(bytes('a'), () => drawn.push('a'));
    expect(screen.texts).toEqual(['a']);
    // Streaming: held until the interval since the last write is over, strings in their place.
    clock += 5;
    feed.write(bytes('b'), () => drawn.push('b'));
    feed.write('[note]');
    feed.write(bytes('c'), () => drawn.push('c'));
    expect(screen.texts).toEqual(['a']);
    clock += FEED_INTERVAL_MS;
    vi.advanceTimersByTime(FEED_INTERVAL_MS);
    expect(screen.texts).toEqual(['a', 'b', '[note]', 'c']);
    screen.parse();
    expect(drawn).toEqual(['a', 'b', 'c']);
    // Quiet again: the next output (an echo) goes at once.
    clock += FEED_INTERVAL_MS;
    feed.write(bytes('d'));
    expect(screen.texts.at(-1)).toBe('d');
  });

  it('drops what it holds once disposed', () => {
    vi.useFakeTimers();
    let clock = 0;
    const screen = new LaterScreen();
    const feed = new ScreenFeed(screen, () => clock);
    feed.write(new Uint8Array([0x61]));
    feed.write(new Uint8Array([0x62]));
    feed.dispose();
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(screen.texts).toEqual(['a']);
  });
});

describe('knowing whether the screen has output to parse', () => {
  it('is busy from a write until xterm.js has parsed every write, and still reports each one drawn', () => {
    const screen = new LaterScreen();
    const tracked = trackParsing(screen);
    const drawn: number[] = [];
    expect(tracked.busy).toBe(false);
    expect([tracked.cols, tracked.rows]).toEqual([80, 24]);
    tracked.write(new Uint8Array([0x61]), () => drawn.push(1));
    tracked.write(new Uint8Array([0x62]));
    tracked.write(new Uint8Array([0x63]), () => drawn.push(3));
    expect(tracked.busy).toBe(true);
    screen.parse(2);
    expect(tracked.busy).toBe(true);
    expect(drawn).toEqual([1]);
    screen.parse();
    expect(tracked.busy).toBe(false);
    expect(drawn).toEqual([1, 3]);
    expect(screen.texts).toEqual(['a', 'b', 'c']);
  });

  it('stays busy for a quiet moment after the last write was parsed: output that streams in pieces', () => {
    let clock = 0;
    const screen = new LaterScreen();
    const tracked = trackParsing(screen, 50, () => clock);
    tracked.write(new Uint8Array([0x61]));
    clock = 10;
    screen.parse();
    clock = 59;
    expect(tracked.busy).toBe(true);
    clock = 60;
    expect(tracked.busy).toBe(false);
  });
});
