import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  type Dirent,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, type RemoteCommands } from '../../../electron/core/exec/RemoteCommands.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import { TEMP_PREFIX } from '../../../electron/core/transfers/folderStream.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { randomFile } from './transferTestKit.ts';

let account: SandboxAccount;
let connections: GatewayConnections;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
}, 120_000);
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const NODE = '518839-4856';
/** The isolated node's home (/var/www, user apache) as this disk sees it. */
const nodeHome = () => join(account.sandbox.dataDir, 'nodes', '518839', 'home');

/** The real gateway's exec channels, each command started recorded; `prefix` runs before it. */
function recordedCommands(prefix = ''): { commands: RemoteCommands; started: string[] } {
  const inner = commandsOver(connections);
  const started: string[] = [];
  return {
    started,
    commands: {
      start: (target, command) => {
        started.push(command);
        return inner.start(target, `${prefix}${command}`);
      },
    },
  };
}

const engineWith = (commands: RemoteCommands) =>
  new TransferEngine(new GatewaySftp(connections), { commands });

/** Uploads `localPath` to the node's `remotePath` with those exec channels and waits for the job. */
async function uploadWith(commands: RemoteCommands, localPath: string, remotePath: string) {
  const engine = engineWith(commands);
  const job = await engine.upload({ target: account.target(NODE), localPath, remotePath });
  return engine.wait(job.id);
}

/** Every entry below `root` by relative path: 'dir', or the file's mode, mtime (s) and content. */
function describeTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[]) {
    const path = join(entry.parentPath, entry.name);
    const name = relative(root, path);
    const info = statSync(path);
    if (entry.isDirectory()) out[name] = `dir ${(info.mode & 0o777).toString(8)}`;
    else if (entry.isFile() || entry.isSymbolicLink())
      out[name] =
        `${(info.mode & 0o777).toString(8)} ${Math.floor(info.mtimeMs / 1000)} ${readFileSync(path).toString('base64')}`;
  }
  return out;
}

const leftovers = () => readdirSync(nodeHome()).filter((name) => name.startsWith(TEMP_PREFIX));

/** Files of every kind the upload rules speak of, and names that a shell would misread. */
function awkwardFolder(root: string): void {
  const deep = join(root, 'a'.repeat(60), 'b'.repeat(60));
  mkdirSync(deep, { recursive: true });
  mkdirSync(join(root, 'empty folder'));
  writeFileSync(join(deep, `${'c'.repeat(40)}.txt`), 'a path over tar’s 100 bytes');
  writeFileSync(join(root, `it's "quoted" $(touch pwned) & spaced.txt`), 'quotes');
  writeFileSync(join(root, 'line\nbreak.txt'), 'newline');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'secret.txt'), 'private');
  chmodSync(join(root, 'secret.txt'), 0o600);
  writeFileSync(join(root, 'shared.txt'), 'group-writable here');
  chmodSync(join(root, 'shared.txt'), 0o666);
  utimesSync(join(root, 'shared.txt'), 1_000_000_000, 1_000_000_000);
  writeFileSync(join(root, '.DS_Store'), 'skipped by the default list');
  symlinkSync(join(root, 'run.sh'), join(root, 'link-to-file'));
  symlinkSync(deep, join(root, 'link-to-folder'));
  execFileSync('mkfifo', [join(root, 'a-fifo')]);
}

describe('a new folder uploaded as one tar stream (exec channel through the gateway)', () => {
  it('arrives whole under its final name with the SFTP path’s modes, times and names', async () => {
    const source = join(account.dir, 'awkward');
    awkwardFolder(source);
    await randomFile(join(source, 'large.bin'), 3 * 1024 * 1024 + 17);
    // A umask that would strip every mode tar does not insist on (`-p`), as a shared host's may.
    const recorded = recordedCommands('umask 077; ');
    const remoteName = `it's a "site" copy`;
    const done = await uploadWith(recorded.commands, source, remoteName);
    expect(done).toMatchObject({ state: 'done', files: { total: 8, finished: 8, failed: 0 } });
    expect(done.bytes).toBe(done.total);
    expect(done.skipped?.map((entry) => entry.name)).toEqual(['.DS_Store']);
    expect(recorded.started.some((command) => command.includes('tar -x'))).toBe(true);

    // What the SFTP path makes of the same folder is the yardstick (no exec channels: no stream).
    const bySftp = new TransferEngine(new GatewaySftp(connections));
    const reference = await bySftp.upload({
      target: account.target(NODE),
      localPath: source,
      remotePath: 'awkward-by-sftp',
    });
    expect((await bySftp.wait(reference.id)).state).toBe('done');
    const streamed = describeTree(join(nodeHome(), remoteName));
    expect(streamed).toEqual(describeTree(join(nodeHome(), 'awkward-by-sftp')));
    expect(Object.keys(streamed)).toContain('line\nbreak.txt');
    expect(streamed['shared.txt']).toMatch(/^644 1000000000 /);
    expect(streamed['secret.txt']).toMatch(/^600 /);
    expect(streamed['run.sh']).toMatch(/^755 /);
    expect(streamed['link-to-file']).toMatch(/^755 /);
    expect(streamed['link-to-folder']).toBeUndefined();
    expect(streamed['a-fifo']).toBeUndefined();
    expect(streamed['empty folder']).toBe('dir 755');
    expect((statSync(join(nodeHome(), remoteName)).mode & 0o777).toString(8)).toBe('755');
    expect(lstatSync(join(nodeHome(), remoteName, 'link-to-file')).isFile()).toBe(true);
    expect(existsSync(join(nodeHome(), 'pwned'))).toBe(false);
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('goes by SFTP into a destination that exists, keeping what is there', async () => {
    const source = join(account.dir, 'into-existing');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'sub', 'new.txt'), 'new');
    const destination = join(nodeHome(), 'existing');
    mkdirSync(destination);
    writeFileSync(join(destination, 'keep.txt'), 'kept');
    execFileSync('chown', ['-R', '48:48', destination]);
    const recorded = recordedCommands();
    expect(await uploadWith(recorded.commands, source, 'existing')).toMatchObject({
      state: 'done',
      files: { total: 1, finished: 1 },
    });
    expect(recorded.started).toEqual([]);
    expect(readFileSync(join(destination, 'keep.txt'), 'utf8')).toBe('kept');
    expect(readFileSync(join(destination, 'sub', 'new.txt'), 'utf8')).toBe('new');
  }, 60_000);

  it('goes by SFTP when the node has no tar', async () => {
    const source = join(account.dir, 'no-tar');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'sub', 'file.txt'), 'by sftp');
    // A real node whose PATH finds no tar, as on a minimal image.
    const recorded = recordedCommands('PATH=/nonexistent; ');
    expect(await uploadWith(recorded.commands, source, 'no-tar')).toMatchObject({
      state: 'done',
      files: { total: 1, finished: 1 },
    });
    expect(recorded.started).toHaveLength(1);
    expect(readFileSync(join(nodeHome(), 'no-tar', 'sub', 'file.txt'), 'utf8')).toBe('by sftp');
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it('cancelled mid-stream, leaves nothing under the final name and no temporary folder', async () => {
    const source = join(account.dir, 'to-cancel');
    mkdirSync(source);
    for (let i = 0; i < 24; i++) await randomFile(join(source, `part-${i}.bin`), 2 * 1024 * 1024);
    const engine = engineWith(recordedCommands().commands);
    const job = await engine.upload({
      target: account.target(NODE),
      localPath: source,
      remotePath: 'cancelled',
    });
    const off = engine.events.on('progress', (event) => {
      if (event.id === job.id) void engine.cancel(job.id);
    });
    await expect(engine.wait(job.id)).rejects.toThrow(/cancelled/);
    off();
    expect(existsSync(join(nodeHome(), 'cancelled'))).toBe(false);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it('never replaces a destination that appeared during the upload', async () => {
    const source = join(account.dir, 'raced-folder');
    mkdirSync(source);
    for (let i = 0; i < 24; i++) await randomFile(join(source, `part-${i}.bin`), 1024 * 1024);
    const engine = engineWith(recordedCommands().commands);
    const destination = join(nodeHome(), 'raced-folder');
    const job = await engine.upload({
      target: account.target(NODE),
      localPath: source,
      remotePath: 'raced-folder',
    });
    const off = engine.events.on('progress', (event) => {
      if (event.id !== job.id || existsSync(destination)) return;
      mkdirSync(destination);
      writeFileSync(join(destination, 'theirs.txt'), 'someone else’s');
    });
    await expect(engine.wait(job.id)).rejects.toThrow(/appeared on the node during the upload/);
    off();
    expect(readdirSync(destination)).toEqual(['theirs.txt']);
    expect(leftovers()).toEqual([]);
  }, 60_000);
});
