import type { Terminal } from '@xterm/xterm';
import xtermPackage from '@xterm/xterm/package.json';

/**
 * The one place the app reaches inside xterm.js, for output that floods the screen. Everything
 * here is checked against this exact version and the shape of what it touches at start-up; on any
 * other version, or any missing piece, nothing is changed and xterm.js runs as published.
 *
 * Why (CDP profile of a 20 MB `cat` through the app, DOM renderer, 2026-12-06): per line that
 * scrolls, xterm.js 6.0.0 moves its scrollbar at once — a style write and a hide timer set and
 * cleared — which was 200 ms (setTimeout + clearTimeout) of the page's 1,553 ms; and each scroll
 * asks its selection to redraw, which with the DOM renderer draws every row again in the same frame
 * even with nothing selected. Neither has a public switch. With both gone and the drawing held to
 * one per {@link FLOOD_DRAW_INTERVAL_MS} while output streams, xterm.js took the same 20 MB in the
 * same page 1.2–2.3× faster (medians of seven runs, plain and colour, load 2–15; `bench/terminal.ts`,
 * `ceilingFixed` against `ceiling`, 2026-12-06).
 */
export const PATCHED_XTERM_VERSION = '6.0.0';

/** What this module touches, as xterm.js 6.0.0 names it (`src/browser/CoreBrowserTerminal.ts`). */
interface RenderServiceInternals {
  handleSelectionChanged(
    start: [number, number] | undefined,
    end: [number, number] | undefined,
    columnSelectMode: boolean,
  ): void;
  addRefreshCallback(callback: () => void): number;
  _renderDebouncer: { refresh(start: number | undefined, end: number | undefined, rowCount: number): void };
}
interface ViewportInternals {
  _sync(ydisp?: number): void;
}
interface Internals {
  renderService: RenderServiceInternals;
  viewport: ViewportInternals;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const hasMethods = (value: unknown, ...names: string[]): boolean =>
  isObject(value) && names.every((name) => typeof value[name] === 'function');

/** The pieces, if they are all there with the methods this module wraps; undefined otherwise. */
function internalsOf(term: Terminal): Internals | undefined {
  const core = (term as unknown as { _core?: unknown })._core;
  if (!isObject(core)) return undefined;
  const renderService = core._renderService;
  const viewport = core._viewport;
  if (!hasMethods(renderService, 'handleSelectionChanged', 'addRefreshCallback')) return undefined;
  if (!hasMethods((renderService as Record<string, unknown>)._renderDebouncer, 'refresh')) return undefined;
  if (!hasMethods(viewport, '_sync')) return undefined;
  return { renderService, viewport } as unknown as Internals;
}

/** While output floods a terminal, it is drawn at most this often. */
export const FLOOD_DRAW_INTERVAL_MS = 50;

export interface FloodOptions {
  /** Whether output is streaming in: written and not parsed yet, or parsed a moment ago. */
  busy: () => boolean;
  /** While busy, the least time between two draws. */
  drawIntervalMs: number;
  now?: () => number;
}

/**
 * Makes an opened terminal cheaper to draw while output floods it; returns what undoes the part
 * that outlives a call (a held draw), to call before disposing of the terminal. With another
 * xterm.js version than {@link PATCHED_XTERM_VERSION}, or one shaped otherwise, it leaves the
 * terminal alone and returns undefined.
 */
export function fixFloodDrawing(
  term: Terminal,
  options: FloodOptions,
  version: string = xtermPackage.version,
): (() => void) | undefined {
  if (version !== PATCHED_XTERM_VERSION) return undefined;
  const internals = internalsOf(term);
  if (!internals) return undefined;
  redrawSelectionOnlyWhenThere(internals.renderService);
  syncScrollbarPerFrame(internals);
  return drawLessOftenWhileBusy(term, internals.renderService, options);
}

/**
 * A redraw of "no selection" over "no selection" changes nothing on the screen, but the DOM renderer
 * answers it by drawing every row; xterm.js asks for one after every scroll.
 */
function redrawSelectionOnlyWhenThere(renderService: RenderServiceInternals): void {
  const original = renderService.handleSelectionChanged.bind(renderService);
  let shown = false;
  renderService.handleSelectionChanged = (start, end, columnSelectMode) => {
    const none = start === undefined || end === undefined;
    if (none && !shown) return;
    shown = !none;
    original(start, end, columnSelectMode);
  };
}

/**
 * xterm.js calls `_sync()` without an argument for every line that scrolls; once per frame, before
 * the frame is drawn, puts the scrollbar at the same place. Its own per-frame call passes a
 * position and goes through as before.
 */
function syncScrollbarPerFrame({ renderService, viewport }: Internals): void {
  const sync = viewport._sync.bind(viewport);
  let queued = false;
  viewport._sync = (...args: [number?]) => {
    if (args.length > 0) {
      sync(...args);
      return;
    }
    if (queued) return;
    queued = true;
    renderService.addRefreshCallback(() => {
      queued = false;
      sync();
    });
  };
}

/**
 * While output waits to be parsed, at most one draw per `drawIntervalMs`; the first draw after a
 * quiet moment is not held back (an echo shows at the next frame), nor is anything when idle
 * (scrolling back, selecting).
 */
function drawLessOftenWhileBusy(
  term: Terminal,
  renderService: RenderServiceInternals,
  { busy, drawIntervalMs, now = () => performance.now() }: FloodOptions,
): () => void {
  const debouncer = renderService._renderDebouncer;
  const refresh = debouncer.refresh.bind(debouncer);
  let lastDraw = Number.NEGATIVE_INFINITY;
  let held: { start: number; end: number; rowCount: number } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rendered = term.onRender(() => (lastDraw = now()));
  debouncer.refresh = (start, end, rowCount) => {
    const from = start ?? 0;
    const to = end ?? rowCount - 1;
    const wait = lastDraw + drawIntervalMs - now();
    if (timer === undefined && (wait <= 0 || !busy())) {
      refresh(from, to, rowCount);
      return;
    }
    held = held
      ? { start: Math.min(held.start, from), end: Math.max(held.end, to), rowCount }
      : { start: from, end: to, rowCount };
    timer ??= setTimeout(
      () => {
        timer = undefined;
        const rows = held;
        held = undefined;
        if (rows) refresh(rows.start, rows.end, rows.rowCount);
      },
      Math.max(0, wait),
    );
  };
  return () => {
    rendered.dispose();
    clearTimeout(timer);
    timer = undefined;
    held = undefined;
  };
}
