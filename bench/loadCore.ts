/**
 * The app-core half of the load benchmark (and of test/reliability/load.test.ts): many terminals and
 * transfers at once through one process's core services — GatewayConnections, TerminalSessions,
 * TransferEngine — as the desktop app's core process runs them. Measures this process's event loop
 * delay during the load against the same process idle, and its memory before, during and after.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ConnectionTarget } from '../shared/src/connections.ts';
import { GatewayConnections } from '../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../electron/core/ssh/GatewaySftp.ts';
import { HostKeys } from '../electron/core/ssh/HostKeys.ts';
import { TerminalSessions } from '../electron/core/terminals/TerminalSessions.ts';
import { TransferEngine } from '../electron/core/transfers/TransferEngine.ts';
import { mainThreadSchedule, settledMemory } from './loadSystem.ts';
import { randomFile, sha256File } from './support.ts';

const MIB = 1 << 20;
/** The histogram's sampling interval; each sample is this plus the delay, so it is subtracted. */
const RESOLUTION_MS = 10;

export interface CoreLoadOptions {
  gateway: { host: string; port: number; rsaSha256: string };
  privateKey: string;
  /** User names the terminals and transfers use in turn (`NODEID-UID`). */
  usernames: string[];
  nodeHome: (username: string) => string;
  terminals: number;
  transfers: number;
  /** How long the terminals type and the transfers repeat. */
  seconds: number;
  /** Size of each transferred file. */
  fileMiB: number;
  /** Idle time over which the event loop's delay is measured before the load (the peer figure). */
  idleSeconds: number;
  workDir: string;
  log?: (line: string) => void;
}

interface MemoryFigures {
  heapUsedMiB: number;
  rssMiB: number;
  /** Buffers outside the V8 heap (file and socket data); absent for the peak. */
  externalMiB?: number;
}

export interface CoreLoadResult {
  terminals: number;
  transfers: number;
  failures: string[];
  commands: number;
  terminalMiB: number;
  transferJobs: number;
  transferredMiB: number;
  hashMismatches: number;
  loadSeconds: number;
  /** CPU this process used during the load, in cores (1 = one core busy all the time). */
  processCores: number;
  /** Time the main thread was ready to run but waited for a CPU during the load (schedstat). */
  mainThreadWaitingForCpuSeconds: number | null;
  /** Timer ticks more than `over` ms late: how many, and how much of them the main thread ran or waited. */
  stalls: { over: number; count: number; lateMs: number; onCpuShare: number; waitingForCpuShare: number };
  /** Event loop delay beyond the histogram's 10 ms interval, in ms. */
  eventLoopDelay: {
    idle: { p50: number; p99: number; max: number };
    load: { p50: number; p99: number; max: number };
  };
  memory: {
    /** After a warm-up (one terminal, one transfer), connections closed, two full collections. */
    baseline: MemoryFigures;
    /** Highest seen during the load, without forcing a collection. */
    peakDuring: MemoryFigures;
    /** At the end of the load, everything still open, after full collections. */
    settledDuring: MemoryFigures;
    /** Every terminal and connection closed, the finished jobs still listed (as the app keeps them). */
    afterClose: MemoryFigures;
    /** …and the finished jobs cleared (the transfers panel's "Clear"). */
    afterClear: MemoryFigures;
    heapUsedAfterClearMinusBaselineMiB: number;
    rssAfterClearMinusBaselineMiB: number;
  };
}

const toMiB = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;
const figures = (m: { heapUsed: number; rss: number; external: number }): MemoryFigures => ({
  heapUsedMiB: toMiB(m.heapUsed),
  rssMiB: toMiB(m.rss),
  externalMiB: toMiB(m.external),
});
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Where the event loop's long delays went: a 10 ms timer that, whenever it fires more than
 * `thresholdMs` late, splits the late interval into time the main thread ran (this process's own
 * synchronous work) and time it waited for a CPU (the machine's other processes) — on a shared 2-core
 * machine the second can dominate, and the histogram alone cannot tell them apart.
 */
class StallMeter {
  private timer: NodeJS.Timeout | undefined;
  private last = { at: 0, runNs: 0, waitNs: 0 };
  stalls = 0;
  lateMs = 0;
  runMs = 0;
  waitMs = 0;

  constructor(private readonly thresholdMs = 50) {}

  start(): void {
    const first = mainThreadSchedule();
    if (!first) return;
    this.last = { at: performance.now(), ...first };
    this.timer = setInterval(() => {
      const now = performance.now();
      const sched = mainThreadSchedule();
      if (!sched) return;
      const late = now - this.last.at - RESOLUTION_MS;
      if (late > this.thresholdMs) {
        this.stalls++;
        this.lateMs += late;
        this.runMs += (sched.runNs - this.last.runNs) / 1e6;
        this.waitMs += (sched.waitNs - this.last.waitNs) / 1e6;
      }
      this.last = { at: now, ...sched };
    }, RESOLUTION_MS);
  }

  stop(): { over: number; count: number; lateMs: number; onCpuShare: number; waitingForCpuShare: number } {
    clearInterval(this.timer);
    const span = this.runMs + this.waitMs;
    const share = (part: number) => (span > 0 ? Math.round((part / span) * 100) / 100 : 0);
    return {
      over: this.thresholdMs,
      count: this.stalls,
      lateMs: Math.round(this.lateMs),
      onCpuShare: share(this.runMs),
      waitingForCpuShare: share(this.waitMs),
    };
  }
}

function delays(histogram: IntervalHistogram) {
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
}

export async function runCoreLoad(options: CoreLoadOptions): Promise<CoreLoadResult> {
  const log = options.log ?? (() => undefined);
  const target = (username: string): ConnectionTarget => ({
    gateway: { host: options.gateway.host, port: options.gateway.port },
    username,
    pinned: { keyType: 'ssh-rsa', sha256: options.gateway.rsaSha256 },
  });
  const userOf = (i: number) => options.usernames[i % options.usernames.length] ?? '';
  const connections = new GatewayConnections({
    hostKeys: new HostKeys(join(options.workDir, 'known_hosts')),
    identity: async () => [{ name: 'bench key', privateKey: options.privateKey }],
    interactive: false,
  });
  const terminals = new TerminalSessions(connections);
  const engine = new TransferEngine(new GatewaySftp(connections), { concurrency: options.transfers });
  const failures: string[] = [];
  const fail = (why: string) => {
    if (failures.length < 20) failures.push(why);
  };

  // Terminal output is acknowledged as soon as it arrives, as a screen that keeps up would.
  const outputs = new Map<
    string,
    { text: string; bytes: number; waiter?: { pattern: string; done(): void } }
  >();
  /** Terminals that have ended, and why; and who waits for the end of which terminal. */
  const ended = new Map<string, string>();
  const exits = new Map<string, () => void>();
  const decoder = new TextDecoder();
  const stopData = terminals.events.on('data', ({ id, data }) => {
    void terminals.ack(id, data.length);
    const output = outputs.get(id);
    if (!output) return;
    output.bytes += data.length;
    output.text = (output.text + decoder.decode(data)).slice(-4096);
    if (output.waiter && output.text.includes(output.waiter.pattern)) {
      const { done } = output.waiter;
      output.waiter = undefined;
      output.text = '';
      done();
    }
  });
  const stopExit = terminals.events.on('exit', ({ id, code, signal, reason }) => {
    ended.set(id, reason ?? `code ${code}, signal ${signal}`);
    exits.get(id)?.();
  });

  /** Types a command that prints `lines` lines and then `Ti.n.<n*7>`, and waits for that. */
  const command = (id: string, i: number, n: number, lines: number) =>
    new Promise<void>((resolve, reject) => {
      const output = outputs.get(id);
      if (!output) return reject(new Error('no such terminal'));
      const timer = setTimeout(() => reject(new Error(`terminal ${i}: no answer to command ${n}`)), 120_000);
      output.waiter = {
        pattern: `T${i}.${n}.${n * 7}`,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      void terminals.write(id, `seq -f 'T${i} line %g' 1 ${lines}; echo T${i}.${n}.$((${n}*7))\r`);
    });

  const openTerminal = async (i: number) => {
    const { id } = await terminals.open({ target: target(userOf(i)), cols: 120, rows: 40 });
    outputs.set(id, { text: '', bytes: 0 });
    return id;
  };
  const closeTerminal = async (id: string) => {
    // A terminal that ended on its own before being closed is a failure of the load.
    if (ended.has(id)) fail(`terminal ${id} ended before it was closed: ${ended.get(id)}`);
    else {
      let timer: NodeJS.Timeout | undefined;
      const exited = new Promise<boolean>((resolve) => {
        exits.set(id, () => resolve(true));
        timer = setTimeout(() => resolve(false), 30_000);
      });
      await terminals.close(id);
      if (!(await exited)) fail(`terminal ${id} sent no exit within 30 s of its close`);
      clearTimeout(timer);
    }
    outputs.delete(id);
    exits.delete(id);
    ended.delete(id);
  };

  // Files: each even slot uploads its own, each odd slot downloads one put straight on the node's disk.
  const slots = await Promise.all(
    Array.from({ length: options.transfers }, async (_, k) => {
      const username = userOf(k);
      const remotePath = `core-load-${k}.bin`;
      const local = join(options.workDir, `core-${k}.bin`);
      if (k % 2 === 0) {
        await randomFile(local, options.fileMiB * MIB);
        return { k, username, direction: 'upload' as const, local, remotePath, sha: await sha256File(local) };
      }
      const data = randomBytes(options.fileMiB * MIB);
      const remote = join(options.nodeHome(username), remotePath);
      await writeFile(remote, data);
      return {
        k,
        username,
        direction: 'download' as const,
        local,
        remotePath,
        sha: await sha256File(remote),
      };
    }),
  );

  try {
    // Warm-up: one terminal and one small transfer, so that modules, code and caches are in place.
    {
      const id = await openTerminal(0);
      await command(id, 0, 0, 1);
      await closeTerminal(id);
      const warm = join(options.workDir, 'warm.bin');
      await randomFile(warm, MIB);
      const job = await engine.upload({
        target: target(userOf(0)),
        localPath: warm,
        remotePath: 'core-warm.bin',
        conflict: 'overwrite',
      });
      await engine.wait(job.id);
      await engine.clearFinished();
      connections.closeAll();
      await sleep(500);
    }
    const baseline = await settledMemory();
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    await sleep(options.idleSeconds * 1000);
    histogram.disable();
    const idleDelay = delays(histogram);
    histogram.reset();
    log(
      `core baseline heap ${toMiB(baseline.heapUsed)} MiB, RSS ${toMiB(baseline.rss)} MiB; idle delay p99 ${idleDelay.p99} ms`,
    );

    // The load: every terminal and transfer at once, for `seconds`.
    let peakHeap = 0;
    let peakRss = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakRss = Math.max(peakRss, usage.rss);
    }, 250);
    histogram.enable();
    const stalls = new StallMeter();
    stalls.start();
    const scheduleStart = mainThreadSchedule();
    const cpuStart = process.cpuUsage();
    const started = Date.now();
    const deadline = started + options.seconds * 1000;
    let commands = 0;
    let jobs = 0;
    let transferred = 0;
    let hashMismatches = 0;
    const ids: string[] = [];
    const terminalLoops = Array.from({ length: options.terminals }, async (_, i) => {
      try {
        const id = await openTerminal(i);
        ids.push(id);
        let n = 1;
        do {
          await command(id, i, n++, 200);
          commands++;
          await sleep(250 + Math.random() * 500);
        } while (Date.now() < deadline);
      } catch (error) {
        fail(`terminal ${i}: ${(error as Error).message}`);
      }
    });
    const transferLoops = slots.map(async (slot) => {
      try {
        do {
          const request = {
            target: target(slot.username),
            localPath: slot.local,
            remotePath: slot.remotePath,
            conflict: 'overwrite' as const,
          };
          const job =
            slot.direction === 'upload' ? await engine.upload(request) : await engine.download(request);
          const done = await engine.wait(job.id);
          if (done.state !== 'done') throw new Error(`${slot.direction} ended ${done.state}`);
          jobs++;
          transferred += options.fileMiB * MIB;
          // Streamed, so that checking does not hold the event loop being measured.
          const copy =
            slot.direction === 'upload' ? join(options.nodeHome(slot.username), slot.remotePath) : slot.local;
          if ((await sha256File(copy)) !== slot.sha) {
            hashMismatches++;
            fail(`transfer ${slot.k}: ${slot.direction} differs`);
          }
        } while (Date.now() < deadline);
      } catch (error) {
        fail(`transfer ${slot.k}: ${(error as Error).message}`);
      }
    });
    await Promise.all([...terminalLoops, ...transferLoops]);
    const loadSeconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const scheduleEnd = mainThreadSchedule();
    const stallFigures = stalls.stop();
    histogram.disable();
    clearInterval(sampler);
    const loadDelay = delays(histogram);
    const settledDuring = await settledMemory();
    const terminalBytes = [...outputs.values()].reduce((sum, o) => sum + o.bytes, 0);
    log(
      `core load ${Math.round(loadSeconds)} s: ${commands} commands, ${jobs} transfers; delay p99 ${loadDelay.p99} ms`,
    );

    await Promise.all(ids.map((id) => closeTerminal(id)));
    connections.closeAll();
    await sleep(1000);
    const afterClose = await settledMemory();
    await engine.clearFinished();
    const afterClear = await settledMemory();
    return {
      terminals: options.terminals,
      transfers: options.transfers,
      failures,
      commands,
      terminalMiB: toMiB(terminalBytes),
      transferJobs: jobs,
      transferredMiB: toMiB(transferred),
      hashMismatches,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      processCores: Math.round(((cpu.user + cpu.system) / 1e6 / loadSeconds) * 100) / 100,
      mainThreadWaitingForCpuSeconds:
        scheduleStart && scheduleEnd
          ? Math.round((scheduleEnd.waitNs - scheduleStart.waitNs) / 1e7) / 100
          : null,
      stalls: stallFigures,
      eventLoopDelay: { idle: idleDelay, load: loadDelay },
      memory: {
        baseline: figures(baseline),
        peakDuring: { heapUsedMiB: toMiB(peakHeap), rssMiB: toMiB(peakRss) },
        settledDuring: figures(settledDuring),
        afterClose: figures(afterClose),
        afterClear: figures(afterClear),
        heapUsedAfterClearMinusBaselineMiB: toMiB(afterClear.heapUsed - baseline.heapUsed),
        rssAfterClearMinusBaselineMiB: toMiB(afterClear.rss - baseline.rss),
      },
    };
  } finally {
    stopData();
    stopExit();
    connections.closeAll();
  }
}
