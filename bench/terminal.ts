/**
 * `npm run bench -- terminal`: terminal output as a user sees it in the browser host (headless Chromium,
 * xterm.js's DOM renderer), against xterm.js itself in the same page.
 *
 * The same 20 MB — plain text, and a colour-heavy mix of log lines and `ls --color` rows — goes
 * (1) straight into an xterm.js Terminal created in the app's page with the app's terminal size and font:
 * the ceiling, 64 KiB writes with up to 1 MiB unparsed (the core's own window), as fast as xterm.js
 * takes them; the same into an xterm.js with the app's changes inside it (`ceilingFixed`,
 * `renderer/src/terminal/xtermInternals.ts`); also each write after the last was parsed (the issue's
 * first figure, slower), and (2) through the whole app: `cat` of the file on sandbox node 518839 in a node terminal
 * tab (node sshd → gateway → core → flow control → WebSocket → renderer → the tab's xterm). The figure is
 * (2) ÷ (1) in speed, target ≥ 0.8. Meanwhile the page is probed: a 16 ms timer's lateness, the gaps
 * between animation frames, and a round trip from here into the page every 100 ms (how long input
 * waits), each as p99 and max, target ≤ 100 ms.
 *
 * A third figure places the gap: the same `cat` through the browser host's WebSocket read by a Node
 * client that acknowledges at once (node, gateway and core without the browser).
 *
 * The page is the renderer as last built: run `npm run build:renderer` first after changing it.
 *
 * Rounds alternate which side runs first. Sizes: BENCH_TERMINAL_MB (20), BENCH_TERMINAL_ROUNDS (3);
 * BENCH_TERMINAL_SIDES=ceiling,app runs only those sides (while iterating).
 * BENCH_TERMINAL_PROFILE=DIR writes CPU profiles there: the page's during the first app and ceiling
 * runs (CDP Profiler, `page-SIDE-KIND.cpuprofile`, and Chromium's trace of it, `…trace.json`) and the web host's during the app run (`--cpu-prof`, written when it exits).
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import WebSocket from 'ws';
import { createCoreClient } from '../shared/src/contract.ts';
import { webSocketChannel } from '../shared/src/rpc/webSocketChannel.ts';
import { TERMINAL_HIGH_WATER_BYTES } from '../shared/src/terminals.ts';
import { median } from './support.ts';

/**
 * The end-to-end tests' way of starting the app (`test/e2e/appUnderTest.ts`: `start:web --sandbox` in its
 * own process, Chromium on its page, the first run done through the UI), reused as it is. The test
 * project references this one, so this one cannot reference it back for types: it is loaded at run time
 * and described here by the part the benchmark uses.
 */
interface AppUnderTest {
  web: { stderr(): string; rpcUrl(): string; origin: string; child: { pid?: number | undefined } };
  context: BrowserContext;
  page: Page;
  nodeHome(nodeId: number): string;
  close(): Promise<void>;
}
interface EndToEnd {
  startApp(options?: { env?: NodeJS.ProcessEnv }): Promise<AppUnderTest>;
  completeFirstRun(page: Page): Promise<void>;
  setRenderer(page: Page, renderer: 'DOM'): Promise<void>;
  terminal(page: Page, name: string): Locator;
  typeIn(term: Locator, text: string): Promise<void>;
  visible(locator: Locator): Promise<Locator>;
}
const END_TO_END = new URL('../test/e2e/appUnderTest.ts', import.meta.url).href;
const e2e = () => import(END_TO_END) as Promise<EndToEnd>;

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const BYTES = Math.round(env('BENCH_TERMINAL_MB', 20) * 1e6);
const ROUNDS = env('BENCH_TERMINAL_ROUNDS', 3);
const PROFILE_DIR = process.env.BENCH_TERMINAL_PROFILE;
const SIDES: Run['side'][] = ['ceiling', 'app', 'ceilingFixed', 'ceilingSequential', 'core'];
const SIDES_WANTED = (process.env.BENCH_TERMINAL_SIDES ?? SIDES.join(',')).split(',');
const NODE = 518839;
const KINDS = ['plain', 'colour'] as const;
type Kind = (typeof KINDS)[number];
const CEILING_WRITE_BYTES = 64 * 1024;
/** Unparsed bytes the ceiling keeps queued in xterm.js: the core's window. */
const CEILING_WINDOW_BYTES = TERMINAL_HIGH_WATER_BYTES;
const log = (line: string) => console.error(`bench terminal: ${line}`);
const loadAverage = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round2 = (value: number) => Math.round(value * 100) / 100;

/** A small deterministic generator, so every run draws the same bytes. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

const WORDS =
  'the quick brown fox jumps over lazy dog request worker cache index vendor module session node gateway core'.split(
    ' ',
  );

/** Prose-like lines of 1–160 characters (some wrap at the terminal's width). */
function plainLine(next: (below: number) => number): string {
  const length = 1 + next(160);
  let line = '';
  while (line.length < length) line += `${WORDS[next(WORDS.length)]} `;
  return line.slice(0, length);
}

const SGR = (codes: string, text: string) => `\x1b[${codes}m${text}\x1b[0m`;
const LEVELS = [SGR('32', 'INFO '), SGR('33', 'WARN '), SGR('1;31', 'ERROR'), SGR('2', 'DEBUG')];
const LS_COLOURS = ['01;34', '01;32', '01;36', '00', '01;35', '40;33;01', '38;5;208'];

/** A log line with timestamps, levels, 256-colour and true-colour parts, or an `ls --color` row. */
function colourLine(next: (below: number) => number, index: number): string {
  if (next(3) === 0) {
    const names = Array.from({ length: 4 + next(6) }, () => {
      const name = `${WORDS[next(WORDS.length)]}${next(100)}`;
      return SGR(LS_COLOURS[next(LS_COLOURS.length)] ?? '00', name).padEnd(24);
    });
    return names.join('');
  }
  const time = `2026-12-06T03:${String(index % 60).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}.${next(1000)}Z`;
  const status = [200, 201, 304, 404, 500][next(5)] ?? 200;
  return (
    `${SGR('2', time)} ${LEVELS[next(LEVELS.length)]} ${SGR('36', `worker-${next(8)}`)} ` +
    `GET ${SGR('4', `/api/${WORDS[next(WORDS.length)]}/${next(10000)}`)} ` +
    `${SGR(status < 400 ? '1;32' : '1;31', String(status))} ${SGR(`38;2;${next(256)};${next(256)};200`, `${next(900)}ms`)} ` +
    plainLine(next).slice(0, 40)
  );
}

/** `bytes` of text (whole lines, `\n` endings), as `cat` prints them. */
function content(kind: Kind, bytes: number): Buffer {
  const next = generator(kind === 'plain' ? 1 : 2);
  const lines: string[] = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const line = `${kind === 'plain' ? plainLine(next) : colourLine(next, index)}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''), 'latin1');
}

interface Probe {
  timerP99Ms: number;
  timerMaxMs: number;
  frameGapP99Ms: number;
  frameGapMaxMs: number;
  frames: number;
}

/** What the page script below defines, called through page.evaluate (this file compiles without DOM types). */
interface BenchWindow {
  Terminal: unknown;
  bench: {
    setData(kind: string, base64: string): void;
    prepareCeiling(cols: number, rows: number, terminalLabel: string): void;
    ceiling(kind: string, writeBytes: number, windowBytes: number, fixed: boolean): Promise<number>;
    startProbe(): void;
    stopProbe(): Probe;
    markStart(): void;
    waitForText(terminalLabel: string, text: string): Promise<number>;
  };
}

/**
 * The page's side: the ceiling terminal (an overlay over the app's terminal, of its size and font),
 * the probes and the marker wait. Plain JavaScript: it runs in the page, not here.
 */
const PAGE_SCRIPT = `(() => {
  const data = {};
  let term, overlay, probe, started = 0;
  const terms = {};
  const pct = (sorted, p) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] || 0);
  globalThis.bench = {
    setData(kind, base64) {
      const binary = atob(base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      data[kind] = bytes;
    },
    prepareCeiling(cols, rows, label) {
      const host = document.querySelector('[aria-label="' + label + '"]');
      const rowsEl = host.querySelector('.xterm-rows');
      const style = getComputedStyle(rowsEl);
      const rect = host.getBoundingClientRect();
      overlay = document.createElement('div');
      overlay.style.cssText = 'position:fixed;z-index:10000;display:none;background:#000;left:' + rect.left +
        'px;top:' + rect.top + 'px;width:' + rect.width + 'px;height:' + rect.height + 'px';
      document.body.appendChild(overlay);
      // The app's terminal: its font as drawn, TerminalView's line height, the default scrollback.
      // Two of them, one as published and one with the app's changes (on the first write's turn).
      for (const fixed of [false, true]) {
        const box = document.createElement('div');
        box.style.cssText = 'width:100%;height:100%;display:none';
        overlay.appendChild(box);
        const one = { box, unparsed: 0, term: new globalThis.Terminal({ cols, rows, fontFamily: style.fontFamily,
          fontSize: parseFloat(style.fontSize), lineHeight: 1.1, scrollback: 10000 }) };
        one.term.open(box);
        if (fixed && !globalThis.xtermFixes.fixFloodDrawing(one.term, { busy: () => one.unparsed > 0,
          drawIntervalMs: globalThis.xtermFixes.FLOOD_DRAW_INTERVAL_MS })) throw new Error('The fixes did not apply.');
        terms[fixed] = one;
      }
    },
    async ceiling(kind, writeBytes, windowBytes, fixed) {
      const bytes = data[kind];
      const one = terms[fixed];
      term = one.term;
      overlay.style.display = 'block';
      one.box.style.display = 'block';
      // From where the app's run starts: \`clear\` there erases the scrollback too, and while the
      // scrollback grows every line feed costs xterm.js more (the scrollbar's height changes, and
      // with it a timer is set and cleared; a new line is allocated): 0.2 s of a 10 MB run.
      await new Promise((resolve) => term.write('\x1b[H\x1b[2J\x1b[3J', resolve));
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const start = performance.now();
      let wake = () => {};
      for (let at = 0; at < bytes.length; at += writeBytes) {
        while (one.unparsed >= windowBytes) await new Promise((resolve) => (wake = resolve));
        const slice = bytes.subarray(at, at + writeBytes);
        one.unparsed += slice.length;
        term.write(slice, () => { one.unparsed -= slice.length; wake(); });
      }
      while (one.unparsed > 0) await new Promise((resolve) => (wake = resolve));
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const ms = performance.now() - start;
      one.box.style.display = 'none';
      overlay.style.display = 'none';
      return ms;
    },
    startProbe() {
      probe = { lateness: [], gaps: [], stop: false };
      let due = performance.now() + 16;
      const tick = () => {
        const now = performance.now();
        probe.lateness.push(now - due);
        due = now + 16;
        if (!probe.stop) setTimeout(tick, 16);
      };
      setTimeout(tick, 16);
      let last = performance.now();
      const frame = (now) => {
        probe.gaps.push(now - last);
        last = now;
        if (!probe.stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    stopProbe() {
      probe.stop = true;
      const lateness = [...probe.lateness].sort((a, b) => a - b);
      const gaps = [...probe.gaps].sort((a, b) => a - b);
      return { timerP99Ms: pct(lateness, 0.99), timerMaxMs: Math.round(lateness.at(-1) || 0),
        frameGapP99Ms: pct(gaps, 0.99), frameGapMaxMs: Math.round(gaps.at(-1) || 0), frames: gaps.length };
    },
    markStart() { started = performance.now(); },
    waitForText(label, text) {
      const rows = document.querySelector('[aria-label="' + label + '"] .xterm-rows');
      return new Promise((resolve) => {
        const check = () => rows.textContent.includes(text) ? resolve(performance.now() - started) : setTimeout(check, 10);
        check();
      });
    },
  };
})()`;

/** Round trips into the page every 100 ms while `work` runs: how long a key press would wait. */
async function pinged<T>(
  page: Page,
  work: () => Promise<T>,
): Promise<{ result: T; p99: number; max: number }> {
  const pings: number[] = [];
  let done = false;
  const pinging = (async () => {
    while (!done) {
      const sent = performance.now();
      await page.evaluate(() => 1);
      pings.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    const result = await work();
    return {
      result,
      p99: Math.round([...pings].sort((a, b) => a - b)[Math.floor(pings.length * 0.99)] ?? 0),
      max: Math.round(Math.max(0, ...pings)),
    };
  } finally {
    done = true;
    await pinging;
  }
}

/** CPU seconds spent, by whom: the web host itself (gateway, core, WebSocket), the node processes under it, Chromium. */
interface Cpu {
  host: number;
  nodes: number;
  browser: number;
  /** Chromium's part by process type (`renderer`, `gpu-process`, `utility` — the network service —, `browser`). */
  browserByType: Record<string, number>;
}

/** A Chromium process's `--type=…`, or `browser` for the main one. */
function processType(pid: number): string {
  try {
    // Chromium's children rewrite their command line into one string, arguments spaced, not NUL-separated.
    return /--type=(\S+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
}

/**
 * CPU seconds so far of the web host process, its descendants (the sandbox's sshd, shells and `cat`,
 * with the children they reaped) and this process's other descendants (Chromium), from /proc.
 */
function cpuNow(hostPid: number): Cpu {
  const TICKS = 100;
  const procs = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command's closing parenthesis: state, ppid, …, utime (12th), stime, cutime, cstime.
      const fields = stat
        .slice(stat.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      const cpu = ((fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0)) / TICKS;
      procs.set(Number(entry), { ppid: fields[1] ?? 0, cpu });
    } catch {
      // Gone while we read.
    }
  }
  const under = (root: number) => {
    const found = new Set([root]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, { ppid }] of procs)
        if (!found.has(pid) && found.has(ppid)) {
          found.add(pid);
          grew = true;
        }
    }
    return found;
  };
  const hostTree = under(hostPid);
  const mine = under(process.pid);
  const sum = (pids: Iterable<number>) =>
    [...pids].reduce((total, pid) => total + (procs.get(pid)?.cpu ?? 0), 0);
  const host = procs.get(hostPid)?.cpu ?? 0;
  const browserPids = [...mine].filter((pid) => pid !== process.pid && !hostTree.has(pid));
  const browserByType: Record<string, number> = {};
  for (const pid of browserPids) {
    const type = processType(pid);
    browserByType[type] = (browserByType[type] ?? 0) + (procs.get(pid)?.cpu ?? 0);
  }
  return { host, nodes: sum(hostTree) - host, browser: sum(browserPids), browserByType };
}

interface Run {
  kind: Kind;
  /**
   * `ceiling`: 64 KiB writes with up to 1 MiB unparsed in xterm.js (the core's window), the fastest
   * xterm.js takes it; `ceilingFixed`: the same into an xterm.js with the app's changes inside it
   * (`renderer/src/terminal/xtermInternals.ts`), which places what they win and what the path costs;
   * `ceilingSequential`: each write after the last was parsed (the issue's figure);
   * `core`: the app's path without the browser — the same `cat` in a node shell opened through the
   * browser host's WebSocket by a Node client that acknowledges each chunk at once (what the node,
   * the gateway and the core deliver).
   */
  side: 'ceiling' | 'ceilingFixed' | 'ceilingSequential' | 'app' | 'core';
  round: number;
  seconds: number;
  megabytesPerSecond: number;
  pingP99Ms: number;
  pingMaxMs: number;
  probe: Probe;
  cpuSeconds: Cpu;
}

const LABEL = `Terminal on node ${NODE}`;

async function measure(
  ui: EndToEnd,
  app: AppUnderTest,
  kind: Kind,
  side: Run['side'],
  round: number,
): Promise<Run> {
  const { page } = app;
  const term = ui.terminal(page, LABEL);
  if (side === 'app') {
    await ui.typeIn(term, 'clear\r');
    await page.evaluate(() => (globalThis as unknown as BenchWindow).bench.markStart());
    await ui.typeIn(term, `cat bench-${kind}.txt; echo bench-done-$((40+2))`);
    await page.evaluate(
      (label) => (globalThis as unknown as BenchWindow).bench.waitForText(label, '$((40+2))'),
      LABEL,
    );
  }
  const hostPid = app.web.child.pid ?? 0;
  const cpuBefore = cpuNow(hostPid);
  await page.evaluate(() => (globalThis as unknown as BenchWindow).bench.startProbe());
  const timed = await pinged(page, async () => {
    if (side === 'core') return throughCoreOnly(app, kind);
    if (side !== 'app') {
      const window = side === 'ceilingSequential' ? CEILING_WRITE_BYTES : CEILING_WINDOW_BYTES;
      return page.evaluate(
        ([k, n, w, f]) => (globalThis as unknown as BenchWindow).bench.ceiling(k, n, w, f),
        [kind, CEILING_WRITE_BYTES, window, side === 'ceilingFixed'] as const,
      );
    }
    await page.evaluate(() => (globalThis as unknown as BenchWindow).bench.markStart());
    await page.keyboard.press('Enter');
    return page.evaluate(
      (label) => (globalThis as unknown as BenchWindow).bench.waitForText(label, 'bench-done-42'),
      LABEL,
    );
  });
  const probe = await page.evaluate(() => (globalThis as unknown as BenchWindow).bench.stopProbe());
  const cpuAfter = cpuNow(hostPid);
  const cpuSeconds = {
    host: round2(cpuAfter.host - cpuBefore.host),
    nodes: round2(cpuAfter.nodes - cpuBefore.nodes),
    browser: round2(cpuAfter.browser - cpuBefore.browser),
    browserByType: Object.fromEntries(
      Object.entries(cpuAfter.browserByType).map(([type, seconds]) => [
        type,
        round2(seconds - (cpuBefore.browserByType[type] ?? 0)),
      ]),
    ),
  };
  const seconds = timed.result / 1000;
  const run = {
    kind,
    side,
    round,
    seconds: round2(seconds),
    megabytesPerSecond: round2(BYTES / 1e6 / seconds),
    pingP99Ms: timed.p99,
    pingMaxMs: timed.max,
    probe,
    cpuSeconds,
  };
  log(JSON.stringify(run));
  return run;
}

/**
 * Milliseconds from typing `cat` in a node shell to its exit, with the browser host's WebSocket read by
 * a Node client that acknowledges output as it arrives. The page gets the events too (every page does)
 * and drops them: it is not this terminal's.
 */
async function throughCoreOnly(app: AppUnderTest, kind: Kind): Promise<number> {
  const socket = new WebSocket(app.web.rpcUrl(), { origin: app.web.origin });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const { client, core } = createCoreClient(webSocketChannel(socket));
  try {
    const { profile, account } = await core.platform.current();
    if (!profile || !account) throw new Error('The browser host is not signed in.');
    const target = {
      gateway: profile.gateway,
      username: `${NODE}-${account.uid}`,
      ...(profile.gatewayKey ? { pinned: profile.gatewayKey } : {}),
    };
    let id = '';
    let started = 0;
    let prompt: () => void = () => undefined;
    const prompted = new Promise<void>((resolve) => (prompt = resolve));
    const exited = new Promise<number>((resolve) => {
      core.terminals.events.on('data', (event) => {
        if (event.id !== id) return;
        prompt();
        void core.terminals.ack(id, event.data.length).catch(() => undefined);
      });
      core.terminals.events.on('exit', (event) => {
        if (event.id === id) resolve(performance.now() - started);
      });
    });
    ({ id } = await core.terminals.open({ target, cols: 120, rows: 40 }));
    await prompted;
    started = performance.now();
    await core.terminals.write(id, `cat bench-${kind}.txt; exit\n`);
    return await exited;
  } finally {
    client.close();
    socket.close();
  }
}

/**
 * The web host's own CPU profile through its inspector (`--inspect=127.0.0.1:0` in NODE_OPTIONS, where
 * `--cpu-prof` is not allowed); the first address it printed is its own, not a child's.
 */
async function hostProfiler(stderr: string) {
  const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(stderr)?.[0];
  if (!url) throw new Error('The web host printed no inspector address.');
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let id = 0;
  const send = (method: string) =>
    new Promise<unknown>((resolve) => {
      const mine = ++id;
      const listener = (raw: Buffer) => {
        const reply = JSON.parse(raw.toString('utf8')) as { id?: number; result?: unknown };
        if (reply.id !== mine) return;
        socket.off('message', listener);
        resolve(reply.result);
      };
      socket.on('message', listener);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  return {
    start: async () => {
      await send('Profiler.enable');
      await send('Profiler.start');
    },
    stop: async () => {
      const { profile } = (await send('Profiler.stop')) as { profile: unknown };
      socket.close();
      return profile;
    },
  };
}

/** Ends the page's trace (Chromium's own work: style, layout, paint) and reads it back. */
async function traced(cdp: Awaited<ReturnType<AppUnderTest['context']['newCDPSession']>>): Promise<string> {
  const complete = new Promise<string>((resolve) =>
    cdp.once('Tracing.tracingComplete', (event) => resolve(event.stream ?? '')),
  );
  await cdp.send('Tracing.end');
  const handle = await complete;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle });
  return text;
}

/** The app's changes inside xterm.js, bundled for the page as `globalThis.xtermFixes`. */
async function xtermFixesScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../renderer/src/terminal/xtermInternals.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'xtermFixes',
    write: false,
    logLevel: 'silent',
  });
  // Evaluated as the page's script, not at its top level: the bundle's `var` would stay local.
  return `${result.outputFiles[0]?.text ?? ''};globalThis.xtermFixes = xtermFixes;`;
}

/** The screen's size in cells, as the node's pty knows it. */
async function terminalSize(ui: EndToEnd, page: Page): Promise<{ cols: number; rows: number }> {
  const term = ui.terminal(page, LABEL);
  await ui.typeIn(term, 'clear; stty size | sed "s/^/size=/"\r');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /size=(\d+) (\d+)/.exec(await term.locator('.xterm-rows').innerText());
    if (match) return { rows: Number(match[1]), cols: Number(match[2]) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The node terminal never printed its size.');
}

export async function terminalBenchmark(): Promise<Record<string, unknown>> {
  const loadBefore = loadAverage();
  if (PROFILE_DIR) await mkdir(PROFILE_DIR, { recursive: true });
  const ui = await e2e();
  const app = await ui.startApp(PROFILE_DIR ? { env: { NODE_OPTIONS: '--inspect=127.0.0.1:0' } } : {});
  try {
    const { page } = app;
    await ui.completeFirstRun(page);
    await ui.setRenderer(page, 'DOM');
    await page.getByRole('button', { name: `Open terminal on node ${NODE}` }).click();
    await ui.visible(page.getByRole('tab', { name: new RegExp(`${NODE}.*\\(connected\\)`) }));
    const size = await terminalSize(ui, page);
    log(`terminal ${size.cols}×${size.rows}, ${BYTES} bytes per run`);

    const xterm = createRequire(import.meta.url).resolve('@xterm/xterm/lib/xterm.js');
    await page.evaluate(await readFile(xterm, 'utf8'));
    await page.evaluate(await xtermFixesScript());
    await page.evaluate(PAGE_SCRIPT);
    for (const kind of KINDS) {
      const text = content(kind, BYTES);
      await writeFile(join(app.nodeHome(NODE), `bench-${kind}.txt`), text, { mode: 0o644 });
      // What xterm receives from the node's pty, which turns each \n into \r\n.
      const drawn = Buffer.from(text.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
      await page.evaluate(([k, b64]) => (globalThis as unknown as BenchWindow).bench.setData(k, b64), [
        kind,
        drawn.toString('base64'),
      ] as const);
    }
    await page.evaluate(
      ([c, r, label]) => (globalThis as unknown as BenchWindow).bench.prepareCeiling(c, r, label),
      [size.cols, size.rows, LABEL] as const,
    );

    let host: Awaited<ReturnType<typeof hostProfiler>> | undefined;
    let cdp: Awaited<ReturnType<AppUnderTest['context']['newCDPSession']>> | undefined;
    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, kind] of KINDS.entries()) {
        const sides = SIDES.filter((side) => SIDES_WANTED.includes(side));
        if ((round + index) % 2 === 1) sides.reverse();
        for (const side of sides) {
          const profiling = PROFILE_DIR && round === 0 && (side === 'app' || side === 'ceiling');
          if (profiling) {
            if (side === 'app') {
              host = await hostProfiler(app.web.stderr());
              await host.start();
            }
            cdp = await app.context.newCDPSession(page);
            await cdp.send('Profiler.enable');
            await cdp.send('Profiler.start');
            await cdp.send('Tracing.start', {
              categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
              transferMode: 'ReturnAsStream',
            });
          }
          runs.push(await measure(ui, app, kind, side, round));
          if (profiling && cdp && PROFILE_DIR) {
            const { profile } = await cdp.send('Profiler.stop');
            await writeFile(join(PROFILE_DIR, `page-${side}-${kind}.trace.json`), await traced(cdp));
            await writeFile(join(PROFILE_DIR, `page-${side}-${kind}.cpuprofile`), JSON.stringify(profile));
            await cdp.detach();
            if (side === 'app')
              await writeFile(
                join(PROFILE_DIR, `host-${kind}.cpuprofile`),
                JSON.stringify(await host?.stop()),
              );
          }
        }
      }
    }
    await rm(join(app.nodeHome(NODE), 'bench-plain.txt'), { force: true });
    await rm(join(app.nodeHome(NODE), 'bench-colour.txt'), { force: true });

    const summary = Object.fromEntries(
      KINDS.map((kind) => {
        const of = (side: Run['side']) => runs.filter((run) => run.kind === kind && run.side === side);
        const ratios = (peer: Run['side']) =>
          Array.from({ length: ROUNDS }, (_, round) => {
            const ceiling = of(peer).find((run) => run.round === round);
            const app = of('app').find((run) => run.round === round);
            return ceiling && app ? round2(ceiling.seconds / app.seconds) : 0;
          });
        const worst = (pick: (run: Run) => number) => Math.max(...of('app').map(pick));
        return [
          kind,
          {
            ceilingMBps: round2(median(of('ceiling').map((run) => run.megabytesPerSecond))),
            appMBps: round2(median(of('app').map((run) => run.megabytesPerSecond))),
            ceilingSequentialMBps: round2(
              median(of('ceilingSequential').map((run) => run.megabytesPerSecond)),
            ),
            ratioPerRound: ratios('ceiling'),
            ratioMedian: round2(median(ratios('ceiling'))),
            ceilingFixedMBps: round2(median(of('ceilingFixed').map((run) => run.megabytesPerSecond))),
            ratioToFixedPerRound: ratios('ceilingFixed'),
            ratioToFixedMedian: round2(median(ratios('ceilingFixed'))),
            ratioToSequentialMedian: round2(median(ratios('ceilingSequential'))),
            ratioToCoreOnlyMedian: round2(median(ratios('core'))),
            appWorstTimerP99Ms: worst((run) => run.probe.timerP99Ms),
            appWorstTimerMaxMs: worst((run) => run.probe.timerMaxMs),
            appWorstFrameGapMaxMs: worst((run) => run.probe.frameGapMaxMs),
            appWorstPingP99Ms: worst((run) => run.pingP99Ms),
            appWorstPingMaxMs: worst((run) => run.pingMaxMs),
          },
        ];
      }),
    );
    return {
      benchmark: 'terminal',
      bytes: BYTES,
      rounds: ROUNDS,
      renderer: 'dom',
      terminal: size,
      ceilingWriteBytes: CEILING_WRITE_BYTES,
      ceilingWindowBytes: CEILING_WINDOW_BYTES,
      target: { ratio: 0.8, inputDelayMs: 100 },
      summary,
      runs,
      loadBefore,
      loadAfter: loadAverage(),
    };
  } finally {
    await app.close();
  }
}
