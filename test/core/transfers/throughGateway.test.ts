import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp, SFTP_RECEIVE_WINDOW } from '../../../electron/core/ssh/GatewaySftp.ts';
import { SftpSession } from '../../../electron/core/sftp/SftpSession.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { Cancelled } from '../../../shared/src/errors.ts';
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
    // A hang guard for 2 GiB moved on a shared 2-core machine (73 s seen under load), not a speed target.
  }, 300_000);

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
    // Cancelled, not failed for some other reason: wait rejects with Cancelled and the job says so.
    await expect(engine.wait(job.id)).rejects.toBeInstanceOf(Cancelled);
    expect((await engine.jobs()).find((j) => j.id === job.id)?.state).toBe('cancelled');
    expect(existsSync(join(nodeHome(), 'resume.bin'))).toBe(false);
    expect(existsSync(join(nodeHome(), '.resume.bin.enscale-part'))).toBe(true);
    const retried = await engine.retry(job.id);
    expect((await engine.wait(retried.id)).state).toBe('done');
    expect(await sha256(join(nodeHome(), 'resume.bin'))).toBe(await sha256(source));
    expect(existsSync(join(nodeHome(), '.resume.bin.enscale-part'))).toBe(false);
  });

  it('copies in requests as large as the node accepts, with a receive window beyond ssh2’s 2 MiB', async () => {
    const target = account.target('518839-4856');
    const provider = new GatewaySftp(connections);
    const sftp = await provider.sftp(target);
    const limits = new SftpSession(sftp).requestLimits;
    // OpenSSH's sftp-server announces 255 KiB (limits@openssh.com); ssh2's guess would be less.
    expect(limits).toEqual({ read: 255 * 1024, write: 255 * 1024 });

    // What each request asks for, and the window the client had left when it asked.
    const sizes = { read: [] as number[], write: [] as number[] };
    const windowsLeft: number[] = [];
    const window = () => (sftp as unknown as { incoming: { window: number } }).incoming.window;
    const { read } = sftp;
    sftp.read = ((...args: Parameters<typeof read>) => {
      sizes.read.push(args[3]);
      windowsLeft.push(window());
      return read.apply(sftp, args);
    }) as typeof read;
    // Uploads mostly bypass ssh2's `write` (FramedWrites), so writes are counted where they are asked for.
    const write = vi.spyOn(SftpSession.prototype, 'write');

    const transfers = new TransferEngine(provider);
    const source = join(account.dir, 'requests.bin');
    await randomFile(source, 32 * 1024 * 1024);
    const up = await transfers.upload({ target, localPath: source, remotePath: 'requests.bin' });
    expect((await transfers.wait(up.id)).state).toBe('done');
    const back = join(account.dir, 'requests.back');
    const down = await transfers.download({ target, localPath: back, remotePath: 'requests.bin' });
    expect((await transfers.wait(down.id)).state).toBe('done');
    expect(await sha256(back)).toBe(await sha256(source));

    sizes.write = write.mock.calls.map((call) => call[3]);
    write.mockRestore();
    expect(Math.max(...sizes.write)).toBe(limits.write);
    expect(Math.max(...sizes.read)).toBe(limits.read);
    // ssh2 alone lets the window fall to 1 MiB before topping it up, and never above 2 MiB.
    expect(Math.min(...windowsLeft)).toBeGreaterThan(2 * 1024 * 1024);
    expect(Math.max(...windowsLeft)).toBeLessThanOrEqual(SFTP_RECEIVE_WINDOW);
    rmSync(source);
    rmSync(back);
    rmSync(join(nodeHome(), 'requests.bin'));
  });
});
