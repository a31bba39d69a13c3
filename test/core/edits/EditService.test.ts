import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { editsCacheDir } from '../../../electron/core/edits/editCache.ts';
import { EditService } from '../../../electron/core/edits/EditService.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import type { LocalPlatform } from '../../../electron/core/transfers/localNames.ts';
import type { EditConflict, EditSession } from '../../../shared/src/edits.ts';
import { InvalidInput } from '../../../shared/src/errors.ts';
import { nodeOwned } from '../support/nodeOwned.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';
import { sha256 } from '../transfers/transferTestKit.ts';
import { ScriptedEditor, until } from './scriptedEditor.ts';

/*
 * "Edit" through the gateway to node 518839 of a real sandbox (isolated: the node's user is apache),
 * with the test editor (testEditor.mjs) as the editor from Settings. What arrives is checked on the
 * node's disk, which the sandbox keeps on this machine.
 */

let account: SandboxAccount;
let connections: GatewayConnections;
let sftp: GatewaySftp;
const scratch: string[] = [];
const editors: ScriptedEditor[] = [];
const services: EditService[] = [];

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  sftp = new GatewaySftp(connections);
});
afterEach(() => {
  for (const service of services.splice(0)) service.closeAll();
  for (const editor of editors.splice(0)) {
    editor.quit();
    editor.remove();
  }
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const target = () => account.target('518839-4856');
const nodeHome = () => join(account.sandbox.dataDir, 'nodes', '518839', 'home');

/** A file on the node, written as its user would have it. */
async function onNode(name: string, text: string, mode = 0o644): Promise<string> {
  const path = join(nodeHome(), name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
  await nodeOwned(path);
  return path;
}

/** An edit service with a profile of its own, its events recorded. */
function editing(options: {
  command?: string;
  platform?: LocalPlatform;
  openPath?: (path: string) => Promise<void>;
}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'edits-profile-'));
  scratch.push(dataDir);
  const service = new EditService({
    sftp,
    dataDir,
    editorCommand: async () => options.command ?? '',
    openPath: options.openPath ?? (() => Promise.reject(new Error('no default application in this test'))),
    ...(options.platform ? { platform: options.platform } : {}),
  });
  services.push(service);
  const seen: EditSession[] = [];
  const conflicts: EditConflict[] = [];
  service.events.on('edit', (session) => seen.push(session));
  service.events.on('conflict', (conflict) => conflicts.push(conflict));
  const latest = (id: string) => seen.filter((s) => s.id === id).at(-1);
  return {
    service,
    dataDir,
    seen,
    conflicts,
    latest,
    /** Waits until the edit's latest state passes `check`. */
    when: (id: string, check: (session: EditSession) => boolean) =>
      until(() => {
        const session = latest(id);
        return session && check(session) ? session : undefined;
      }),
  };
}

function scriptedEditor(saves: number): ScriptedEditor {
  const editor = new ScriptedEditor(saves);
  editors.push(editor);
  return editor;
}

describe('editing a node file in a local editor', () => {
  it('uploads each save with the SHA-256 it was saved with, keeping the mode, and closes when the editor quits', async () => {
    const nodePath = await onNode('site.conf', 'listen 80\n', 0o640);
    const editor = scriptedEditor(2);
    const { service, dataDir, seen, when } = editing({ command: editor.command });

    const session = await service.open(target(), 'site.conf');
    expect(session).toMatchObject({ state: 'open', openedWith: process.execPath, uploads: 0, inSync: true });
    expect(session.remotePath).toMatch(/\/site\.conf$/);
    expect(await editor.started()).toBe(session.localPath);
    // The copy: in the profile's cache, private to the user, byte for byte the node's.
    expect(session.localPath.startsWith(editsCacheDir(dataDir))).toBe(true);
    const editFolder = dirname(dirname(session.localPath));
    expect(statSync(editFolder).mode & 0o777).toBe(0o700);
    expect(statSync(session.localPath).mode & 0o777).toBe(0o600);
    expect(await sha256(session.localPath)).toBe(await sha256(nodePath));

    const first = await editor.save(1); // by a temporary file renamed over the copy
    await when(session.id, (s) => s.uploads === 1 && s.state === 'open');
    expect(await sha256(nodePath)).toBe(first);
    const second = await editor.save(2); // in place
    const after = await when(session.id, (s) => s.uploads === 2 && s.state === 'open');
    expect(await sha256(nodePath)).toBe(second);
    expect(readFileSync(nodePath, 'utf8')).toBe(
      'listen 80\nedit 1 by the test editor\nedit 2 by the test editor\n',
    );
    expect(statSync(nodePath).mode & 0o777).toBe(0o640);
    expect(after.node).toEqual({
      size: statSync(nodePath).size,
      mtime: Math.floor(statSync(nodePath).mtimeMs / 1000) * 1000,
    });
    expect(seen.filter((s) => s.id === session.id && s.state === 'uploading').length).toBeGreaterThanOrEqual(
      2,
    );
    // Nothing beside the file: no partial left behind.
    expect(readdirSync(nodeHome()).filter((name) => name.includes('site.conf'))).toEqual(['site.conf']);

    // The editor quits after saving (its window closed): the edit ends and its copy is gone.
    editor.quit();
    await when(session.id, (s) => s.state === 'closed');
    expect(existsSync(editFolder)).toBe(false);
    expect(await service.list()).toEqual([]);
  });

  it('asks before a save overwrites a change made on the node, and does as answered', async () => {
    const nodePath = await onNode('app.env', 'MODE=dev\n');
    const editor = scriptedEditor(2);
    const { service, conflicts, when, latest } = editing({ command: editor.command });
    const session = await service.open(target(), 'app.env');
    await expect(service.resolve(session.id, 'overwrite')).rejects.toBeInstanceOf(InvalidInput);

    // Someone changes the node's copy while the file is open here.
    appendFileSync(nodePath, 'FROM_THE_NODE=1\n');
    const nodeSide = await sha256(nodePath);
    const nodeStat = statSync(nodePath);
    const first = await editor.save(1);
    await until(() => conflicts[0]);
    expect(conflicts[0]).toEqual({
      id: session.id,
      target: target(),
      remotePath: session.remotePath,
      known: session.node,
      node: { size: nodeStat.size, mtime: Math.floor(nodeStat.mtimeMs / 1000) * 1000 },
      local: { size: Buffer.byteLength('MODE=dev\nedit 1 by the test editor\n'), mtime: expect.any(Number) },
    });
    expect(latest(session.id)).toMatchObject({ state: 'conflict', question: conflicts[0] });
    expect(await sha256(nodePath)).toBe(nodeSide);

    // Kept the node's: nothing uploaded, and the edit knows its save is not on the node.
    await service.resolve(session.id, 'skip');
    await when(session.id, (s) => s.state === 'open' && !s.inSync);
    expect(await sha256(nodePath)).toBe(nodeSide);
    expect(first).not.toBe(nodeSide);

    // The next save asks again (the node still differs), and this time overwrites.
    const second = await editor.save(2);
    await until(() => conflicts[1]);
    await service.resolve(session.id, 'overwrite');
    const done = await when(session.id, (s) => s.uploads === 1 && s.state === 'open');
    expect(done.inSync).toBe(true);
    expect(await sha256(nodePath)).toBe(second);
    expect(readFileSync(nodePath, 'utf8')).not.toContain('FROM_THE_NODE');
  });

  it('edits the file a symlink points to, leaving the link a link', async () => {
    const real = await onNode('real.ini', 'a = 1\n');
    const link = join(nodeHome(), 'link.ini');
    symlinkSync('real.ini', link);
    await nodeOwned(link);
    const editor = scriptedEditor(1);
    const { service, when } = editing({ command: editor.command });
    const session = await service.open(target(), 'link.ini');
    expect(session.remotePath).toMatch(/\/real\.ini$/);
    const saved = await editor.save(1);
    await when(session.id, (s) => s.uploads === 1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await sha256(real)).toBe(saved);
  });

  it('says why a save did not go up, and uploads it once the node allows', async () => {
    const nodePath = await onNode('locked/notes.txt', 'first\n');
    await nodeOwned(dirname(nodePath));
    const editor = scriptedEditor(1);
    const { service, when } = editing({ command: editor.command });
    const session = await service.open(target(), 'locked/notes.txt');
    // The node's user may no longer create files in the folder (the partial file beside it).
    chmodSync(dirname(nodePath), 0o555);
    const saved = await editor.save(1);
    const failed = await when(session.id, (s) => s.state === 'failed');
    expect(failed.error).toMatch(/permission denied/i);
    expect(failed.inSync).toBe(false);
    expect(readFileSync(nodePath, 'utf8')).toBe('first\n');

    chmodSync(dirname(nodePath), 0o755);
    await service.upload(session.id);
    await when(session.id, (s) => s.uploads === 1 && s.state === 'open');
    expect(await sha256(nodePath)).toBe(saved);
    expect(readdirSync(dirname(nodePath))).toEqual(['notes.txt']);
  });

  it('opens with the default application when no editor is set, never a file the OS would run', async () => {
    await onNode('readme.md', '# hello\n');
    await onNode('deploy.bat', 'del /q *\n');
    await onNode('start.desktop', '[Desktop Entry]\n');
    const opened: string[] = [];
    const openPath = async (path: string) => void opened.push(path);
    const { service, when } = editing({ openPath });

    const session = await service.open(target(), 'readme.md');
    expect(session.openedWith).toBe('the default application');
    expect(opened).toEqual([session.localPath]);
    // The application saves; the save goes up as any other.
    appendFileSync(session.localPath, 'more\n');
    await when(session.id, (s) => s.uploads === 1);
    expect(readFileSync(join(nodeHome(), 'readme.md'), 'utf8')).toBe('# hello\nmore\n');

    await expect(service.open(target(), 'start.desktop')).rejects.toThrow(
      /runs rather than opens.*Settings → Editor/,
    );
    const windows = editing({ openPath, platform: 'win32' });
    await expect(windows.service.open(target(), 'deploy.bat')).rejects.toThrow(/runs rather than opens/);
    expect(opened).toHaveLength(1);
    // Nothing of the refused files stays in the cache.
    expect(readdirSync(editsCacheDir(windows.dataDir))).toEqual([]);
  });

  it('refuses a folder and an editor that does not start, leaving nothing in the cache', async () => {
    mkdirSync(join(nodeHome(), 'assets'), { recursive: true });
    await nodeOwned(join(nodeHome(), 'assets'));
    await onNode('style.css', 'body {}\n');
    const { service, dataDir, seen } = editing({ command: 'no-such-editor-here --wait' });
    await expect(service.open(target(), 'assets')).rejects.toThrow(/is a folder/);
    await expect(service.open(target(), 'style.css')).rejects.toThrow(
      /The editor “no-such-editor-here” was not found.*Settings → Editor/,
    );
    expect(seen.at(-1)).toMatchObject({ state: 'closed', error: expect.stringMatching(/not found/) });
    expect(readdirSync(editsCacheDir(dataDir))).toEqual([]);
    expect(await service.list()).toEqual([]);
  });

  it('opens a file being edited again from its copy, and closing everything removes the copies', async () => {
    await onNode('twice.txt', 'x\n');
    const first = scriptedEditor(1);
    const { service, dataDir, when } = editing({ command: first.command });
    const session = await service.open(target(), 'twice.txt');
    const again = await service.open(target(), 'twice.txt');
    expect(again.id).toBe(session.id);
    expect(readdirSync(editsCacheDir(dataDir))).toHaveLength(1);
    service.closeAll();
    await when(session.id, (s) => s.state === 'closed');
    expect(readdirSync(editsCacheDir(dataDir))).toEqual([]);
  });

  it("removes a crashed run's copies at start, and no live or foreign folder", async () => {
    await onNode('after-crash.txt', 'y\n');
    const dataDir = mkdtempSync(join(tmpdir(), 'edits-profile-'));
    scratch.push(dataDir);
    const root = editsCacheDir(dataDir);
    // A process that has ended: its pid names a crashed run's folder.
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid!;
    await new Promise((resolve) => gone.once('exit', resolve));
    mkdirSync(join(root, `${pid}-0123456789abcdef`, 'file'), { recursive: true });
    writeFileSync(join(root, `${pid}-0123456789abcdef`, 'file', 'old.txt'), 'unsaved\n');
    mkdirSync(join(root, `${process.pid}-fedcba9876543210`), { recursive: true });
    mkdirSync(join(root, 'not-an-edit'), { recursive: true });

    const editor = scriptedEditor(1);
    const service = new EditService({
      sftp,
      dataDir,
      editorCommand: async () => editor.command,
      openPath: () => Promise.reject(new Error('unused')),
    });
    services.push(service);
    const session = await service.open(target(), 'after-crash.txt');
    const left = readdirSync(root).sort();
    expect(left).toEqual(
      [
        `${process.pid}-fedcba9876543210`,
        'not-an-edit',
        dirname(dirname(session.localPath)).split('/').at(-1)!,
      ].sort(),
    );
  });
});
