import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../../../electron/core/databases/DatabaseService.ts';
import { MemorySecretStore } from '../../../electron/core/keys/memorySecretStore.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import {
  isAbsoluteLocalPath,
  requireAbsoluteLocalPath,
} from '../../../electron/core/transfers/absoluteLocalPath.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';

describe('absolute local paths, by the syntax of each OS', () => {
  it.each([
    ['C:\\Users\\ann\\Downloads', true],
    ['c:/Users/ann/Downloads', true],
    ['\\\\server\\share\\dumps', true],
    ['\\\\?\\C:\\very\\long', true],
    // The current drive's root, and C:'s current folder: both depend on state the core does not own.
    ['\\Users\\ann', false],
    ['/Users/ann', false],
    ['C:Downloads', false],
    ['C:', false],
    ['Downloads\\x.sql', false],
    ['', false],
  ])('win32: %j → %s', (path, absolute) => {
    expect(isAbsoluteLocalPath(path, 'win32')).toBe(absolute);
  });

  it.each([
    ['/Users/ann/Downloads', true],
    ['/', true],
    ['Downloads/x.sql', false],
    ['./x.sql', false],
    ['~/Downloads', false],
    ['C:\\Users', false],
  ])('darwin and linux: %j → %s', (path, absolute) => {
    expect(isAbsoluteLocalPath(path, 'darwin')).toBe(absolute);
    expect(isAbsoluteLocalPath(path, 'linux')).toBe(absolute);
  });

  it('says what is wrong and what to type instead', () => {
    expect(() => requireAbsoluteLocalPath('C:dump.sql', 'The file to export to', 'win32')).toThrow(
      /The file to export to must be a full path such as C:\\Users\\you\\Downloads; "C:dump.sql" is not \(a path with a drive letter/,
    );
    expect(() => requireAbsoluteLocalPath('dump.sql', 'The download destination', 'darwin')).toThrow(
      /must be a full path such as \/Users\/you\/Downloads/,
    );
  });
});

describe('the core refuses relative destinations before anything moves', () => {
  let account: SandboxAccount;
  let connections: GatewayConnections;
  // A relative name would land in the core's working folder: here the test's, where it must not appear.
  const relativeName = `enscale-relative-${process.pid}.out`;
  const strayCopy = resolve(relativeName);

  beforeAll(async () => {
    account = await startSandboxAccount();
    connections = account.connections();
  });
  afterAll(async () => {
    rmSync(strayCopy, { force: true });
    connections?.closeAll();
    await account?.stop();
  });

  it('a download to a relative path is an InvalidInput, with no job and no file', async () => {
    writeFileSync(join(account.sandbox.dataDir, 'nodes', '518839', 'home', 'wanted.txt'), 'wanted\n');
    const engine = new TransferEngine(new GatewaySftp(connections));
    const target = account.target('518839-4856');
    await expect(
      engine.download({ target, localPath: relativeName, remotePath: 'wanted.txt' }),
    ).rejects.toThrow(InvalidInput);
    await expect(
      engine.download({ target, localPath: relativeName, remotePath: 'wanted.txt' }),
    ).rejects.toThrow(/The download destination must be a full path/);
    expect(await engine.jobs()).toEqual([]);
    expect(existsSync(strayCopy)).toBe(false);

    // Windows' drive-relative and root-relative forms are refused by the win32 syntax.
    const windows = new TransferEngine(new GatewaySftp(connections), { pathPlatform: 'win32' });
    for (const localPath of ['C:wanted.txt', '\\wanted.txt'])
      await expect(windows.download({ target, localPath, remotePath: 'wanted.txt' })).rejects.toThrow(
        InvalidInput,
      );

    // An absolute one still works.
    const job = await engine.download({
      target,
      localPath: join(account.dir, 'wanted.txt'),
      remotePath: 'wanted.txt',
    });
    expect((await engine.wait(job.id)).state).toBe('done');
  });

  it('an SQL export to a relative path is an InvalidInput, and no dump is written', async () => {
    const databases = new DatabaseService({ connections, secrets: new MemorySecretStore() });
    const db = account.sandbox.ready.database!;
    const credentials = { database: db.name, user: db.user, password: db.password };
    const request = { target: account.target('518840-4856'), nodeType: 'mariadb', gzip: false, credentials };
    await expect(databases.exportSql({ ...request, file: relativeName })).rejects.toThrow(
      /The file to export to must be a full path/,
    );
    await expect(databases.importSql({ ...request, file: relativeName })).rejects.toThrow(InvalidInput);
    expect(existsSync(strayCopy)).toBe(false);
  });
});
