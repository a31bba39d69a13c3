/**
 * What the load benchmark reads about processes (from /proc, Linux) and the OpenSSH sshd it compares
 * the gateway with.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { freePort, isSshBanner, waitForGreeting } from '../gateway/src/sandbox/network.ts';
import { run } from './support.ts';

/** Clock ticks per second of /proc/PID/stat's times (sysconf(_SC_CLK_TCK); 100 on Linux). */
let ticksPerSecond: number | undefined;
export async function clockTicks(): Promise<number> {
  if (ticksPerSecond === undefined) {
    const { stdout } = await run('getconf', ['CLK_TCK']).catch(() => ({ stdout: '100' }));
    ticksPerSecond = Number(stdout.trim()) || 100;
  }
  return ticksPerSecond;
}

export interface ProcessTimes {
  /** user + system CPU seconds of the process itself. */
  self: number;
  /** Of `self`, the seconds in the kernel (system calls: socket reads and writes, and what they run). */
  system: number;
  /** user + system CPU seconds of its children that it has waited for. */
  children: number;
}

/** CPU times of a process, or undefined when it has gone. */
export async function processTimes(pid: number): Promise<ProcessTimes | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces and parentheses): state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = await clockTicks();
  const field = (n: number) => Number(fields[n - 3] ?? 0);
  return {
    self: (field(14) + field(15)) / tick,
    system: field(15) / tick,
    children: (field(16) + field(17)) / tick,
  };
}

/**
 * Nanoseconds the calling process's main thread has spent on a CPU and waiting for one (on a run
 * queue) since it started; undefined where the kernel does not say (no schedstat).
 */
export function mainThreadSchedule(): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return { runNs: Number(run), waitNs: Number(wait) };
  } catch {
    return undefined;
  }
}

/** The same for another process's main thread. */
export async function threadSchedule(pid: number): Promise<{ runNs: number; waitNs: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const [run, wait] = stat.split(' ');
  return { runNs: Number(run), waitNs: Number(wait) };
}

/** VmRSS of a process, in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/**
 * Proportional set size, in bytes: a process's private pages plus its share of pages it shares.
 * Summed over sshd's forked processes it counts the shared binary once, where RSS would count it
 * per process.
 */
export async function pssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
}

/** Every process below `root` (children, grandchildren, …), not `root` itself. */
export async function descendants(root: number): Promise<ProcessInfo[]> {
  const all: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    all.push({ pid: Number(entry), ppid, comm });
  }
  const below = new Set([root]);
  const found: ProcessInfo[] = [];
  // Parents may be listed after their children: repeat until nothing new turns up.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** Sum of the CPU seconds the given processes spent themselves (processes that have gone count 0). */
export async function cpuOf(pids: readonly number[]): Promise<Map<number, number>> {
  const times = new Map<number, number>();
  for (const pid of pids) times.set(pid, (await processTimes(pid))?.self ?? 0);
  return times;
}

/** The same, in the kernel only (system time). */
export async function systemCpuOf(pids: readonly number[]): Promise<Map<number, number>> {
  const times = new Map<number, number>();
  for (const pid of pids) times.set(pid, (await processTimes(pid))?.system ?? 0);
  return times;
}

/** CPU spent between two samples by the processes present in both. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start !== undefined && end >= start) total += end - start;
  }
  return total;
}

/**
 * A full garbage collection. `--expose-gc` is not needed: the flag can be set at run time and `gc`
 * fetched from a fresh context (the npm script runs plain `tsx`).
 */
export function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Memory after two full collections and a turn of the event loop (so finalizers and frees run). */
export async function settledMemory(): Promise<{ heapUsed: number; rss: number; external: number }> {
  for (let i = 0; i < 2; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  collectGarbage();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

export interface PeerSshd {
  host: string;
  port: number;
  pid: number;
  user: string;
  /** `SHA256:…` of each host key. */
  hostKeys: { rsa: string; ed25519: string };
  stop(): Promise<void>;
}

/**
 * OpenSSH's sshd on a loopback port with RSA 3072 and Ed25519 host keys (the gateway's key types and
 * sizes), accepting `authorizedKey` for the user running the benchmark: the peer the gateway's
 * connection rate and memory are compared with.
 */
export async function startPeerSshd(dir: string, authorizedKey: string): Promise<PeerSshd> {
  await mkdir(join(dir, 'home'), { recursive: true });
  for (const [type, extra] of [
    ['rsa', ['-b', '3072']],
    ['ed25519', []],
  ] as const) {
    await run('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-f', join(dir, `ssh_host_${type}_key`)]);
  }
  const fingerprint = async (type: string) => {
    const { stdout } = await run('ssh-keygen', [
      '-l',
      '-E',
      'sha256',
      '-f',
      join(dir, `ssh_host_${type}_key`),
    ]);
    const sha = stdout.split(' ')[1];
    if (!sha) throw new Error(`no fingerprint for ${type}`);
    return sha;
  };
  await writeFile(join(dir, 'authorized_keys'), authorizedKey.trim() + '\n', { mode: 0o600 });
  // sshd started by root needs its privilege-separation folder, which only a booted system creates.
  if (userInfo().uid === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const host = '127.0.0.1';
  const port = await freePort(host);
  const config = [
    `Port ${port}`,
    `ListenAddress ${host}`,
    `HostKey ${join(dir, 'ssh_host_rsa_key')}`,
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'AuthenticationMethods publickey',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${userInfo().username}`,
    // As the sandbox's nodes do: bash started by sshd reads ~/.bashrc, and the host user's start-up
    // files (pyenv, …) would be measured instead of sshd.
    `SetEnv HOME=${join(dir, 'home')}`,
    'PrintMotd no',
    'PrintLastLog no',
    // Room for every connection the benchmark holds at once: OpenSSH's default (10:30:100) starts
    // dropping handshakes at 10 unauthenticated, which would measure the limit, not the server.
    'MaxStartups 300:30:1000',
    'LogLevel ERROR',
    '',
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), config);
  const proc = spawn('/usr/sbin/sshd', ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], {
    stdio: 'ignore',
  });
  const exited = new Promise<string>((resolve) => proc.once('exit', (code) => resolve(`exit ${code}`)));
  await waitForGreeting({ host, port }, isSshBanner, { abort: exited, timeoutMs: 10_000, what: 'peer sshd' });
  if (!proc.pid) throw new Error('peer sshd has no pid');
  return {
    host,
    port,
    pid: proc.pid,
    user: userInfo().username,
    hostKeys: { rsa: await fingerprint('rsa'), ed25519: await fingerprint('ed25519') },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
