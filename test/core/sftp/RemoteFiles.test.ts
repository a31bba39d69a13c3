import { forgetSftpExtension } from '@enscale-ssh/ssh2-internals/testing';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteFiles } from '../../../electron/core/sftp/RemoteFiles.ts';
import { InvalidInput, TransferFailed } from '../../../shared/src/errors.ts';
import { connectNode, type NodeSftp } from './nodeSftp.ts';

let node: NodeSftp;
let files: RemoteFiles;
let outside: string;

beforeAll(async () => {
  node = await connectNode();
  files = new RemoteFiles(node.sftp);
  outside = mkdtempSync(join(tmpdir(), 'remote-files-outside-'));
});
afterAll(async () => {
  await node?.stop();
  rmSync(outside, { recursive: true, force: true });
});

/** A fresh folder in the node's home for one test. */
function scratch(name: string): string {
  const dir = join(node.home, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const reasonOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof TransferFailed ? error.details['reason'] : error),
  );

describe('RemoteFiles against a sandbox node', () => {
  it('knows home and resolves paths', async () => {
    expect(await files.home()).toBe(node.remoteHome);
    expect(node.remoteHome).toBe(node.home);
    expect(await files.realpath('.')).toBe(node.remoteHome);
    expect(await files.realpath('./README.txt')).toBe(join(node.remoteHome, 'README.txt'));
  });

  it('lists entries with type, size, mtime, mode, permissions, owner and symlink targets', async () => {
    const dir = scratch('listing');
    writeFileSync(join(dir, 'a.txt'), 'hello', { mode: 0o644 });
    chmodSync(join(dir, 'a.txt'), 0o644);
    mkdirSync(join(dir, 'sub'));
    symlinkSync('a.txt', join(dir, 'link'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    const entries = await files.list(dir);
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['a.txt', 'file'],
      ['dangling', 'symlink'],
      ['link', 'symlink'],
      ['sub', 'directory'],
    ]);
    const [file, dangling, link, sub] = entries;
    const onDisk = statSync(join(dir, 'a.txt'));
    expect(file).toMatchObject({
      path: join(dir, 'a.txt'),
      size: 5,
      mode: onDisk.mode,
      permissions: '-rw-r--r--',
      uid: onDisk.uid,
      gid: onDisk.gid,
      owner: userInfo().username,
    });
    expect(Math.abs(file!.mtime - onDisk.mtimeMs)).toBeLessThan(1000);
    expect(link).toMatchObject({ target: 'a.txt', targetType: 'file', permissions: 'lrwxrwxrwx' });
    expect(dangling!.target).toBe('nowhere');
    expect(dangling!.targetType).toBeUndefined();
    expect(sub!.permissions).toMatch(/^drwx/);
    // A relative path is listed with absolute entry paths.
    expect((await files.list('listing')).map((e) => e.path)).toEqual(entries.map((e) => e.path));
  });

  it('stats a file, a folder and a symlink', async () => {
    const dir = scratch('stat');
    writeFileSync(join(dir, 'f'), 'x'.repeat(10));
    symlinkSync(dir, join(dir, 'self'));
    expect(await files.stat(join(dir, 'f'))).toMatchObject({ name: 'f', type: 'file', size: 10 });
    expect(await files.stat(dir)).toMatchObject({ name: 'stat', type: 'directory' });
    expect(await files.stat(join(dir, 'self'))).toMatchObject({
      type: 'symlink',
      target: dir,
      targetType: 'directory',
    });
    expect(await reasonOf(files.stat(join(dir, 'missing')))).toBe('notFound');
    await expect(files.stat(join(dir, 'missing'))).rejects.toThrow(/does not exist/);
  });

  it('creates folders, recursively and not', async () => {
    const dir = scratch('mkdir');
    await files.mkdir(join(dir, 'one'));
    expect(statSync(join(dir, 'one')).isDirectory()).toBe(true);
    expect(await reasonOf(files.mkdir(join(dir, 'one')))).toBe('exists');
    await files.mkdir(join(dir, 'a/b/c'), { recursive: true, mode: 0o750 });
    expect(statSync(join(dir, 'a/b/c')).mode & 0o777).toBe(0o750);
    await files.mkdir(join(dir, 'a/b/c'), { recursive: true });
    writeFileSync(join(dir, 'file'), '');
    expect(await reasonOf(files.mkdir(join(dir, 'file/x'), { recursive: true }))).toBe('notDirectory');
    expect(await reasonOf(files.mkdir(join(dir, 'missing/x')))).toBe('notFound');
  });

  it('renames, refusing to replace unless asked', async () => {
    const dir = scratch('rename');
    writeFileSync(join(dir, 'a'), 'A');
    writeFileSync(join(dir, 'b'), 'B');
    await expect(files.rename(join(dir, 'a'), join(dir, 'b'))).rejects.toThrow(/already exists/);
    await files.rename(join(dir, 'a'), join(dir, 'b'), { overwrite: true });
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('A');
    expect(existsSync(join(dir, 'a'))).toBe(false);
    await files.rename(join(dir, 'b'), join(dir, 'c'));
    expect(readFileSync(join(dir, 'c'), 'utf8')).toBe('A');
  });

  it('removes files and whole trees without following symlinks out', async () => {
    const dir = scratch('remove');
    writeFileSync(join(outside, 'precious'), 'keep me');
    mkdirSync(join(dir, 'tree/deep/deeper'), { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, 'tree/deep', `f${i}`), String(i));
    symlinkSync(outside, join(dir, 'tree/link-to-outside'));
    symlinkSync(join(outside, 'precious'), join(dir, 'tree/deep/link-to-file'));
    writeFileSync(join(dir, 'single'), '1');

    await files.remove(join(dir, 'single'));
    expect(existsSync(join(dir, 'single'))).toBe(false);
    expect(await reasonOf(files.remove(join(dir, 'tree')))).toBe('notEmpty');
    await files.remove(join(dir, 'tree'), { recursive: true });
    expect(existsSync(join(dir, 'tree'))).toBe(false);
    expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe('keep me');
    expect(await reasonOf(files.remove(join(dir, 'tree')))).toBe('notFound');
  });

  it('changes modes (checked on disk)', async () => {
    const dir = scratch('chmod');
    writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\n');
    await files.chmod(join(dir, 'script.sh'), 0o750);
    expect(statSync(join(dir, 'script.sh')).mode & 0o7777).toBe(0o750);
    await files.chmod(join(dir, 'script.sh'), '4711');
    expect(statSync(join(dir, 'script.sh')).mode & 0o7777).toBe(0o4711);
    expect((await files.stat(join(dir, 'script.sh'))).permissions).toBe('-rws--x--x');
    await expect(files.chmod(join(dir, 'script.sh'), 'rwx')).rejects.toThrow(InvalidInput);
  });

  it('reads and writes small text files atomically, keeping the mode, with a size cap', async () => {
    const dir = scratch('text');
    const path = join(dir, 'config.ini');
    await files.writeText(path, 'a = 1\nb = ünïcødé\n');
    expect(readFileSync(path, 'utf8')).toBe('a = 1\nb = ünïcødé\n');
    expect(await files.readText(path)).toBe('a = 1\nb = ünïcødé\n');
    await files.chmod(path, 0o600);
    const big = 'x'.repeat(100_000);
    await files.writeText(path, big);
    expect(await files.readText(path)).toBe(big);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // No temporary file stays behind.
    expect((await files.list(dir)).map((e) => e.name)).toEqual(['config.ini']);

    writeFileSync(join(dir, 'huge.log'), Buffer.alloc(1024 * 1024 + 1));
    expect(await reasonOf(files.readText(join(dir, 'huge.log')))).toBe('tooLarge');
    await expect(files.readText(join(dir, 'huge.log'))).rejects.toThrow(/Download it instead/);
    await expect(files.writeText(join(dir, 'huge2.log'), 'x'.repeat(1024 * 1024 + 1))).rejects.toThrow(
      InvalidInput,
    );
    expect(await reasonOf(files.readText(dir))).toBe('isDirectory');
  });

  it('handles hostile and unusual names through SFTP alone', async () => {
    const dir = scratch('names');
    const names = [
      `it's "quoted"`,
      'with  spaces ',
      'new\nline',
      '$(touch pwned)',
      '`touch pwned2`; rm -rf ~',
      'ünïcødé — 日本語 🚀',
      '-rf',
      'x'.repeat(255),
      'é'.repeat(127) + 'x',
    ];
    for (const name of names) await files.writeText(join(dir, name), `content of ${name}`);
    expect((await files.list(dir)).map((e) => e.name).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(readFileSync(join(dir, name), 'utf8')).toBe(`content of ${name}`);
      const renamed = join(dir, Buffer.byteLength(name) > 240 ? 'm'.repeat(255) : `${name}.moved`);
      await files.rename(join(dir, name), renamed);
      expect(await files.readText(renamed)).toBe(`content of ${name}`);
      await files.remove(renamed);
    }
    await files.mkdir(join(dir, '$(touch pwned) dir/"sub"'), { recursive: true });
    await files.remove(join(dir, '$(touch pwned) dir'), { recursive: true });
    expect(await files.list(dir)).toEqual([]);
    expect(existsSync(join(node.home, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(node.home, 'pwned2'))).toBe(false);
  });

  it('replaces files on a server without posix-rename (remove, then rename)', async () => {
    const dir = scratch('no-posix-rename');
    const channel = await node.openSftp();
    // The same sftp-server, with the extension hidden as a server without it would not offer it.
    forgetSftpExtension(channel, 'posix-rename@openssh.com');
    const plain = new RemoteFiles(channel);
    writeFileSync(join(dir, 'a'), 'old');
    await plain.writeText(join(dir, 'a'), 'new');
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new');
    writeFileSync(join(dir, 'b'), 'B');
    await plain.rename(join(dir, 'b'), join(dir, 'a'), { overwrite: true });
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('B');
    expect((await plain.list(dir)).map((e) => e.name)).toEqual(['a']);
    channel.end();
  });

  it('accepts a function that supplies the channel', async () => {
    const lazy = new RemoteFiles(() => node.openSftp());
    expect(await lazy.home()).toBe(node.remoteHome);
  });
});
