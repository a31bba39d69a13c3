import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewaySftp } from '../../electron/core/ssh/GatewaySftp.ts';
import type { GatewayConnections } from '../../electron/core/ssh/GatewayConnections.ts';
import { partialName } from '../../electron/core/transfers/names.ts';
import { TransferEngine } from '../../electron/core/transfers/TransferEngine.ts';
import type { ConnectionTarget } from '../../shared/src/connections.ts';
import { startSandboxAccount, type SandboxAccount } from '../core/support/sandboxAccount.ts';
import { randomFile, sha256 } from '../core/transfers/transferTestKit.ts';

/**
 * Uploads through the gateway when the node fails under them: its sshd killed mid-upload (the node
 * going down), and its disk full. The client must get an error it can act on, nothing may appear
 * under the final name, an older file there must stay as it was, and once the node is back the
 * partial upload must resume to the same SHA-256.
 */
const NODE = 518839;
const MiB = 1024 * 1024;

describe('uploads when the node fails', () => {
  let account: SandboxAccount;
  let connections: GatewayConnections;
  let transfers: TransferEngine;
  let target: ConnectionTarget;

  beforeAll(async () => {
    account = await startSandboxAccount();
    connections = account.connections();
    transfers = new TransferEngine(new GatewaySftp(connections));
    target = account.target(`${NODE}-4856`);
  }, 180_000);
  afterAll(async () => {
    connections?.closeAll();
    await account?.stop();
  }, 180_000);

  const nodeHome = () => join(account.sandbox.dataDir, 'nodes', String(NODE), 'home');

  it('reports a node killed mid-upload, keeps the final name free, and resumes once the node is back', async () => {
    const source = join(account.dir, 'crash.bin');
    await randomFile(source, 96 * MiB);
    const expected = await sha256(source);
    const server = account.sandbox.nodes.server(NODE);
    if (!server) throw new Error('node is not running');

    const job = await transfers.upload({
      target,
      localPath: source,
      remotePath: 'crash.bin',
      conflict: 'overwrite',
    });
    let killed: Promise<void> | undefined;
    const stop = transfers.events.on('progress', (p) => {
      // The node goes down (its sshd and every session under it), as a crash or an OOM kill would.
      if (p.id === job.id && !killed && p.bytes > 24 * MiB) killed = server.stop();
    });
    const failed = await transfers.wait(job.id).catch((error: unknown) => error);
    stop();
    await killed;
    expect(failed).toBeInstanceOf(Error);
    const [state] = (await transfers.jobs()).filter((j) => j.id === job.id);
    expect(state?.state).toBe('failed');
    // An error a person can act on: what happened, to which file.
    expect(state?.error).toMatch(/connection to the node was lost/);
    console.info(`node killed: ${state?.error}`);
    expect(existsSync(join(nodeHome(), 'crash.bin'))).toBe(false);
    const partial = join(nodeHome(), partialName('crash.bin'));
    expect(existsSync(partial)).toBe(true);
    const kept = readFileSync(partial).length;
    expect(kept).toBeGreaterThan(0);

    // The node comes back (same host key, new port), as after a restart from the dashboard.
    const access = await server.start();
    await account.sandbox.store.setNodeAccess(NODE, access);
    const retried = await transfers.retry(job.id);
    const done = await transfers.wait(retried.id);
    expect(done.state).toBe('done');
    // It went on from the partial rather than starting over.
    expect(done.resumedFrom).toBeGreaterThan(0);
    expect(done.resumedFrom).toBeLessThanOrEqual(kept);
    expect(done.transferred).toBe(96 * MiB - done.resumedFrom);
    expect(await sha256(join(nodeHome(), 'crash.bin'))).toBe(expected);
    expect(existsSync(partial)).toBe(false);
  });

  it('fails cleanly on a full disk, with advice, and leaves the old file under the name untouched', async () => {
    const old = Buffer.from('the old contents, which must survive\n'.repeat(1000));
    writeFileSync(join(nodeHome(), 'report.bin'), old);
    const source = join(account.dir, 'report.bin');
    await randomFile(source, 8 * MiB);
    // The node's disk takes files up to 2 MiB from now on: for sessions that start from now on, so the
    // app's connection (and its SFTP channel, opened by the test before) starts afresh.
    await account.sandbox.nodes.limitFileSize(NODE, 2 * MiB);
    connections.closeAll();
    try {
      const job = await transfers.upload({
        target,
        localPath: source,
        remotePath: 'report.bin',
        conflict: 'overwrite',
      });
      const error = await transfers.wait(job.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const [state] = (await transfers.jobs()).filter((j) => j.id === job.id);
      expect(state?.state).toBe('failed');
      console.info(`disk full: ${state?.error}`);
      expect(state?.error).toMatch(/report\.bin/);
      expect(state?.error).toMatch(/disk|space|too large/i);
      expect(readFileSync(join(nodeHome(), 'report.bin')).equals(old)).toBe(true);
    } finally {
      await account.sandbox.nodes.limitFileSize(NODE, null);
      connections.closeAll();
    }
    // With room again, the retry completes (from what was kept) to the same bytes.
    const again = await transfers.upload({
      target,
      localPath: source,
      remotePath: 'report.bin',
      conflict: 'overwrite',
    });
    expect((await transfers.wait(again.id)).state).toBe('done');
    expect(await sha256(join(nodeHome(), 'report.bin'))).toBe(await sha256(source));
    expect(readdirSync(nodeHome()).filter((name) => name.includes('enscale-part'))).toEqual([]);
  });
});
