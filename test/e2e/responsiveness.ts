import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** How the page kept up while some work ran: its frames, and how fast it answered pings. */
export interface Responsiveness {
  seconds: number;
  frames: number;
  p50FrameGapMs: number;
  p95FrameGapMs: number;
  longestFrameGapMs: number;
  pingsAnswered: number;
  p95PingMs: number;
  longestPingMs: number;
}

/** Browser globals, for code that page.evaluate runs in the page (this file compiles for Node). */
type PageWindow = {
  frameGaps: number[];
  stopFrames: boolean;
  requestAnimationFrame(callback: (now: number) => void): void;
};

const percentile = (sorted: number[], p: number): number =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);

/**
 * Runs `work` while the page's frames are counted (the gaps between two `requestAnimationFrame`
 * callbacks) and the page is pinged from here every 100 ms (how long it takes to answer). The
 * figures are a report, not a limit.
 */
export async function whileResponsive(page: Page, work: () => Promise<void>): Promise<Responsiveness> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    w.frameGaps = [];
    w.stopFrames = false;
    let last = performance.now();
    const tick = (now: number) => {
      w.frameGaps.push(now - last);
      last = now;
      if (!w.stopFrames) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
  const pings: number[] = [];
  let done = false;
  const pinging = (async () => {
    while (!done) {
      const sent = Date.now();
      await page.evaluate(() => 1);
      if (!done) pings.push(Date.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = Date.now();
  try {
    await work();
  } finally {
    done = true;
    await pinging;
  }
  const seconds = (Date.now() - started) / 1000;
  const gaps = await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    w.stopFrames = true;
    return w.frameGaps;
  });
  const sorted = [...gaps].sort((a, b) => a - b);
  const sortedPings = [...pings].sort((a, b) => a - b);
  return {
    seconds,
    frames: gaps.length,
    p50FrameGapMs: percentile(sorted, 0.5),
    p95FrameGapMs: percentile(sorted, 0.95),
    longestFrameGapMs: Math.round(sorted.at(-1) ?? 0),
    pingsAnswered: pings.length,
    p95PingMs: percentile(sortedPings, 0.95),
    longestPingMs: Math.max(0, ...pings),
  };
}

/**
 * The page kept answering through a run: it answered pings, drew frames, and no ping or gap between
 * two frames took half the run or more (a page frozen for that long fails, on a fast machine or a
 * slow one). The ceiling is relative to the run itself, never a fixed time: speed targets are
 * benchmarks' business (`npm run bench`), and these figures are saved as the report.
 */
export function expectNoFreeze(run: Responsiveness): void {
  const half = (run.seconds * 1000) / 2;
  expect(run.pingsAnswered).toBeGreaterThan(1);
  expect(run.frames).toBeGreaterThan(1);
  expect(run.longestPingMs).toBeLessThan(half);
  expect(run.longestFrameGapMs).toBeLessThan(half);
}
