import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { randomFile, sha256 } from './transferTestKit.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let engine: TransferEngine;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  engine = new TransferEngine(new GatewaySftp(connections));
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const nodeHome = () => join(account.sandbox.dataDir, 'nodes', '518839', 'home');

describe('transfers through the gateway (NODEID-UID, sftp subsystem relayed)', () => {
  it('uploads and downloads 1 GiB with equal SHA-256', async () => {
    const target = account.target('518839-4856');
    const source = join(account.dir, 'one-gib.bin');
    await randomFile(source, 1024 * 1024 * 1024);
    const expected = await sha256(source);

    const up = await engine.upload({
      target,
      localPath: source,
      remotePath: 'one-gib.bin',
      conflict: 'overwrite',
    });
    expect((await engine.wait(up.id)).state).toBe('done');
    expect(await sha256(join(nodeHome(), 'one-gib.bin'))).toBe(expected);

    const back = join(account.dir, 'one-gib.back');
    const down = await engine.download({
      target,
      localPath: back,
      remotePath: 'one-gib.bin',
      conflict: 'overwrite',
    });
    expect((await engine.wait(down.id)).state).toBe('done');
    expect(await sha256(back)).toBe(expected);
    rmSync(source);
    rmSync(back);
    rmSync(join(nodeHome(), 'one-gib.bin'));
  });

  it('resumes a cancelled upload without a file under the final name before it completes', async () => {
    const target = account.target('518839-4856');
    const source = join(account.dir, 'resume.bin');
    await randomFile(source, 96 * 1024 * 1024);
    const job = await engine.upload({
      target,
      localPath: source,
      remotePath: 'resume.bin',
      conflict: 'overwrite',
    });
    await new Promise<void>((resolve) => {
      const stop = engine.events.on('progress', (p) => {
        if (p.id === job.id && p.bytes > 16 * 1024 * 1024) {
          stop();
          void engine.cancel(job.id).then(resolve);
        }
      });
    });
    expect((await engine.wait(job.id).catch(() => undefined)) ?? { state: 'cancelled' }).toMatchObject({
      state: 'cancelled',
    });
    expect(existsSync(join(nodeHome(), 'resume.bin'))).toBe(false);
    expect(existsSync(join(nodeHome(), '.resume.bin.enscale-part'))).toBe(true);
    const retried = await engine.retry(job.id);
    expect((await engine.wait(retried.id)).state).toBe('done');
    expect(await sha256(join(nodeHome(), 'resume.bin'))).toBe(await sha256(source));
    expect(existsSync(join(nodeHome(), '.resume.bin.enscale-part'))).toBe(false);
  });
});
