import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from './appUnderTest.ts';

/**
 * `renderer/src/terminal/xtermInternals.ts` against the xterm.js the app ships, in Chromium with the
 * DOM renderer: what it changes inside xterm.js must leave the screen, the scrollbar and the
 * selection as xterm.js draws them, and on another version it must change nothing.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

const PAGE_TS = `import { Terminal } from '@xterm/xterm';
import { fixFloodDrawing } from './renderer/src/terminal/xtermInternals.ts';

let busy = false;
const draws = { renderRows: 0, rendered: 0 };
Object.assign(globalThis, {
  draws,
  setBusy: (value: boolean) => (busy = value),
  open(version?: string, drawIntervalMs = 0) {
    document.body.replaceChildren();
    const host = document.createElement('div');
    host.style.cssText = 'width:800px;height:400px';
    document.body.append(host);
    const term = new Terminal({ cols: 80, rows: 20, scrollback: 1000 });
    term.open(host);
    // Counted at the DOM renderer itself: every drawing of rows, whoever asked for it.
    const renderer = (term as any)._core._renderService._renderer.value;
    const renderRows = renderer.renderRows.bind(renderer);
    renderer.renderRows = (start: number, end: number) => {
      draws.renderRows += 1;
      renderRows(start, end);
    };
    term.onRender(() => (draws.rendered += 1));
    const fixed = fixFloodDrawing(term, { busy: () => busy, drawIntervalMs }, ...(version ? [version] : []));
    Object.assign(globalThis, { term });
    return fixed !== undefined;
  },
  write: (text: string) => new Promise<void>((resolve) => (globalThis as any).term.write(text, resolve)),
  frames: (count: number) =>
    new Promise<void>((resolve) => {
      const next = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
      next(count);
    }),
});
`;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: PAGE_TS, resolveDir: ROOT, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addStyleTag({ content: readFileSync(require.resolve('@xterm/xterm/css/xterm.css'), 'utf8') });
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
});
afterAll(async () => {
  await browser?.close();
});

/** What the page above defines (this file compiles without the DOM's types). */
interface PageGlobals {
  draws: { renderRows: number; rendered: number };
  setBusy(value: boolean): void;
  open(version?: string, drawIntervalMs?: number): boolean;
  write(text: string): Promise<void>;
  frames(count: number): Promise<void>;
  term: {
    buffer: { active: { viewportY: number; baseY: number } };
    select(column: number, row: number, length: number): void;
    clearSelection(): void;
    scrollLines(amount: number): void;
  };
}
type Evaluated<T> = (g: PageGlobals, arg: T) => unknown;
const inPage = <T>(fn: Evaluated<T>, arg?: T) =>
  page.evaluate(
    ([source, value]) => new Function('g', 'arg', `return (${source})(g, arg)`)(globalThis, value),
    [fn.toString(), arg] as const,
  );

const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => `line ${from + index}\r\n`).join('');
const rowsText = () => page.locator('.xterm-rows').innerText();
/** Where the scrollbar's slider ends, as a fraction of its track (1 = at the bottom). */
const sliderBottom = () =>
  page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    type Box = { getBoundingClientRect(): { top: number; bottom: number; height: number } };
    const track = (
      doc.querySelector('.xterm-scrollable-element .scrollbar.vertical') as Box
    ).getBoundingClientRect();
    const slider = (
      doc.querySelector('.xterm-scrollable-element .scrollbar.vertical .slider') as Box
    ).getBoundingClientRect();
    return (slider.bottom - track.top) / track.height;
  });

describe('xterm.js with the flood fixes (xtermInternals.ts)', () => {
  it('applies to the version the app ships and to no other', async () => {
    expect(await inPage((g) => g.open())).toBe(true);
    expect(await inPage((g) => g.open('6.0.1'))).toBe(false);
  });

  it('keeps the screen and the scrollbar with the output, and scrolling back works', async () => {
    expect(await inPage((g) => g.open())).toBe(true);
    await inPage((g, text) => g.write(text), lines(0, 500));
    await inPage((g) => g.frames(2));
    expect(await rowsText()).toContain('line 499');
    expect(await inPage((g) => g.term.buffer.active.viewportY)).toBe(
      await inPage((g) => g.term.buffer.active.baseY),
    );
    expect(await sliderBottom()).toBeGreaterThan(0.99);
    await inPage((g) => g.term.scrollLines(-100));
    await inPage((g) => g.frames(2));
    expect(await rowsText()).toContain('line 399');
    expect(await rowsText()).not.toContain('line 499');
    expect(await sliderBottom()).toBeLessThan(0.95);
  });

  it('draws each frame of scrolling output once, where xterm.js alone draws it twice', async () => {
    const scroll = async (version?: string) => {
      expect(await inPage((g, v) => g.open(v), version)).toBe(version === undefined);
      await inPage((g) => g.frames(2));
      await inPage((g) => Object.assign(g.draws, { renderRows: 0, rendered: 0 }));
      for (let at = 0; at < 2000; at += 100) {
        await inPage((g, text) => g.write(text), lines(at, 100));
        await inPage((g) => g.frames(1));
      }
      await inPage((g) => g.frames(2));
      return (await inPage((g) => ({ ...g.draws }))) as PageGlobals['draws'];
    };
    const fixed = await scroll();
    expect(fixed.rendered).toBeGreaterThan(0);
    expect(fixed.renderRows).toBe(fixed.rendered);
    // The control: the same output on xterm.js as published, so this test sees the difference.
    const stock = await scroll('6.0.1');
    expect(stock.renderRows).toBeGreaterThan(stock.rendered);
  });

  it('still draws a selection, and takes it away again', async () => {
    expect(await inPage((g) => g.open())).toBe(true);
    await inPage((g, text) => g.write(text), lines(0, 100));
    const selected = () => page.locator('.xterm-selection div').count();
    await inPage((g) => g.term.select(0, g.term.buffer.active.baseY + 2, 30));
    await inPage((g) => g.frames(2));
    expect(await selected()).toBeGreaterThan(0);
    await inPage((g) => g.term.clearSelection());
    await inPage((g) => g.frames(2));
    expect(await selected()).toBe(0);
  });

  it('holds draws back while output waits, and draws what was held', async () => {
    // A long interval, so the held draw cannot have come due by the time the screen is read.
    expect(await inPage((g) => g.open(undefined, 5000))).toBe(true);
    // Nothing waits: drawn at the next frame, however recent the last draw.
    await inPage((g) => g.write('first\r\n'));
    await inPage((g) => g.frames(2));
    expect(await rowsText()).toContain('first');
    await inPage((g) => g.setBusy(true));
    await inPage((g) => g.write('second\r\n'));
    await inPage((g) => g.frames(2));
    expect(await rowsText()).not.toContain('second');
    await expect.poll(rowsText, { timeout: 30_000 }).toContain('second');
    await inPage((g) => g.setBusy(false));
  });
});
