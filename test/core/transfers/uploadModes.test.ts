import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import { GatewaySftp } from '../../../electron/core/ssh/GatewaySftp.ts';
import type { LocalPlatform } from '../../../electron/core/transfers/localNames.ts';
import { TransferEngine } from '../../../electron/core/transfers/TransferEngine.ts';
import { DEFAULT_APP_SETTINGS } from '../../../shared/src/settings.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';

let account: SandboxAccount;
let connections: GatewayConnections;

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const NODE = '518839-4856';
const nodeHome = () => join(account.sandbox.dataDir, 'nodes', '518839', 'home');

/** `ls -l` run on the node through the gateway: each name with its permission string. */
async function lsOnNode(path: string): Promise<Record<string, string>> {
  const client = await connections.client(account.target(NODE));
  const output = await new Promise<string>((resolve, reject) => {
    client.exec(`LC_ALL=C ls -l ${path}`, (error, channel) => {
      if (error) return reject(error);
      let text = '';
      channel.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      channel.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      channel.on('close', () => resolve(text));
    });
  });
  const modes: Record<string, string> = {};
  for (const line of output.split('\n').filter((l) => /^[-d]/.test(l))) {
    const fields = line.trim().split(/\s+/);
    modes[fields.at(-1) ?? ''] = fields[0] ?? '';
  }
  return modes;
}

const engineFor = (platform: LocalPlatform) => new TransferEngine(new GatewaySftp(connections), { platform });

/** A folder as Windows reports it: every file 0o666, every folder 0o777 (libuv shows no other bits). */
function windowsLikeFolder(root: string): void {
  mkdirSync(join(root, 'assets'), { recursive: true });
  for (const name of ['index.php', 'assets/app.js']) writeFileSync(join(root, name), `<?php // ${name}\n`);
  for (const name of ['index.php', 'assets/app.js']) chmodSync(join(root, name), 0o666);
  for (const name of ['', 'assets']) chmodSync(join(root, name), 0o777);
}

describe('upload modes on the node', () => {
  it('never makes a file or folder group- or world-writable from a Windows stat', async () => {
    const local = join(account.dir, 'win-site');
    windowsLikeFolder(local);
    const engine = engineFor('win32');
    const folder = await engine.upload({
      target: account.target(NODE),
      localPath: local,
      remotePath: 'win-site',
    });
    expect(await engine.wait(folder.id)).toMatchObject({ state: 'done', files: { total: 2, failed: 0 } });
    const single = join(account.dir, 'config.php');
    writeFileSync(single, '<?php\n');
    chmodSync(single, 0o666);
    const file = await engine.upload({
      target: account.target(NODE),
      localPath: single,
      remotePath: 'config.php',
    });
    expect(await engine.wait(file.id)).toMatchObject({ state: 'done' });

    expect(await lsOnNode('.')).toMatchObject({ 'config.php': '-rw-r--r--', 'win-site': 'drwxr-xr-x' });
    expect(await lsOnNode('win-site')).toEqual({ 'index.php': '-rw-r--r--', assets: 'drwxr-xr-x' });
    expect(await lsOnNode('win-site/assets')).toEqual({ 'app.js': '-rw-r--r--' });
  });

  it('keeps the execute bits from Linux and macOS, less group and world write', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const local = join(account.dir, `modes-${platform}`);
      mkdirSync(local);
      writeFileSync(join(local, 'deploy.sh'), '#!/bin/sh\n');
      chmodSync(join(local, 'deploy.sh'), 0o777);
      writeFileSync(join(local, 'shared.txt'), 'x');
      chmodSync(join(local, 'shared.txt'), 0o664);
      const engine = engineFor(platform);
      const job = await engine.upload({
        target: account.target(NODE),
        localPath: local,
        remotePath: `modes-${platform}`,
      });
      expect(await engine.wait(job.id)).toMatchObject({ state: 'done' });
      expect(await lsOnNode(`modes-${platform}`)).toEqual({
        'deploy.sh': '-rwxr-xr-x',
        'shared.txt': '-rw-r--r--',
      });
    }
  });
});

describe('upload names from macOS', () => {
  function finderFolder(root: string): void {
    mkdirSync(join(root, 'Re\u0301sume\u0301s'), { recursive: true });
    const files = [
      'cafe\u0301.txt',
      'Re\u0301sume\u0301s/cv.pdf',
      '.DS_Store',
      '._cafe\u0301.txt',
      'Thumbs.db',
      'Re\u0301sume\u0301s/.DS_Store',
    ];
    for (const name of files) writeFileSync(join(root, name), name);
  }

  it('sends names in NFC and leaves the skip list behind, saying which', async () => {
    const local = join(account.dir, 'finder');
    finderFolder(local);
    const engine = engineFor('darwin');
    const job = await engine.upload({ target: account.target(NODE), localPath: local, remotePath: 'finder' });
    const done = await engine.wait(job.id);
    expect(done).toMatchObject({ state: 'done', files: { total: 2, failed: 0 } });
    const remote = join(nodeHome(), 'finder');
    expect(readdirSync(remote).sort()).toEqual(['R\u00e9sum\u00e9s', 'caf\u00e9.txt']);
    expect(readdirSync(join(remote, 'R\u00e9sum\u00e9s'))).toEqual(['cv.pdf']);
    expect(done.skipped?.map((s) => s.name).sort()).toEqual(
      ['.DS_Store', '._cafe\u0301.txt', 'Thumbs.db', 'Re\u0301sume\u0301s/.DS_Store'].sort(),
    );
    expect(done.skipped?.find((s) => s.name === '._cafe\u0301.txt')?.reason).toBe(
      'matches the upload skip list ("._*")',
    );
    // A single file keeps to the same spelling on the node.
    const single = await engine.upload({
      target: account.target(NODE),
      localPath: join(local, 'cafe\u0301.txt'),
      remotePath: 'single-cafe\u0301.txt',
    });
    expect(single.remotePath).toBe('single-caf\u00e9.txt');
    await engine.wait(single.id);
  });

  it('sends every name as it is when the setting is off and the list is empty', async () => {
    const local = join(account.dir, 'finder-as-is');
    finderFolder(local);
    const engine = engineFor('darwin');
    engine.setUploadRules({ normalizeNames: false, skip: [] });
    const job = await engine.upload({
      target: account.target(NODE),
      localPath: local,
      remotePath: 'finder-as-is',
    });
    expect(await engine.wait(job.id)).toMatchObject({ state: 'done', files: { total: 6, failed: 0 } });
    expect(readdirSync(join(nodeHome(), 'finder-as-is')).sort()).toEqual(
      ['.DS_Store', '._cafe\u0301.txt', 'Re\u0301sume\u0301s', 'Thumbs.db', 'cafe\u0301.txt'].sort(),
    );
    expect(DEFAULT_APP_SETTINGS.transfers).toMatchObject({
      normalizeUploadNames: true,
      uploadSkip: ['.DS_Store', '._*', 'Thumbs.db', 'desktop.ini'],
    });
  });
});
