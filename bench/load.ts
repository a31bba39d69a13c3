/**
 * `npm run bench -- load`: the gateway under many concurrent direct-mode sessions (pty shell + SFTP
 * round trips with SHA-256 checks) — its memory per connection and per session, CPU per MiB relayed
 * against the nodes' sshd relaying the same bytes, and new connections per second with RSA and
 * Ed25519 host keys against OpenSSH's sshd on the same machine; then the app's core services with
 * many terminals and transfers at once through one process — event loop delay against the same
 * process idle, and memory back at its baseline after everything closes.
 *
 * Sizes: BENCH_LOAD_SESSIONS (200), BENCH_LOAD_SECONDS (60), BENCH_LOAD_CLIENTS (client processes,
 * 4), BENCH_LOAD_PROBES (shell-only sessions timing keystrokes, 3), BENCH_LOAD_RATE_SECONDS (10 per
 * measurement), BENCH_LOAD_RATE_CLIENTS (2) × BENCH_LOAD_RATE_CONCURRENCY (4), BENCH_LOAD_CORE_SECONDS
 * (30), BENCH_LOAD_CORE_MB (16 per transfer). BENCH_LOAD_PARTS=sessions runs the session part alone
 * (keystrokes, CPU per MiB), for quick iterations. BENCH_LOAD_CPU_PROF=DIR writes a CPU profile of
 * the sandbox process (gateway, API, store) to DIR when it stops (`--cpu-prof`; open it in Chrome's
 * DevTools). BENCH_LOAD_GATEWAY_FLAGS='--flag …' adds Node/V8 flags to that process (e.g. to try GC
 * settings).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SandboxReady } from '../gateway/src/sandbox/Sandbox.ts';
import type { GatewayOptions } from '../gateway/src/ssh/GatewayOptions.ts';
import { loadOrCreateHostKeys } from '../gateway/src/ssh/hostKeys.ts';
import { SandboxProcess } from '../gateway/test/reliability/support/SandboxProcess.ts';
import { runCoreLoadInCoreProcess } from './loadCoreProcess.ts';
import {
  mergeRates,
  runConnectionRate,
  runGatewayLoad,
  sshdIdleMemory,
  type RateResult,
} from './loadGateway.ts';
import type { LoadServer } from './loadProtocol.ts';
import { startPeerSshd, type PeerSshd } from './loadSystem.ts';
import { run } from './support.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SESSIONS = env('BENCH_LOAD_SESSIONS', 200);
const SECONDS = env('BENCH_LOAD_SECONDS', 60);
const CLIENTS = env('BENCH_LOAD_CLIENTS', 4);
const RATE_SECONDS = env('BENCH_LOAD_RATE_SECONDS', 10);
const RATE_CLIENTS = env('BENCH_LOAD_RATE_CLIENTS', 2);
const RATE_CONCURRENCY = env('BENCH_LOAD_RATE_CONCURRENCY', 4);
const CORE_SECONDS = env('BENCH_LOAD_CORE_SECONDS', 30);
const CORE_MB = env('BENCH_LOAD_CORE_MB', 16);
const PROBES = env('BENCH_LOAD_PROBES', 3);
const SESSIONS_ONLY = process.env.BENCH_LOAD_PARTS === 'sessions';
const CPU_PROF = process.env.BENCH_LOAD_CPU_PROF;
const GATEWAY_FLAGS = process.env.BENCH_LOAD_GATEWAY_FLAGS;
const MIB = 1 << 20;

/** The demo data's running nodes (docs/sandbox.md), each with its owner: sessions use them in turn. */
export const LOAD_USERNAMES = ['518839-4856', '518840-4856', '518900-35526'];
/** The owners of those nodes (the demo users), whose dashboards get the load's key. */
const DEMO_UIDS = [4856, 35526];

/** Session `index`'s file: 1–4 MiB, with an odd tail so that sizes are not all whole requests. */
export const loadFileBytes = (index: number) => (1 + (index % 4)) * MIB + index * 7;

const RSA_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256'];
const ED25519_ALGORITHMS = ['ssh-ed25519'];
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const loadAverage = () => loadavg().map((v) => Math.round(v * 100) / 100);
const log = (line: string) => console.error(`bench load: ${line}`);

export interface LoadSandbox {
  sandbox: SandboxProcess;
  /** The gateway's pinned host keys. */
  hostKeys: { rsa: string; ed25519: string };
  /** An RSA key (the gateway accepts RSA by default) registered for both demo users. */
  key: { path: string; publicKey: string };
  nodeHome(username: string): string;
  /** A node's own sshd, reached without the gateway (with the gateway's node-access key). */
  direct(nodeId: number): Promise<{ server: LoadServer; username: string }>;
}

/**
 * Every load client comes from 127.0.0.1 as one of two users, where real ones come from many
 * addresses: the per-source share of pre-auth slots (8), the per-user connection cap (32) and the
 * per-source penalties would refuse the load itself. They are raised here, as they would be for a
 * real office behind one NAT address; the limits have tests of their own (docs/reliability.md).
 */
const LOAD_ADMISSION: Partial<GatewayOptions> = {
  maxUnauthenticated: 1_000,
  maxUnauthenticatedPerSource: 1_000,
  maxConnectionsPerUser: 1_000,
  penaltyFailures: 100_000,
};

/**
 * The sandbox in a Node process of its own (started with --expose-gc, so its memory can be read
 * after full collections), with the load's key on both demo users' dashboards.
 */
export async function startLoadSandbox(
  dir: string,
  gatewayOptions: Partial<GatewayOptions> = {},
): Promise<LoadSandbox> {
  const profile = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [];
  const flags = GATEWAY_FLAGS ? GATEWAY_FLAGS.split(/\s+/).filter(Boolean) : [];
  const sandbox = await SandboxProcess.start({ ...LOAD_ADMISSION, ...gatewayOptions }, [
    ...profile,
    ...flags,
  ]);
  try {
    const path = join(dir, 'id_rsa');
    await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', '', '-f', path]);
    const publicKey = await readFile(`${path}.pub`, 'utf8');
    for (const uid of DEMO_UIDS) await sandbox.registerKey(uid, publicKey);
    const keys = loadOrCreateHostKeys(join(sandbox.dataDir, 'gateway', 'hostkeys'));
    return {
      sandbox,
      hostKeys: { rsa: keys.rsa.fingerprints.sha256, ed25519: keys.ed25519.fingerprints.sha256 },
      key: { path, publicKey },
      nodeHome: (username) => sandbox.nodeHome(Number(username.split('-')[0])),
      async direct(nodeId) {
        const ready = JSON.parse(await readFile(join(sandbox.dataDir, 'ready.json'), 'utf8')) as SandboxReady;
        const node = ready.nodes.find((n) => n.id === nodeId);
        if (!node?.host || !node.port) throw new Error(`node ${nodeId} is not running`);
        const etc = join(sandbox.dataDir, 'nodes', String(nodeId), 'etc');
        const { stdout } = await run('ssh-keygen', [
          '-l',
          '-E',
          'sha256',
          '-f',
          join(etc, 'ssh_host_ed25519_key.pub'),
        ]);
        return {
          server: {
            host: node.host,
            port: node.port,
            hostKeyAlgorithms: ED25519_ALGORITHMS,
            hostKeySha256: stdout.split(' ')[1] ?? '',
            privateKeyPath: join(sandbox.dataDir, 'gateway', 'node_access_ed25519'),
          },
          // The node's own user: apache/mysql when the sandbox runs as root (isolated nodes).
          username: node.user ?? userInfo().username,
        };
      },
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}

export async function loadBenchmark(): Promise<Record<string, unknown>> {
  const loadBefore = loadAverage();
  const work = await mkdtemp(join(tmpdir(), 'bench-load-'));
  const loadSandbox = await startLoadSandbox(work);
  const { sandbox, hostKeys, key, nodeHome } = loadSandbox;
  let sshd: PeerSshd | undefined;
  try {
    const gateway = sandbox.address;
    const gatewayPid = sandbox.pid;
    if (!gatewayPid) throw new Error('the sandbox process has no pid');
    const gatewayServer = (hostKeyAlgorithms: string[], hostKeySha256: string): LoadServer => ({
      host: gateway.host,
      port: gateway.port,
      hostKeyAlgorithms,
      hostKeySha256,
      privateKeyPath: key.path,
    });

    log(`${SESSIONS} sessions for ${SECONDS} s from ${CLIENTS} client processes`);
    const sessions = await runGatewayLoad({
      server: gatewayServer(RSA_ALGORITHMS, hostKeys.rsa),
      gatewayPid,
      settledMemory: () => sandbox.memory(),
      usernames: LOAD_USERNAMES,
      nodeHome,
      sessions: SESSIONS,
      clients: CLIENTS,
      seconds: SECONDS,
      fileBytes: loadFileBytes,
      probes: PROBES,
      directProbes: await loadSandbox.direct(518839),
      workDir: join(work, 'sessions'),
      log,
    });
    log(JSON.stringify(sessions));
    const loadAfterSessions = loadAverage();
    if (SESSIONS_ONLY) {
      return {
        benchmark: 'load',
        part: 'sessions',
        gatewaySessions: { clientProcesses: CLIENTS, ...sessions },
        ratios: {
          gatewayVsNodeSshdCpuPerMiB: ratio(sessions.cpu.gatewayMsPerMiB, sessions.cpu.nodeSshdMsPerMiB),
        },
        conditions: { loadAverage: { before: loadBefore, afterSessions: loadAfterSessions } },
      };
    }

    await mkdir(join(work, 'sshd'));
    sshd = await startPeerSshd(join(work, 'sshd'), key.publicKey);
    const peer = sshd;
    const sshdServer = (hostKeyAlgorithms: string[], hostKeySha256: string): LoadServer => ({
      host: peer.host,
      port: peer.port,
      hostKeyAlgorithms,
      hostKeySha256,
      privateKeyPath: key.path,
    });
    const sshdIdle = await sshdIdleMemory({
      server: sshdServer(ED25519_ALGORITHMS, peer.hostKeys.ed25519),
      sshdPid: peer.pid,
      username: peer.user,
      connections: SESSIONS,
      clients: CLIENTS,
      workDir: join(work, 'sshd-idle'),
    });
    log(`sshd idle: ${JSON.stringify(sshdIdle)}`);

    // Connection rate: the same client processes against each server in turn, per host key type,
    // authentication only and with `true` run on the connection.
    const rates: Record<string, { gateway: RateResult; sshd: RateResult; gatewayVsSshd: number | null }> = {};
    for (const keyType of ['ed25519', 'rsa'] as const) {
      for (const exec of [false, true]) {
        const name = `${keyType}${exec ? 'ExecTrue' : 'AuthOnly'}`;
        // Each server twice for half the time, in the order gateway, sshd, sshd, gateway: a machine
        // whose other load rises or falls during the four then weighs on both alike.
        const common = {
          exec,
          clients: RATE_CLIENTS,
          concurrencyPerClient: RATE_CONCURRENCY,
          durationMs: (RATE_SECONDS * 1000) / 2,
        };
        const algorithms = keyType === 'rsa' ? RSA_ALGORITHMS : ED25519_ALGORITHMS;
        const gatewayRate = () =>
          runConnectionRate({
            ...common,
            server: gatewayServer(algorithms, hostKeys[keyType]),
            username: LOAD_USERNAMES[0] ?? '',
            serverPid: gatewayPid,
          });
        const sshdRate = () =>
          runConnectionRate({
            ...common,
            server: sshdServer(algorithms, peer.hostKeys[keyType]),
            username: peer.user,
            serverPid: peer.pid,
          });
        const gatewayFirst = await gatewayRate();
        const sshdFirst = await sshdRate();
        const viaSshd = mergeRates(sshdFirst, await sshdRate());
        const viaGateway = mergeRates(gatewayFirst, await gatewayRate());
        rates[name] = {
          gateway: viaGateway,
          sshd: viaSshd,
          gatewayVsSshd: ratio(viaGateway.perSecond, viaSshd.perSecond),
        };
        log(`rate ${name}: gateway ${viaGateway.perSecond}/s, sshd ${viaSshd.perSecond}/s`);
      }
    }
    const loadAfterRates = loadAverage();

    log(`core: 20 terminals and 10 transfers of ${CORE_MB} MiB for ${CORE_SECONDS} s`);
    await mkdir(join(work, 'core'));
    const core = await runCoreLoadInCoreProcess({
      gateway: { host: gateway.host, port: gateway.port, rsaSha256: hostKeys.rsa },
      privateKey: await readFile(key.path, 'utf8'),
      usernames: LOAD_USERNAMES.slice(0, 2),
      nodeHome,
      terminals: 20,
      transfers: 10,
      seconds: CORE_SECONDS,
      fileMiB: CORE_MB,
      idleSeconds: 10,
      workDir: join(work, 'core'),
      log,
    });
    log(JSON.stringify(core));

    return {
      benchmark: 'load',
      gatewaySessions: {
        description:
          'direct-mode sessions (NODEID-UID) over 3 nodes, each a pty shell typing a command every 0.5–1.5 s and ' +
          'checking its answer, and SFTP round trips (ssh2 fastPut/fastGet of the session’s 1–4 MiB file, ' +
          'SHA-256 compared) back to back, from client processes of their own (ssh2); after the run time each ' +
          'session finishes the round trip in progress (runSeconds includes that). Probes: shell-only sessions ' +
          'through the gateway, and the same straight to node 518839’s sshd (the peer), beside the load',
        clientProcesses: CLIENTS,
        ...sessions,
      },
      sshdIdleConnections: sshdIdle,
      connectionRate: {
        description:
          'new connections per second: key exchange, host key (pinned), RSA-3072 user key, then disconnect ' +
          '(AuthOnly) or run `true` and wait for its status (ExecTrue); ' +
          `${RATE_CLIENTS} client processes × ${RATE_CONCURRENCY} connections in flight, ${RATE_SECONDS} s per ` +
          'server (two halves, gateway–sshd–sshd–gateway)',
        ...rates,
      },
      core: {
        description:
          'one process started like the desktop app’s core (with CORE_PROCESS_ENV): GatewayConnections, TerminalSessions, TransferEngine (10 at once) — 20 terminals each ' +
          'printing 200 lines every 0.25–0.75 s, 10 transfers (5 up, 5 down) repeated; delay = event loop delay ' +
          'beyond the 10 ms sampling interval',
        ...core,
      },
      ratios: {
        gatewayVsSshdIdleConnectionMemory: ratio(
          sessions.memory.perIdleConnectionKiB.rss,
          sshdIdle.perIdleConnectionKiB,
        ),
        gatewayVsNodeSshdCpuPerMiB: ratio(sessions.cpu.gatewayMsPerMiB, sessions.cpu.nodeSshdMsPerMiB),
        probeCommandLatencyP50GatewayVsDirect: ratio(
          sessions.probeCommandLatencyMs?.p50 ?? 0,
          sessions.directProbeCommandLatencyMs?.p50 ?? 0,
        ),
        ...Object.fromEntries(Object.entries(rates).map(([name, r]) => [`rate_${name}`, r.gatewayVsSshd])),
      },
      targets: {
        failedSessions: '= 0',
        hashMismatches: '= 0',
        remoteFilesIntact: `= ${SESSIONS}`,
        gatewayVsNodeSshdCpuPerMiB: '<= 2 (the gateway terminates two SSH connections per byte, sshd one)',
        coreEventLoopDelayP99Ms: '<= 100',
        coreHeapAfterMinusBaselineMiB: '<= 5',
      },
      conditions: {
        loadAverage: {
          before: loadBefore,
          afterSessions: loadAfterSessions,
          afterRates: loadAfterRates,
          end: loadAverage(),
        },
        note:
          'one 2-core machine: the load clients, the gateway, the nodes’ sshd and sftp-server, OpenSSH’s sshd ' +
          'and other engineers’ test runs all share it; cpu.coreShare says who took what during the session run',
      },
    };
  } finally {
    await sshd?.stop();
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }
}
