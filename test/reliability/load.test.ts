import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_USERNAMES, startLoadSandbox, type LoadSandbox } from '../../bench/load.ts';
import { runCoreLoad } from '../../bench/loadCore.ts';
import { runConnectionRate, runGatewayLoad } from '../../bench/loadGateway.ts';

/**
 * The load benchmark (`npm run bench -- load`: 200 sessions for 60 s) made small enough for every run:
 * 50 direct-mode sessions for 10 s, each a pty shell answering commands and SFTP round trips whose
 * SHA-256 is compared, from client processes of their own against the sandbox in its own process;
 * bursts of new connections with each host key type; and the app's core services with 20 terminals
 * and 10 transfers at once. Nothing here is timed: on a shared 2-core machine durations are not
 * figures. What must hold is that nothing fails, nothing is corrupted, and memory comes back.
 */
const KiB = 1024;
const RSA = ['rsa-sha2-512', 'rsa-sha2-256'];
const ED25519 = ['ssh-ed25519'];

let work: string;
let load: LoadSandbox;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'load-test-'));
  load = await startLoadSandbox(work);
}, 180_000);
afterAll(async () => {
  await load?.sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

const server = (hostKeyAlgorithms: string[], hostKeySha256: string) => ({
  ...load.sandbox.address,
  hostKeyAlgorithms,
  hostKeySha256,
  privateKeyPath: load.key.path,
});

describe('the gateway and the app core under load (bounded)', () => {
  // The time limits below are hang guards for a loaded machine, not speed requirements.
  it('holds 50 sessions, each a shell and SFTP round trips, for 10 s: none fails, every file intact', async () => {
    const result = await runGatewayLoad({
      server: server(RSA, load.hostKeys.rsa),
      gatewayPid: load.sandbox.pid!,
      settledMemory: () => load.sandbox.memory(),
      usernames: LOAD_USERNAMES,
      nodeHome: load.nodeHome,
      sessions: 50,
      clients: 2,
      seconds: 10,
      // 256 KiB to 1 MiB, with odd tails: the full benchmark moves 1–4 MiB per session.
      fileBytes: (i) => (1 + (i % 4)) * 256 * KiB + i * 7,
      workDir: join(work, 'sessions'),
    });
    console.log(`load figures (gateway): ${JSON.stringify(result)}`);
    expect(result.failures).toEqual([]);
    expect(result.failedSessions).toBe(0);
    expect(result.hashMismatches).toBe(0);
    expect(result.remoteFilesIntact).toBe(50);
    // Every session did both things, at least once (each loop runs once before it looks at the clock).
    expect(result.minCommandsPerSession).toBeGreaterThanOrEqual(1);
    expect(result.minRoundTripsPerSession).toBeGreaterThanOrEqual(1);
    // The gateway let go of what the sessions held (bound as generous as the fuzz tests').
    expect(result.memory.afterClose.heapUsedMiB - result.memory.baseline.heapUsedMiB).toBeLessThan(48);
  }, 240_000);

  it('accepts bursts of new connections with its RSA and its Ed25519 host key, exec `true` on each', async () => {
    for (const [algorithms, sha256] of [
      [RSA, load.hostKeys.rsa],
      [ED25519, load.hostKeys.ed25519],
    ] as const) {
      const result = await runConnectionRate({
        server: server([...algorithms], sha256),
        username: LOAD_USERNAMES[0]!,
        serverPid: load.sandbox.pid!,
        exec: true,
        clients: 2,
        concurrencyPerClient: 4,
        countPerClient: 20,
      });
      console.log(`load figures (connections, ${algorithms[0]}): ${JSON.stringify(result)}`);
      expect(result.errors).toEqual([]);
      expect(result.completed).toBe(40);
      expect(result.negotiated?.['serverHostKey']).toBe(algorithms[0]);
    }
  }, 120_000);

  it('runs 20 terminals and 10 transfers at once through one core, and its memory comes back', async () => {
    mkdirSync(join(work, 'core'));
    const result = await runCoreLoad({
      gateway: { ...load.sandbox.address, rsaSha256: load.hostKeys.rsa },
      privateKey: readFileSync(load.key.path, 'utf8'),
      usernames: LOAD_USERNAMES.slice(0, 2),
      nodeHome: load.nodeHome,
      terminals: 20,
      transfers: 10,
      seconds: 5,
      fileMiB: 2,
      idleSeconds: 1,
      workDir: join(work, 'core'),
    });
    console.log(`load figures (core): ${JSON.stringify(result)}`);
    expect(result.failures).toEqual([]);
    expect(result.hashMismatches).toBe(0);
    expect(result.commands).toBeGreaterThanOrEqual(20);
    expect(result.transferJobs).toBeGreaterThanOrEqual(10);
    // After everything closed and the finished jobs were cleared, the heap is back near its baseline:
    // a terminal or a transfer that leaked its buffers (2 MiB files, 100 KB terminal chunks) would
    // leave far more than this behind.
    expect(result.memory.afterClear.heapUsedMiB - result.memory.baseline.heapUsedMiB).toBeLessThan(8);
  }, 180_000);
});
