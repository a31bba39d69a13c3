/**
 * `npm run bench -- cli`: the command line as a user runs it — the file `npm link` puts on the PATH
 * (bin/enscale-ssh.js, started through its `#!/usr/bin/env node` line) — against OpenSSH on the same
 * sandbox gateway: start-up (`--help`, `envs`, `ssh NODE -- true`, with `ssh NODEID-UID@gateway true`
 * as the peer) and `put`/`get` of 256 MiB and 1 GiB against OpenSSH `sftp`. The CLI runs as a script
 * on a server does: an access token in ENSCALE_SSH_TOKEN and `--identity KEY`, no keychain.
 *
 * Sizes: BENCH_CLI_ROUNDS (5 per figure, first side alternating), BENCH_CLI_MIB (256,1024).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxReady } from '../gateway/src/sandbox/Sandbox.ts';
import {
  gatewayAccount,
  platformUseArgs,
  median,
  randomFile,
  sha256File,
  startSandbox,
  timed,
} from './support.ts';

const ROUNDS = Number(process.env['BENCH_CLI_ROUNDS'] ?? 5);
const SIZES_MIB = (process.env['BENCH_CLI_MIB'] ?? '256,1024').split(',').map(Number);
const BIN = join(import.meta.dirname, '..', 'bin', 'enscale-ssh.js');
const NODE_ID = '518839';
const USER = `${NODE_ID}-4856`;
const log = (line: string) => console.error(`bench cli: ${line}`);
const loadAverage = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Runs a program to its end; rejects with its stderr when it fails. */
function exec(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

interface Pair {
  ours: number[];
  peer: number[];
}

/** `rounds` pairs back to back, who goes first alternating; each side's times in ms. */
async function pairs(
  rounds: number,
  ours: () => Promise<unknown>,
  peer: () => Promise<unknown>,
  after?: (who: 'ours' | 'peer') => Promise<void>,
): Promise<Pair> {
  const result: Pair = { ours: [], peer: [] };
  for (let i = 0; i < rounds; i++) {
    for (const who of i % 2 === 0 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const)) {
      result[who].push(await timed(who === 'ours' ? ours : peer));
      await after?.(who);
    }
  }
  return result;
}

const summary = (pair: Pair) => ({
  oursMs: Math.round(median(pair.ours)),
  peerMs: Math.round(median(pair.peer)),
  // Each round's OpenSSH time over ours: the pair ran back to back, so the machine's drift weighs alike.
  pairedSpeedRatio: round2(median(pair.peer.map((ms, i) => ms / (pair.ours[i] ?? Infinity)))),
  rounds: pair,
});

export async function cliBenchmark(): Promise<Record<string, unknown>> {
  const loadBefore = loadAverage();
  const work = await mkdtemp(join(tmpdir(), 'bench-cli-'));
  const sandbox = await startSandbox<SandboxReady>(['--api-port', '0', '--port', '0']);
  try {
    const gateway = sandbox.ready.gateway;
    if (!gateway) throw new Error('no gateway');
    const { key, sshOptions: sshArgs } = await gatewayAccount(sandbox.ready, work);
    // The sandbox's published access token for the demo account, as a CI job's secret store gives one.
    const token = sandbox.ready.tokens[0]?.token;
    if (!token) throw new Error('The sandbox published no access token.');
    const profile = join(work, 'profile');
    const env = { ...process.env, ENSCALE_SSH_TOKEN: token };
    const cli = (args: string[]) => exec(BIN, ['--profile', profile, '--identity', key, ...args], env);
    await exec(BIN, ['--profile', profile, ...platformUseArgs(sandbox.ready)]);
    const ssh = (command: string) =>
      exec('ssh', [...sshArgs, '-p', String(gateway.port), `${USER}@${gateway.host}`, command]);
    const batch = join(work, 'batch');
    const sftp = async (line: string) => {
      await writeFile(batch, `${line}\n`);
      await exec('sftp', [...sshArgs, '-P', String(gateway.port), '-b', batch, `${USER}@${gateway.host}`]);
    };
    // The first run builds out/cli if a source changed since the last build, and the first run of
    // each command writes its code to the cache (bin/codeCache.mjs), as a user's first run does;
    // neither is counted.
    await cli(['--help']);
    await cli(['envs']);
    await cli(['ssh', NODE_ID, '--', 'true']);

    log('start-up');
    const floor = await pairs(
      ROUNDS,
      () => exec(process.execPath, ['-e', '0']),
      () => ssh('true'),
    );
    const help = await pairs(
      ROUNDS,
      () => cli(['--help']),
      () => exec('ssh', ['-V']),
    );
    const envs = await pairs(
      ROUNDS,
      () => cli(['envs']),
      () => ssh('true'),
    );
    const sshTrue = await pairs(
      ROUNDS,
      () => cli(['ssh', NODE_ID, '--', 'true']),
      () => ssh('true'),
    );

    const transfers: Record<string, unknown> = {};
    for (const mib of SIZES_MIB) {
      const source = join(work, `payload-${mib}.bin`);
      await randomFile(source, mib * 2 ** 20);
      const hash = await sha256File(source);
      const back = join(work, 'back.bin');
      const checkBack = async (who: 'ours' | 'peer') => {
        if ((await sha256File(back)) !== hash) throw new Error(`${who} download of ${mib} MiB differs`);
        await rm(back);
      };
      log(`put/get ${mib} MiB`);
      const put = await pairs(
        ROUNDS,
        () => cli(['put', NODE_ID, source, `bench-cli-${mib}.bin`]),
        () => sftp(`put ${source} bench-sftp-${mib}.bin`),
      );
      const get = await pairs(
        ROUNDS,
        () => cli(['get', NODE_ID, `bench-cli-${mib}.bin`, back]),
        () => sftp(`get bench-sftp-${mib}.bin ${back}`),
        checkBack,
      );
      const rate = (ms: number[]) => Math.round((mib / (median(ms) / 1000)) * 10) / 10;
      transfers[`${mib}MiB`] = {
        put: { ...summary(put), oursMiBs: rate(put.ours), sftpMiBs: rate(put.peer) },
        get: { ...summary(get), oursMiBs: rate(get.ours), sftpMiBs: rate(get.peer) },
      };
      await rm(source);
      await ssh(`rm -f bench-cli-${mib}.bin bench-sftp-${mib}.bin`);
    }
    return {
      benchmark: 'cli',
      rounds: ROUNDS,
      path: 'bin/enscale-ssh.js (as npm link installs it) or OpenSSH → sandbox gateway (NODEID-UID) → node sshd',
      startup: {
        nodeFloor: {
          nodeMinusE0Ms: Math.round(median(floor.ours)),
          sshTrueMs: Math.round(median(floor.peer)),
        },
        help: { ...summary(help), peer: 'ssh -V' },
        envs: { ...summary(envs), peer: 'ssh NODEID-UID@gateway true' },
        sshTrue: { ...summary(sshTrue), peer: 'ssh NODEID-UID@gateway true' },
      },
      transfers,
      targets: { startupMs: '<= 200', putGetPairedSpeedRatio: '>= 1.0 (OpenSSH sftp time / ours)' },
      loadAverage: { before: loadBefore, after: loadAverage() },
    };
  } finally {
    await sandbox.stop();
    await rm(work, { recursive: true, force: true });
  }
}
