import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { startHostileServer } from './hostileServer.ts';
import { record, TARGET } from './transferTestKit.ts';

/** Names with no legal local meaning: skipped on every OS. */
const traversalNames = ['../escape', '../../x', '/tmp/abs', 'a\u0000b'];
/** Names a Linux disk can hold once control characters are encoded: saved, inside the folder. */
const oddNames = ['..\\..\\x', 'bad\u001bname'];
const hostileNames = [...traversalNames, ...oddNames];
let server: Awaited<ReturnType<typeof startHostileServer>>;
let sandbox: string;

beforeAll(async () => {
  server = await startHostileServer([
    ...hostileNames.map((name) => ({ name, data: Buffer.from('pwned'), mode: 0o100755 })),
    { name: 'setuid.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o104755 },
  ]);
  sandbox = mkdtempSync(join(tmpdir(), 'hostile-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(sandbox, { recursive: true, force: true });
});

describe('downloads from a hostile SFTP server', () => {
  it('keeps a folder download inside the chosen folder and reports the skipped and renamed names', async () => {
    const chosen = join(sandbox, 'a', 'b', 'chosen');
    mkdirSync(chosen, { recursive: true });
    const transfers = new TransferEngine({ sftp: async () => server.sftp });
    const job = await transfers.download({ target: TARGET, localPath: chosen, remotePath: '/hostile' });
    const events = record(transfers);
    const done = await transfers.wait(job.id).catch((error: unknown) => error);
    // Nothing landed anywhere but the chosen folder.
    expect(readdirSync(join(sandbox, 'a', 'b')).sort()).toEqual(['chosen']);
    expect(readdirSync(join(sandbox, 'a'))).toEqual(['b']);
    expect(readdirSync(sandbox)).toEqual(['a']);
    expect(existsSync('/tmp/abs')).toBe(false);
    expect(readdirSync(chosen).sort()).toEqual(['..\\..\\x', 'bad%1Bname', 'setuid.sh']);
    // Neither the setuid bit nor an execute bit from the server: the user asked for no permissions.
    expect((statSync(join(chosen, 'setuid.sh')).mode & 0o7111).toString(8)).toBe('0');
    expect(done).toMatchObject({ state: 'done' });
    const final = events.states(job.id).at(-1)?.job ?? job;
    expect(final.skipped?.map((s) => s.name).sort()).toEqual([...traversalNames].sort());
    expect(final.renamed).toEqual([
      { name: 'bad\u001bname', savedAs: 'bad%1Bname', reason: 'contains a control character' },
    ]);
  });
});

describe('single-file downloads into a chosen folder', () => {
  it('take the legal local form of the remote name, and land inside the folder', async () => {
    const chosen = join(sandbox, 'single');
    mkdirSync(chosen, { recursive: true });
    const transfers = new TransferEngine({ sftp: async () => server.sftp });
    const into = (remotePath: string) =>
      transfers.download({ target: TARGET, localPath: chosen, remotePath, intoFolder: true });
    const odd = await into('/hostile/bad\u001bname');
    expect(odd.localPath).toBe(join(chosen, 'bad%1Bname'));
    expect(odd.renamed).toEqual([
      { name: 'bad\u001bname', savedAs: 'bad%1Bname', reason: 'contains a control character' },
    ]);
    await transfers.wait(odd.id);
    await expect(into('/hostile/..')).rejects.toThrow(/cannot be downloaded under that name/);
    // A '../x' entry's path ends in 'x': it lands in the chosen folder as 'x', not above it.
    const job = await into('/hostile/../x');
    expect(job.localPath).toBe(join(chosen, 'x'));
    const done = await transfers.wait(job.id);
    expect(done).toMatchObject({ state: 'done' });
    expect(readdirSync(chosen).sort()).toEqual(['bad%1Bname', 'x']);
    expect(statSync(join(chosen, 'x')).mode & 0o111).toBe(0);
  });
});

describe('downloads for a Windows user (platform injected)', () => {
  let windowsServer: Awaited<ReturnType<typeof startHostileServer>>;
  const windowsNames = ['con.txt', 'LPT9.log', 'a:b', 'trailing.', 'trailing ', '..\\..\\Startup\\run.bat'];
  beforeAll(async () => {
    windowsServer = await startHostileServer([
      ...windowsNames.map((name) => ({ name, data: Buffer.from('x'), mode: 0o100644 })),
      { name: 'report.txt', data: Buffer.from('ok'), mode: 0o100644 },
    ]);
  });
  afterAll(async () => {
    await windowsServer?.stop();
  });

  it('saves the names Windows reserves or cannot hold under legal names, and says which', async () => {
    const chosen = join(sandbox, 'windows');
    mkdirSync(chosen, { recursive: true });
    const transfers = new TransferEngine({ sftp: async () => windowsServer.sftp }, { platform: 'win32' });
    const job = await transfers.download({ target: TARGET, localPath: chosen, remotePath: '/hostile' });
    const events = record(transfers);
    await transfers.wait(job.id);
    const saved = [
      'con_.txt',
      'LPT9_.log',
      'a%3Ab',
      'trailing%2E',
      'trailing%20',
      '..%5C..%5CStartup%5Crun.bat',
    ];
    expect(readdirSync(chosen).sort()).toEqual([...saved, 'report.txt'].sort());
    const final = events.states(job.id).at(-1)?.job ?? job;
    expect(final.skipped).toBeUndefined();
    expect(final.renamed?.map((r) => [r.name, r.savedAs])).toEqual(
      expect.arrayContaining(windowsNames.map((name, index) => [name, saved[index]])),
    );
    expect(final.renamed?.find((r) => r.name === 'con.txt')?.reason).toMatch(/device name/);
    const single = join(sandbox, 'windows-single');
    mkdirSync(single);
    const con = await transfers.download({
      target: TARGET,
      localPath: single,
      remotePath: '/hostile/con.txt',
      intoFolder: true,
    });
    expect(con.localPath).toBe(join(single, 'con_.txt'));
    expect(con.renamed?.[0]?.reason).toMatch(/device name Windows reserves/);
    expect(await transfers.wait(con.id)).toMatchObject({ state: 'done' });
    expect(readdirSync(single)).toEqual(['con_.txt']);
  });
});
