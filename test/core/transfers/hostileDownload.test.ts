import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { startHostileServer } from './hostileServer.ts';
import { record, TARGET } from './transferTestKit.ts';

const hostileNames = ['../escape', '../../x', '/tmp/abs', '..\\..\\x', 'a\u0000b', 'bad\u001bname'];
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
  it('keeps a folder download inside the chosen folder and reports the skipped names', async () => {
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
    expect(readdirSync(chosen)).toEqual(['setuid.sh']);
    // Neither the setuid bit nor an execute bit from the server: the user asked for no permissions.
    expect((statSync(join(chosen, 'setuid.sh')).mode & 0o7111).toString(8)).toBe('0');
    expect(done).toMatchObject({ state: 'done' });
    const final = events.states(job.id).at(-1)?.job ?? job;
    expect(final.skipped?.map((s) => s.name).sort()).toEqual([...hostileNames].sort());
  });
});
