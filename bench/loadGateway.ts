/**
 * The gateway half of the load benchmark (and of test/reliability/load.test.ts): many direct-mode
 * sessions at once from client processes of their own, each with a pty shell and SFTP round trips;
 * and new connections per second, against the gateway and against OpenSSH's sshd. The server's
 * memory and CPU come from /proc, so only the server is counted — the clients share the machine's
 * cores with it, and their CPU is reported beside the server's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type {
  ChildMessage,
  ClientConfig,
  LoadServer,
  ParentCommand,
  SessionReport,
  SessionsConfig,
} from './loadProtocol.ts';
import { median } from './support.ts';
import {
  clockTicks,
  cpuBetween,
  cpuOf,
  descendants,
  processTimes,
  pssBytes,
  rssBytes,
  systemCpuOf,
  threadSchedule,
} from './loadSystem.ts';

const CLIENT = join(import.meta.dirname, 'loadClient.ts');
const MIB = 1 << 20;

type MessageOf<T extends ChildMessage['type']> = Extract<ChildMessage, { type: T }>;

/** A forked load client and the messages it has sent, taken in order by `next`. */
class ClientProcess {
  private readonly inbox: ChildMessage[] = [];
  private wake: (() => void) | undefined;
  private exitCode: number | null | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      this.inbox.push(message);
      this.wake?.();
    });
    child.once('exit', (code) => {
      this.exitCode = code;
      this.wake?.();
    });
  }

  static start(config: ClientConfig): ClientProcess {
    return new ClientProcess(
      fork(CLIENT, [JSON.stringify(config)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(command: ParentCommand): void {
    this.child.send(command);
  }

  async next<T extends ChildMessage['type']>(type: T): Promise<MessageOf<T>> {
    for (;;) {
      const message = this.inbox.shift();
      if (message) {
        if (message.type !== type) throw new Error(`load client sent '${message.type}', expected '${type}'`);
        return message as MessageOf<T>;
      }
      if (this.exitCode !== undefined) {
        throw new Error(`load client exited (${this.exitCode}) before sending '${type}'`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  async exited(): Promise<void> {
    if (this.exitCode !== undefined) return;
    await new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
  }
}

/** Sends a command to every client and waits for each one's answer. */
async function step<T extends ChildMessage['type']>(
  clients: ClientProcess[],
  command: ParentCommand | undefined,
  answer: T,
): Promise<MessageOf<T>[]> {
  if (command) for (const client of clients) client.send(command);
  return Promise.all(clients.map((client) => client.next(answer)));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Memory once the last step's work has finished: a moment to settle, then full collections. */
async function settled(memory: SettledMemory): Promise<MemorySample> {
  await sleep(1000);
  return memory();
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const toMiB = (bytes: number) => round(bytes / MIB, 1);

/** The gateway process's memory after full garbage collections (SandboxProcess.memory). */
export type SettledMemory = () => Promise<MemorySample>;

interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Buffers outside the V8 heap (socket and channel data). */
  arrayBuffers: number;
}

export interface GatewayLoadOptions {
  server: LoadServer;
  /** The process the gateway runs in (the sandbox's: API, store and gateway). */
  gatewayPid: number;
  settledMemory: SettledMemory;
  /** User names the sessions use in turn (`NODEID-UID`). */
  usernames: string[];
  /** Where each user name's node keeps its files, to check the uploaded copies. */
  nodeHome: (username: string) => string;
  sessions: number;
  /** Client processes the sessions are spread over. */
  clients: number;
  /** How long the shells and transfers run. */
  seconds: number;
  /** Size of session `index`'s file. */
  fileBytes: (index: number) => number;
  workDir: string;
  commandIntervalMs?: number;
  /**
   * Extra sessions with a shell only, no SFTP, started once the others are open: how long a keystroke's
   * answer takes when the session itself moves no data but the gateway (and the pooled node
   * connection it shares) carries everyone else's transfers.
   */
  probes?: number;
  /**
   * The peer of the probes: as many shell-only sessions straight to a node's sshd (no gateway), beside
   * the same load — what the machine alone does to a keystroke's answer.
   */
  directProbes?: { server: LoadServer; username: string };
  log?: (line: string) => void;
}

interface PerSession {
  rss: number;
  heap: number;
  arrayBuffers: number;
}

type ProbeLatency = Percentiles & { probes: number; failed: number };

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** The whole machine's CPU time so far (all cores), busy and idle, in seconds (/proc/stat). */
async function machineTimes(): Promise<{ busy: number; idle: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const ticks = values.map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are idle.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const perSecond = await clockTicks();
  return { busy: (total - idle) / perSecond, idle: idle / perSecond };
}

export interface GatewayLoadResult {
  sessions: number;
  failedSessions: number;
  /** The first few failures, `user#index: what`. */
  failures: string[];
  /** Every failure's reason (without the session and numbers), with how many sessions had it. */
  failureReasons: Record<string, number>;
  hashMismatches: number;
  /** Sessions whose last upload, on the node's disk, has the SHA-256 of its source. */
  remoteFilesIntact: number;
  /** Every session did at least one command and one round trip. */
  minCommandsPerSession: number;
  minRoundTripsPerSession: number;
  commands: number;
  /** Time from typing a command to its answer, during the run (ms). */
  commandLatencyMs: Percentiles;
  /** The same for the shell-only probe sessions through the gateway (absent without probes)… */
  probeCommandLatencyMs?: ProbeLatency;
  /** …and for those straight to a node's sshd. */
  directProbeCommandLatencyMs?: ProbeLatency;
  roundTrips: number;
  relayedMiB: { up: number; down: number; shell: number; total: number };
  runSeconds: number;
  /**
   * The gateway process after full collections (RSS and V8 heap, MiB) at each step, and RSS sampled
   * every second during the run without forcing a collection.
   */
  memory: {
    baseline: MemoryFigures;
    idleConnections: MemoryFigures;
    openSessions: MemoryFigures;
    /** At the end of the run, the transfers still going. */
    activeSessions: MemoryFigures;
    afterClose: MemoryFigures;
    activeRssMedianMiB: number;
    activeRssMaxMiB: number;
    /** KiB of RSS, V8 heap and buffers per authenticated connection without channels. */
    perIdleConnectionKiB: PerSession;
    /** Per connection with an open (quiet) pty shell and SFTP channel. */
    perOpenSessionKiB: PerSession;
    /** Per session while shells and transfers run. */
    perActiveSessionKiB: PerSession;
  };
  cpu: {
    /** Without the CPU of the memory sample's forced full collections (the benchmark's own). */
    gatewaySeconds: number;
    gatewayMsPerMiB: number;
    /** Of that, in the kernel (the memory sample's share included: it makes few system calls). */
    gatewaySystemMsPerMiB: number;
    gatewayMemorySampleSeconds: number;
    /** The nodes' sshd connection processes: one SSH hop for the same bytes (the gateway terminates two). */
    nodeSshdSeconds: number;
    nodeSshdMsPerMiB: number;
    nodeSshdSystemMsPerMiB: number;
    /** The nodes' sftp-server and shell processes. */
    nodeSessionSeconds: number;
    clientSeconds: number;
    /**
     * The gateway's main thread (its event loop) during the run: the share of the time it was running
     * and the share it was ready to run but waiting for a CPU. Together near 1: it never idled — all
     * the CPU it got, it used, and it wanted more.
     */
    gatewayMainThread: { runningShare: number; waitingForCpuShare: number } | null;
    /**
     * Share of the machine's CPU time during the run: the gateway, the node sshds, the nodes'
     * sftp-server and shells, the load clients, everything else on the machine (other engineers'
     * work included), and idle.
     */
    coreShare: {
      gateway: number;
      nodeSshd: number;
      nodeSessions: number;
      clients: number;
      others: number;
      idle: number;
    };
  };
  phasesMs: { connect: number; open: number; stop: number; close: number };
}

type SessionSettings = Pick<
  GatewayLoadOptions,
  'server' | 'usernames' | 'fileBytes' | 'workDir' | 'commandIntervalMs'
>;

/** `sessions` sessions spread over `clients` client processes, their user names taken in turn. */
function sessionConfigs(options: SessionSettings, sessions: number, clients: number): SessionsConfig[] {
  const perClient = Math.ceil(sessions / clients);
  const configs: SessionsConfig[] = [];
  for (let c = 0; c * perClient < sessions; c++) {
    const indexes = Array.from(
      { length: Math.min(perClient, sessions - c * perClient) },
      (_, i) => c * perClient + i,
    );
    configs.push({
      mode: 'sessions',
      server: options.server,
      sessions: indexes.map((index) => ({
        index,
        username: options.usernames[index % options.usernames.length] ?? '',
      })),
      // The gateway refuses connections over 64 unauthenticated ones (MaxStartups): stay below it.
      maxHandshakes: Math.max(1, Math.floor(48 / clients)),
      workDir: join(options.workDir, `client-${c}`),
      fileBytes: Array.from({ length: sessions }, (_, i) => options.fileBytes(i)),
      commandIntervalMs: options.commandIntervalMs ?? 1000,
      commandTimeoutMs: 120_000,
      transferTimeoutMs: 300_000,
      readyTimeoutMs: 120_000,
    });
  }
  return configs;
}

export interface MemoryFigures {
  rssMiB: number;
  heapUsedMiB: number;
  arrayBuffersMiB: number;
}

const figures = (m: MemorySample): MemoryFigures => ({
  rssMiB: toMiB(m.rss),
  heapUsedMiB: toMiB(m.heapUsed),
  arrayBuffersMiB: toMiB(m.arrayBuffers),
});

export async function runGatewayLoad(options: GatewayLoadOptions): Promise<GatewayLoadResult> {
  const log = options.log ?? (() => undefined);
  const pid = options.gatewayPid;

  // A single session first, so that code paths, the upstream pool and the store are warm before the
  // baseline is taken.
  const [warmConfig] = sessionConfigs({ ...options, workDir: join(options.workDir, 'warm') }, 1, 1);
  if (!warmConfig) throw new Error('no warm-up session');
  const warm = ClientProcess.start(warmConfig);
  try {
    await warm.next('ready');
    for (const [command, answer] of [
      ['connect', 'connected'],
      ['open', 'opened'],
      ['run', 'running'],
      ['stop', 'stopped'],
      ['close', 'closed'],
    ] as const) {
      await step([warm], { type: command }, answer);
    }
  } finally {
    warm.kill();
  }
  const baseline = await settled(options.settledMemory);
  log(`gateway baseline: RSS ${toMiB(baseline.rss)} MiB, heap ${toMiB(baseline.heapUsed)} MiB`);

  const clients = sessionConfigs(options, options.sessions, options.clients).map((c) =>
    ClientProcess.start(c),
  );
  const loadClients = [...clients];
  try {
    await step(clients, undefined, 'ready');
    let t = Date.now();
    const connected = await step(clients, { type: 'connect' }, 'connected');
    const connectMs = Date.now() - t;
    const idle = await settled(options.settledMemory);
    log(
      `${sum(connected.map((c) => c.ok))} connections in ${connectMs} ms; gateway RSS ${toMiB(idle.rss)} MiB`,
    );

    t = Date.now();
    await step(clients, { type: 'open' }, 'opened');
    const openMs = Date.now() - t;
    const open = await settled(options.settledMemory);
    log(`shells and SFTP open in ${openMs} ms; gateway RSS ${toMiB(open.rss)} MiB`);

    // The probes come after the memory figures (a few quiet shells would only blur them).
    const probeCount = options.probes ?? 0;
    const isProbe = (index: number) => index >= options.sessions && index < options.sessions + probeCount;
    const isDirectProbe = (index: number) => index >= options.sessions + probeCount;
    if (probeCount > 0) {
      const [probeConfig] = sessionConfigs(
        { ...options, workDir: join(options.workDir, 'probes') },
        options.sessions + probeCount * 2,
        1,
      );
      if (!probeConfig) throw new Error('no probe sessions');
      const probes = [
        ClientProcess.start({
          ...probeConfig,
          shellOnly: true,
          sessions: probeConfig.sessions.slice(options.sessions, options.sessions + probeCount),
        }),
      ];
      const direct = options.directProbes;
      if (direct) {
        probes.push(
          ClientProcess.start({
            ...probeConfig,
            server: direct.server,
            shellOnly: true,
            sessions: probeConfig.sessions
              .slice(options.sessions + probeCount)
              .map((s) => ({ ...s, username: direct.username })),
          }),
        );
      }
      clients.push(...probes);
      await step(probes, undefined, 'ready');
      await step(probes, { type: 'connect' }, 'connected');
      await step(probes, { type: 'open' }, 'opened');
    }

    // CPU from here to the end of the run: the gateway, its node processes (by name), the clients.
    const nodeProcesses = await descendants(pid);
    const nodeSshd = nodeProcesses.filter((p) => p.comm === 'sshd').map((p) => p.pid);
    const nodeSessions = nodeProcesses.filter((p) => p.comm !== 'sshd').map((p) => p.pid);
    const gatewayBefore = await processTimes(pid);
    const sshdBefore = await cpuOf(nodeSshd);
    const sshdSystemBefore = await systemCpuOf(nodeSshd);
    const sessionsBefore = await cpuOf(nodeSessions);
    const machineBefore = await machineTimes();
    const gatewayThreadBefore = await threadSchedule(pid);
    const runStart = Date.now();
    await step(clients, { type: 'run' }, 'running');
    const activeRss: number[] = [];
    while (Date.now() - runStart < options.seconds * 1000) {
      await sleep(Math.min(1000, Math.max(0, options.seconds * 1000 - (Date.now() - runStart))));
      activeRss.push(await rssBytes(pid));
    }
    // The probes stop first: the memory sample's two full collections stop the gateway for up to a
    // second on a loaded machine — the benchmark's own doing, not what a keystroke meets in use (it
    // was the slowest keystroke of some runs until 6 Dec 2026).
    const probeClients = clients.filter((client) => !loadClients.includes(client));
    const probesStopped = await step(probeClients, { type: 'stop' }, 'stopped');
    // Taken while the transfers still run: what the gateway holds for active sessions.
    t = Date.now();
    const sampleBefore = await processTimes(pid);
    const active = await options.settledMemory();
    // The sample's forced full collections are the benchmark's doing, not relaying: their CPU is
    // taken out of the gateway's (0.08–0.2 s of its 12–13 s in 30 s runs with 200 sessions, 6 Dec 2026).
    const sampleSeconds = ((await processTimes(pid))?.self ?? 0) - (sampleBefore?.self ?? 0);
    log(`active memory sample (full collections in the gateway) took ${Date.now() - t} ms`);
    t = Date.now();
    const stopped = [...(await step(loadClients, { type: 'stop' }, 'stopped')), ...probesStopped];
    const stopMs = Date.now() - t;
    const runSeconds = (Date.now() - runStart) / 1000;
    const gatewayAfter = await processTimes(pid);
    const sshdSeconds = cpuBetween(sshdBefore, await cpuOf(nodeSshd));
    const sessionSeconds = cpuBetween(sessionsBefore, await cpuOf(nodeSessions));
    const gatewaySeconds = (gatewayAfter?.self ?? 0) - (gatewayBefore?.self ?? 0) - sampleSeconds;
    const gatewaySystemSeconds = (gatewayAfter?.system ?? 0) - (gatewayBefore?.system ?? 0);
    const sshdSystemSeconds = cpuBetween(sshdSystemBefore, await systemCpuOf(nodeSshd));
    const clientSeconds = sum(stopped.map((s) => s.cpuSeconds));
    const machineAfter = await machineTimes();
    const gatewayThreadAfter = await threadSchedule(pid);
    const machineBusy = machineAfter.busy - machineBefore.busy;
    const machineIdle = machineAfter.idle - machineBefore.idle;
    log(`run of ${round(runSeconds)} s stopped (${stopMs} ms to finish the transfers in progress)`);

    const allReports = stopped.flatMap((s) => s.sessions);
    const reports = allReports.filter((r) => r.index < options.sessions);
    const probeLatency = (which: (index: number) => boolean): ProbeLatency | undefined => {
      const probes = allReports.filter((r) => which(r.index));
      if (!probes.length) return undefined;
      return {
        ...percentiles(probes.flatMap((r) => r.commandMs)),
        probes: probes.length,
        failed: probes.filter((r) => r.failure).length,
      };
    };
    const probeLatencies = {
      probeCommandLatencyMs: probeLatency(isProbe),
      directProbeCommandLatencyMs: probeLatency(isDirectProbe),
    };
    // The last upload of each session, on the node's own disk.
    let remoteFilesIntact = 0;
    for (const report of reports) {
      const data = await readFile(join(options.nodeHome(report.username), report.remotePath)).catch(
        () => null,
      );
      if (data && createHash('sha256').update(data).digest('hex') === report.sourceSha256)
        remoteFilesIntact++;
    }

    t = Date.now();
    const closed = await step(clients, { type: 'close' }, 'closed');
    const closeMs = Date.now() - t;
    const after = await settled(options.settledMemory);

    const failures = new Map<number, string>();
    for (const report of reports)
      if (report.failure) failures.set(report.index, `${report.username}#${report.index}: ${report.failure}`);
    // A failure at close counts too (the probes' are reported with their latencies).
    for (const line of [...connected.flatMap((c) => c.failures), ...closed.flatMap((c) => c.failures)]) {
      const index = Number(/#(\d+):/.exec(line)?.[1]);
      if (index < options.sessions && !failures.has(index)) failures.set(index, line);
    }

    const up = sum(reports.map((r) => r.bytesUp));
    const down = sum(reports.map((r) => r.bytesDown));
    const shell = sum(reports.map((r) => r.shellBytes));
    const relayed = (up + down + shell) / MIB;
    const coreSeconds = machineBusy + machineIdle;
    const ours = gatewaySeconds + sshdSeconds + sessionSeconds + clientSeconds;
    const perSession = (m: MemorySample) => ({
      rss: round((m.rss - baseline.rss) / 1024 / options.sessions, 0),
      heap: round((m.heapUsed - baseline.heapUsed) / 1024 / options.sessions, 0),
      arrayBuffers: round((m.arrayBuffers - baseline.arrayBuffers) / 1024 / options.sessions, 0),
    });
    return {
      sessions: options.sessions,
      failedSessions: failures.size + Math.max(0, options.sessions - reports.length),
      failures: [...failures.values()].slice(0, 20),
      failureReasons: countReasons([...failures.values()]),
      hashMismatches: sum(reports.map((r) => r.hashMismatches)),
      remoteFilesIntact,
      minCommandsPerSession: Math.min(...reports.map((r) => r.commandsOk)),
      minRoundTripsPerSession: Math.min(...reports.map((r) => r.roundTrips)),
      commands: sum(reports.map((r: SessionReport) => r.commandsOk)),
      commandLatencyMs: percentiles(reports.flatMap((r) => r.commandMs)),
      ...Object.fromEntries(Object.entries(probeLatencies).filter(([, value]) => value !== undefined)),
      roundTrips: sum(reports.map((r) => r.roundTrips)),
      relayedMiB: { up: toMiB(up), down: toMiB(down), shell: round(shell / MIB, 2), total: round(relayed) },
      runSeconds: round(runSeconds),
      memory: {
        baseline: figures(baseline),
        idleConnections: figures(idle),
        openSessions: figures(open),
        activeSessions: figures(active),
        afterClose: figures(after),
        activeRssMedianMiB: toMiB(median(activeRss)),
        activeRssMaxMiB: toMiB(Math.max(...activeRss)),
        perIdleConnectionKiB: perSession(idle),
        perOpenSessionKiB: perSession(open),
        perActiveSessionKiB: perSession(active),
      },
      cpu: {
        gatewaySeconds: round(gatewaySeconds, 2),
        gatewayMsPerMiB: round((gatewaySeconds * 1000) / relayed, 2),
        gatewaySystemMsPerMiB: round((gatewaySystemSeconds * 1000) / relayed, 2),
        gatewayMemorySampleSeconds: round(sampleSeconds, 2),
        nodeSshdSeconds: round(sshdSeconds, 2),
        nodeSshdMsPerMiB: round((sshdSeconds * 1000) / relayed, 2),
        nodeSshdSystemMsPerMiB: round((sshdSystemSeconds * 1000) / relayed, 2),
        nodeSessionSeconds: round(sessionSeconds, 2),
        clientSeconds: round(clientSeconds, 2),
        coreShare: {
          gateway: round(gatewaySeconds / coreSeconds, 2),
          nodeSshd: round(sshdSeconds / coreSeconds, 2),
          nodeSessions: round(sessionSeconds / coreSeconds, 2),
          clients: round(clientSeconds / coreSeconds, 2),
          others: round(Math.max(0, machineBusy - ours) / coreSeconds, 2),
          idle: round(machineIdle / coreSeconds, 2),
        },
        gatewayMainThread:
          gatewayThreadBefore && gatewayThreadAfter
            ? {
                runningShare: round(
                  (gatewayThreadAfter.runNs - gatewayThreadBefore.runNs) / 1e9 / runSeconds,
                  2,
                ),
                waitingForCpuShare: round(
                  (gatewayThreadAfter.waitNs - gatewayThreadBefore.waitNs) / 1e9 / runSeconds,
                  2,
                ),
              }
            : null,
      },
      phasesMs: { connect: connectMs, open: openMs, stop: stopMs, close: closeMs },
    };
  } finally {
    for (const client of clients) client.kill();
  }
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function countReasons(failures: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of failures) {
    const reason = line.replace(/^[^:]*#\d+: /, '').replace(/\d+/g, 'N');
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

export interface IdleMemoryResult {
  connections: number;
  failed: number;
  /** KiB the server holds per authenticated connection without channels. */
  perIdleConnectionKiB: number;
}

/**
 * Memory per idle (authenticated, no channel) connection of OpenSSH's sshd: its processes' PSS with
 * `connections` connections open, less the listener's alone. sshd forks two processes per connection
 * (the privileged monitor and the user's), sharing most pages: PSS counts those shares once.
 */
export async function sshdIdleMemory(options: {
  server: LoadServer;
  sshdPid: number;
  username: string;
  connections: number;
  clients: number;
  workDir: string;
}): Promise<IdleMemoryResult> {
  const listenerAlone = await pssBytes(options.sshdPid);
  const configs = sessionConfigs(
    {
      server: options.server,
      usernames: [options.username],
      fileBytes: () => 1024,
      workDir: options.workDir,
    },
    options.connections,
    options.clients,
  ).map((c) => ({ ...c, maxHandshakes: 8 }));
  const clients = configs.map((c) => ClientProcess.start(c));
  try {
    await step(clients, undefined, 'ready');
    const connected = await step(clients, { type: 'connect' }, 'connected');
    await sleep(1500);
    let total = await pssBytes(options.sshdPid);
    for (const p of await descendants(options.sshdPid)) total += await pssBytes(p.pid);
    await step(clients, { type: 'close' }, 'closed');
    const ok = sum(connected.map((c) => c.ok));
    return {
      connections: ok,
      failed: options.connections - ok,
      perIdleConnectionKiB: round((total - listenerAlone) / 1024 / Math.max(1, ok), 0),
    };
  } finally {
    for (const client of clients) client.kill();
  }
}

export interface RateOptions {
  server: LoadServer;
  username: string;
  /** The server's process; with `tree`, its descendants' CPU counts too (sshd forks per connection). */
  serverPid: number;
  exec: boolean;
  clients: number;
  concurrencyPerClient: number;
  durationMs?: number;
  /** Connections per client process, when not time-boxed. */
  countPerClient?: number;
}

export interface RateResult {
  completed: number;
  failed: number;
  errors: string[];
  elapsedSeconds: number;
  perSecond: number;
  /** CPU of the server process alone, and with everything below it (node sshds, sshd's forks). */
  serverCpuMsPerConnection: number;
  serverTreeCpuMsPerConnection: number;
  clientCpuMsPerConnection: number;
  negotiated?: Record<string, unknown>;
}

/** CPU seconds of a process and everything below it, per pid (self + reaped children). */
async function treeTimes(pid: number): Promise<Map<number, number>> {
  const times = new Map<number, number>();
  for (const p of [{ pid }, ...(await descendants(pid))]) {
    const t = await processTimes(p.pid);
    if (t) times.set(p.pid, t.self + t.children);
  }
  return times;
}

/** New connections per second: `clients` processes, each with `concurrencyPerClient` loops. */
export async function runConnectionRate(options: RateOptions): Promise<RateResult> {
  const clients = Array.from({ length: options.clients }, () =>
    ClientProcess.start({
      mode: 'rate',
      server: options.server,
      username: options.username,
      concurrency: options.concurrencyPerClient,
      exec: options.exec,
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      ...(options.countPerClient !== undefined ? { count: options.countPerClient } : {}),
      readyTimeoutMs: 60_000,
    }),
  );
  try {
    await step(clients, undefined, 'ready');
    const selfBefore = (await processTimes(options.serverPid))?.self ?? 0;
    const treeBefore = await treeTimes(options.serverPid);
    const results = await step(clients, { type: 'go' }, 'rate');
    const selfAfter = (await processTimes(options.serverPid))?.self ?? 0;
    const treeAfter = await treeTimes(options.serverPid);
    await Promise.all(clients.map((c) => c.exited()));
    const completed = sum(results.map((r) => r.completed));
    const elapsed = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
    const perConnection = (seconds: number) => round((seconds * 1000) / Math.max(1, completed), 2);
    const negotiated = results.find((r) => r.negotiated)?.negotiated;
    return {
      completed,
      failed: sum(results.map((r) => r.failed)),
      errors: results.flatMap((r) => r.errors).slice(0, 10),
      elapsedSeconds: round(elapsed, 2),
      perSecond: round(completed / elapsed),
      serverCpuMsPerConnection: perConnection(selfAfter - selfBefore),
      serverTreeCpuMsPerConnection: perConnection(cpuBetween(treeBefore, treeAfter)),
      clientCpuMsPerConnection: perConnection(sum(results.map((r) => r.cpuSeconds))),
      ...(negotiated ? { negotiated } : {}),
    };
  } finally {
    for (const client of clients) client.kill();
  }
}

/** Two measurements of the same thing as one: counts added, rates and per-connection costs weighted. */
export function mergeRates(a: RateResult, b: RateResult): RateResult {
  const completed = a.completed + b.completed;
  const elapsed = a.elapsedSeconds + b.elapsedSeconds;
  const weighted = (pick: (r: RateResult) => number) =>
    round((pick(a) * a.completed + pick(b) * b.completed) / Math.max(1, completed), 2);
  const negotiated = a.negotiated ?? b.negotiated;
  return {
    completed,
    failed: a.failed + b.failed,
    errors: [...a.errors, ...b.errors].slice(0, 10),
    elapsedSeconds: round(elapsed, 2),
    perSecond: round(completed / elapsed),
    serverCpuMsPerConnection: weighted((r) => r.serverCpuMsPerConnection),
    serverTreeCpuMsPerConnection: weighted((r) => r.serverTreeCpuMsPerConnection),
    clientCpuMsPerConnection: weighted((r) => r.clientCpuMsPerConnection),
    ...(negotiated ? { negotiated } : {}),
  };
}
